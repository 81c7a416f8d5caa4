"""The organisation tree: city → county/district → enterprise → team, as a materialised path."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, validates
from sqlalchemy.orm.interfaces import LoaderOption

from contest.domain.contact import name_initials
from contest.domain.orgtree import OrgLevel, depth_of, path_ids
from contest.extensions import db
from contest.models.base import enum_column

UNIT_SEPARATOR = " · "


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_organisations_parent_name"),
        CheckConstraint("path LIKE '/%/'", name="path_shape"),
        # "Everything under X" is ``path LIKE 'X%'``: PostgreSQL needs pattern ops to use an index for it.
        Index("ix_organisations_path_prefix", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        # Search by pinyin initials, a prefix range as for people (contest.services.search.initials_clause).
        Index("ix_organisations_name_initials", "name_initials"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Pinyin initials of ``name`` ("kcdl" for 柯城电力), kept by ``_set_initials`` whenever the name is written.
    name_initials: Mapped[str] = mapped_column(String(50), default="", server_default="")
    level: Mapped[OrgLevel] = mapped_column(enum_column(OrgLevel, "org_level"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # "/1/7/42/": ids from the root down to and including this unit.
    path: Mapped[str] = mapped_column(String(255), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sibling order in lists; imports and creation append.
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.position, Organisation.id"
    )

    @validates("name")
    def _set_initials(self, _key: str, value: str) -> str:
        self.name_initials = name_initials(value or "")
        return value

    @property
    def depth(self) -> int:
        return depth_of(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent."""
        return path_ids(self.path)[:-1]

    @property
    def unit_parts(self) -> list[str]:
        """Names from the county (or a city-level enterprise) down to this unit; the city alone for the root.

        Walks at most two parents and never above depth 1, so loading the unit with
        ``unit_path_loader`` makes it free of queries."""
        parts: list[str] = []
        unit: Organisation | None = self
        while unit is not None:
            parts.append(unit.name)
            if unit.depth <= 1:
                break
            unit = unit.parent
        return parts[::-1]

    @property
    def label(self) -> str:
        """The unit as shown with an entry, county · enterprise · team (柯城区 · 柯城电力 · 运维一班): every
        county has its own "运维一班", so a name alone says nothing on a city list."""
        return UNIT_SEPARATOR.join(self.unit_parts)

    def contains(self, other: Organisation) -> bool:
        """True when ``other`` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.level.value} {self.name!r}>"


def unit_path_loader(*attributes) -> LoaderOption:
    """Loader option for ``Organisation.label``: the unit reached through ``attributes`` (e.g.
    ``Nomination.org``, or ``EventResult.nomination, Nomination.org``) and the two units above it, joined
    into the same query."""
    option = joinedload(attributes[0])
    for attribute in attributes[1:]:
        option = option.joinedload(attribute)
    return option.joinedload(Organisation.parent).joinedload(Organisation.parent)
