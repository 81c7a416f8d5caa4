"""The roles an account holds (``admin``, ``organiser``, ``judge``, ``worker``): a plain enum, so that the edge
(``contest.api``, ``contest.access``) names them without reaching into the models. ``contest.models.Role`` is this
enum (the ``user_roles.role`` column stores its values)."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    JUDGE = "judge"
    WORKER = "worker"
