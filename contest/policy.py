"""Who may do what: the one place for permission rules.

Scope is always the actor's subtree: a unit is in scope when its materialised path starts with the
path of the actor's unit. Administrators see everything. Views declare access with the decorators in
``contest.access``; services call the ``can_*`` functions below before they change anything.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from contest.domain.orgtree import child_levels
from contest.models import Organisation, Role, User


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def is_organiser(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ORGANISER, Role.ADMIN)


def in_scope(user: User, org: Organisation) -> bool:
    """True when ``org`` is the user's own unit or lies below it (always true for administrators)."""
    return is_admin(user) or org.path.startswith(user.org.path)


def scope_clause(user: User, path_column=Organisation.path) -> ColumnElement[bool]:
    """A SQL condition restricting a query on ``path_column`` to the user's subtree."""
    if is_admin(user):
        return true()
    return path_column.startswith(user.org.path)


def can_view_org(user: User, org: Organisation) -> bool:
    return is_organiser(user) and in_scope(user, org)


def can_add_child(user: User, parent: Organisation) -> bool:
    """Organisers add units under their own unit or any unit below it."""
    return is_organiser(user) and in_scope(user, parent) and bool(child_levels(parent.level))


def can_change_org(user: User, org: Organisation) -> bool:
    """Rename, move, deactivate: only units strictly below the organiser's own (admins: any but the root)."""
    if is_admin(user):
        return org.parent_id is not None
    return is_organiser(user) and org.path != user.org.path and org.path.startswith(user.org.path)


def assignable_roles(user: User, org: Organisation) -> set[Role]:
    """The roles ``user`` may give an account in ``org``.

    Administrators give any role anywhere. Organisers give worker and judge in their subtree, and
    organiser only in units strictly below their own (a county appoints its enterprises' organisers).
    """
    if is_admin(user):
        return set(Role)
    if not (is_organiser(user) and in_scope(user, org)):
        return set()
    roles = {Role.WORKER, Role.JUDGE}
    if org.path != user.org.path:
        roles.add(Role.ORGANISER)
    return roles


def can_view_user(user: User, other: User) -> bool:
    return other.id == user.id or (is_organiser(user) and in_scope(user, other.org))


def can_manage_user(user: User, other: User) -> bool:
    """Edit, reset the password of, or deactivate ``other``: every role it holds must be assignable."""
    if other.id == user.id:
        return False
    allowed = assignable_roles(user, other.org)
    return bool(allowed) and other.roles <= allowed
