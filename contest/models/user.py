"""Accounts, roles, worker profiles and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from contest.domain.contact import name_initials
from contest.domain.roles import Role
from contest.extensions import db
from contest.models.base import enum_column, utcnow
from contest.models.org import Organisation


class SkillLevel(str, enum.Enum):
    """职业技能等级 (national vocational skill levels, level 5 lowest)."""

    NONE = "none"
    LEVEL5 = "level5"  # 五级/初级工
    LEVEL4 = "level4"  # 四级/中级工
    LEVEL3 = "level3"  # 三级/高级工
    LEVEL2 = "level2"  # 二级/技师
    LEVEL1 = "level1"  # 一级/高级技师


class Gender(str, enum.Enum):
    MALE = "M"
    FEMALE = "F"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # Search by pinyin initials is a prefix range (>= 'zjh' AND < 'zji', contest.services.search.initials_clause)
    # on this plain B-tree index, in both databases.
    __table_args__ = (Index("ix_users_name_initials", "name_initials"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))  # optional; notifications are mailed to it
    # Pinyin initials of ``name`` ("zjh" for 周建华), kept by ``_set_initials`` whenever the name is written.
    name_initials: Mapped[str] = mapped_column(String(50), default="", server_default="")
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    org: Mapped[Organisation] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    profile: Mapped[WorkerProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )

    @validates("name")
    def _set_initials(self, _key: str, value: str) -> str:
        self.name_initials = name_initials(value or "")
        return value

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {Role(r) for r in roles}
        return bool(self.roles & wanted)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    # The login session this user object was loaded with (set by the session loader, never stored): its id and
    # the random key that the session and remember cookies carry. See ``contest.services.sessions``.
    login_session_id = None  # int | None; plain attributes, not mapped
    login_session_key = None  # str | None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: ``"<user id>:<session key>"``, so a
        cookie is worth nothing once its login session row is gone (logout, password change or reset)."""
        return f"{self.id}:{self.login_session_key}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class WorkerProfile(db.Model):
    """A worker's personal data. The resident ID is stored once (unique) and shown masked."""

    __tablename__ = "worker_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender, "gender"))
    resident_id: Mapped[str] = mapped_column(String(18), unique=True)
    occupation: Mapped[str] = mapped_column(String(50))
    skill_level: Mapped[SkillLevel] = mapped_column(enum_column(SkillLevel, "skill_level"), default=SkillLevel.NONE)

    user: Mapped[User] = relationship(back_populates="profile")


class LoginSession(db.Model):
    """One logged-in browser (device). The session and remember cookies carry a random key whose SHA-256
    digest is stored here; every request looks the row up, so deleting it logs that device out for good."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored. A token made for a page of a logged-in
    browser (the tablet score page) belongs to that login session and ends with it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("login_sessions.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
