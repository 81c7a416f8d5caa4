"""The organisation tree: city → county/district → enterprise → team, as a materialised path."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.models.base import enum_column


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_organisations_parent_name"),
        CheckConstraint("path LIKE '/%/'", name="path_shape"),
        # "Everything under X" is ``path LIKE 'X%'``: PostgreSQL needs pattern ops to use an index for it.
        Index("ix_organisations_path_prefix", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
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

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent."""
        return [int(part) for part in self.path.strip("/").split("/")][:-1]

    @property
    def label(self) -> str:
        """The name as shown with an entry: a team with its enterprise (衢江机械 焊接班), other units alone."""
        return f"{self.parent.name} {self.name}" if self.level == OrgLevel.TEAM and self.parent else self.name

    def contains(self, other: Organisation) -> bool:
        """True when ``other`` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.level.value} {self.name!r}>"
