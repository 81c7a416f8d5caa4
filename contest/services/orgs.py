"""Organisation tree use cases: create, rename, move, deactivate, activate, import."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select, update

from contest import policy
from contest.domain.errors import N_, DomainError
from contest.domain.orgtree import child_path, may_hold, path_ids
from contest.extensions import db
from contest.loaders import or_404, require
from contest.models import Organisation, OrgLevel, Role, User, UserRole
from contest.services import PermissionDenied, audit, transaction
from contest.spreadsheets import Column, RowError, TableError, read_table

MAX_NAME = 100

LEVEL_NAMES = {
    "市": OrgLevel.CITY,
    "city": OrgLevel.CITY,
    "县市区": OrgLevel.COUNTY,
    "县(市、区)": OrgLevel.COUNTY,
    "区县": OrgLevel.COUNTY,
    "县": OrgLevel.COUNTY,
    "区": OrgLevel.COUNTY,
    "county": OrgLevel.COUNTY,
    "企业": OrgLevel.ENTERPRISE,
    "单位": OrgLevel.ENTERPRISE,
    "enterprise": OrgLevel.ENTERPRISE,
    "班组": OrgLevel.TEAM,
    "team": OrgLevel.TEAM,
}


def get_org(actor: User, org_id: int) -> Organisation:
    """The unit ``org_id`` if the actor may see it."""
    org = or_404(Organisation, org_id, N_("This unit does not exist."))
    require(policy.can_view_org(actor, org))
    return org


def member_counts(org_ids: list[int]) -> dict[int, int]:
    """Accounts per unit (units without any are left out)."""
    rows = db.session.execute(select(User.org_id, func.count(User.id)).where(User.org_id.in_(org_ids)).group_by(User.org_id))
    return dict(rows.all())


def organiser_units(org_ids: list[int]) -> set[int]:
    """Those of the units that have an active organiser account."""
    return set(db.session.scalars(
        select(User.org_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ORGANISER, User.active.is_(True), User.org_id.in_(org_ids))
    ))


def visible_ancestors(actor: User, org: Organisation) -> list[Organisation]:
    """The unit's ancestors, root first, that the actor may see."""
    rows = db.session.scalars(select(Organisation).where(Organisation.id.in_(org.ancestor_ids)).order_by(Organisation.path))
    return [a for a in rows if policy.in_scope(actor, a)]


def subtree(actor: User, root: Organisation | None = None, include_inactive: bool = True) -> list[Organisation]:
    """Every unit in the actor's scope (or below ``root``), in tree order (by path of positions)."""
    query = select(Organisation).where(policy.scope_clause(actor))
    if root is not None:
        query = query.where(Organisation.path.startswith(root.path))
    if not include_inactive:
        query = query.where(Organisation.active.is_(True))
    orgs = list(db.session.scalars(query))
    by_id = {o.id: o for o in orgs}

    def sort_key(org: Organisation) -> tuple:
        ids = path_ids(org.path)
        return tuple((by_id[i].position, by_id[i].name, i) if i in by_id else (0, "", i) for i in ids)

    return sorted(orgs, key=sort_key)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(N_("Enter the name of the unit."))
    if len(name) > MAX_NAME:
        raise DomainError(N_("The name is longer than %(limit)d characters."), limit=MAX_NAME)
    return name


LEVEL_RULE = N_("%(parent)s cannot hold a unit of this level: counties sit under the city, enterprises under a county or the city, teams under an enterprise.")


def _check_level(parent: Organisation, level: OrgLevel) -> None:
    if not may_hold(parent.level, level):
        raise DomainError(LEVEL_RULE, parent=parent.name)


def _check_sibling_name(parent_id: int | None, name: str, exclude_id: int | None = None) -> None:
    query = select(Organisation.id).where(Organisation.parent_id == parent_id, Organisation.name == name)
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise DomainError(N_("A unit named %(name)s already exists at this place."), name=name)


def _next_position(parent_id: int | None) -> int:
    return (db.session.scalar(select(func.max(Organisation.position)).where(Organisation.parent_id == parent_id)) or 0) + 1


def _insert(parent: Organisation | None, name: str, level: OrgLevel) -> Organisation:
    """Add a unit to the session and give it its path (needs a flush for the id)."""
    org = Organisation(
        name=name,
        level=level,
        parent=parent,
        path="/0/",  # placeholder until the id is known
        active=True,
        position=_next_position(parent.id if parent else None),
    )
    db.session.add(org)
    db.session.flush()
    org.path = child_path(parent.path if parent else None, org.id)
    db.session.flush()
    return org


def create_root(name: str) -> Organisation:
    """The city federation at the top of the tree (used by ``seed-demo`` and ``create-admin``)."""
    with transaction():
        name = _clean_name(name)
        if db.session.scalar(select(Organisation.id).where(Organisation.parent_id.is_(None))) is not None:
            raise DomainError(N_("The tree already has a top unit."))
        org = _insert(None, name, OrgLevel.CITY)
    return org


def create_org(actor: User, parent_id: int, name: str, level: OrgLevel | str) -> Organisation:
    with transaction():
        parent = get_org(actor, parent_id)
        if not policy.can_add_child(actor, parent):
            raise PermissionDenied(N_("You may not add units under %(name)s."), name=parent.name)
        if not parent.active:
            raise DomainError(N_("%(name)s is deactivated; activate it before adding units."), name=parent.name)
        level = OrgLevel(level)
        name = _clean_name(name)
        _check_level(parent, level)
        _check_sibling_name(parent.id, name)
        org = _insert(parent, name, level)
        audit(actor, "org.create", "organisation", org.id, name=name, level=level.value, parent=parent.id)
    return org


def rename_org(actor: User, org_id: int, name: str) -> Organisation:
    with transaction():
        org = get_org(actor, org_id)
        if not policy.can_change_org(actor, org):
            raise PermissionDenied(N_("You may not change %(name)s."), name=org.name)
        name = _clean_name(name)
        _check_sibling_name(org.parent_id, name, exclude_id=org.id)
        old = org.name
        org.name = name
        audit(actor, "org.rename", "organisation", org.id, old=old, new=name)
    return org


def move_org(actor: User, org_id: int, new_parent_id: int) -> Organisation:
    """Move a unit and its whole subtree under another unit; every path is rewritten in one statement."""
    with transaction():
        org = get_org(actor, org_id)
        if not policy.can_change_org(actor, org):
            raise PermissionDenied(N_("You may not change %(name)s."), name=org.name)
        new_parent = db.session.get(Organisation, new_parent_id)
        if new_parent is None or not policy.can_view_org(actor, new_parent):
            raise DomainError(N_("Choose a unit within your own scope as the new place."))
        if new_parent.path.startswith(org.path):
            raise DomainError(N_("A unit cannot be moved under itself or under one of its own sub-units."))
        if new_parent.id == org.parent_id:
            raise DomainError(N_("%(name)s is already there."), name=org.name)
        if not new_parent.active:
            raise DomainError(N_("%(name)s is deactivated; activate it before moving units under it."), name=new_parent.name)
        _check_level(new_parent, org.level)
        _check_sibling_name(new_parent.id, org.name, exclude_id=org.id)

        old_path, new_path = org.path, child_path(new_parent.path, org.id)
        old_parent_id = org.parent_id
        db.session.execute(
            update(Organisation)
            .where(Organisation.path.startswith(old_path))
            .values(path=literal(new_path) + func.substr(Organisation.path, len(old_path) + 1))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Organisation)
            .where(Organisation.id == org.id)
            .values(parent_id=new_parent.id, position=_next_position(new_parent.id))
            .execution_options(synchronize_session=False)
        )
        audit(actor, "org.move", "organisation", org.id, old_parent=old_parent_id, new_parent=new_parent.id)
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


def set_org_active(actor: User, org_id: int, active: bool) -> Organisation:
    """Deactivate a unit with everything below it, or activate it again (its parent must be active).

    Accounts in a deactivated unit can no longer log in; nothing is deleted.
    """
    with transaction():
        org = get_org(actor, org_id)
        if not policy.can_change_org(actor, org):
            raise PermissionDenied(N_("You may not change %(name)s."), name=org.name)
        if active and org.parent is not None and not org.parent.active:
            raise DomainError(N_("Activate %(name)s first."), name=org.parent.name)
        db.session.execute(
            update(Organisation)
            .where(Organisation.path.startswith(org.path))
            .values(active=active)
            .execution_options(synchronize_session=False)
        )
        audit(actor, "org.activate" if active else "org.deactivate", "organisation", org.id)
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


# ---------------------------------------------------------------------------------------------- import

ORG_COLUMNS = (
    Column("name", "单位名称", aliases=("名称", "name"), example="衢州某某机械有限公司", width=30),
    Column("level", "层级", aliases=("级别", "level"), example="企业"),
    Column("parent", "上级单位", aliases=("上级", "parent"), example="柯城区", width=30),
)
ORG_IMPORT_NOTES = (
    "每行一个单位；层级填写“县市区”、“企业”或“班组”。",
    "上级单位填写单位名称；如有重名，请用“/”写出完整路径，例如：柯城区/衢州某某机械有限公司/一班。",
    "上级单位可以是本表前面各行新建的单位。只要有一行有错，整个文件都不会导入。",
)


@dataclass(frozen=True)
class _Planned:
    row: int
    name: str
    level: OrgLevel
    parent_key: str  # path of names from the actor's scope root, e.g. "柯城区/某企业"


def _resolve_parent(
    text: str, by_name: dict[str, list[str]], known: dict[str, OrgLevel]
) -> tuple[str | None, str | None]:
    """Find the unit a row names as its parent: returns (key, error msgid)."""
    text = "/".join(part.strip() for part in text.strip().strip("/").split("/"))
    if "/" in text:
        matches = [key for key in known if key == text or key.endswith("/" + text)]
    else:
        matches = by_name.get(text, [])
    if not matches:
        return None, N_("Unit %(parent)s was not found within your scope.")
    if len(matches) > 1:
        return None, N_("More than one unit is named %(parent)s; write its full path, e.g. 柯城区/企业/班组.")
    return matches[0], None


def import_orgs(actor: User, data: bytes, filename: str, max_rows: int = 20_000) -> list[Organisation]:
    """Create the units listed in an .xlsx/.csv file: all rows are checked first, then all are written."""
    if not policy.is_organiser(actor):
        raise PermissionDenied()
    rows = read_table(data, filename, ORG_COLUMNS, max_rows=max_rows)
    scope = subtree(actor)
    id_to_key: dict[int, str] = {}
    known: dict[str, OrgLevel] = {}
    active: dict[str, bool] = {}
    key_to_org: dict[str, Organisation] = {}
    for org in scope:  # tree order: parents before children
        parent_key = id_to_key.get(org.parent_id) if org.parent_id else None
        key = f"{parent_key}/{org.name}" if parent_key else org.name
        id_to_key[org.id] = key
        known[key] = org.level
        active[key] = org.active
        key_to_org[key] = org
    by_name: dict[str, list[str]] = {}
    for key in known:
        by_name.setdefault(key.rsplit("/", 1)[-1], []).append(key)

    errors: list[RowError] = []
    planned: list[_Planned] = []
    for row in rows:
        name_text, level_text, parent_text = row.get("name"), row.get("level"), row.get("parent")
        row_errors = len(errors)
        try:
            name = _clean_name(name_text)
        except DomainError as exc:
            errors.append(RowError(row.number, "单位名称", exc.message, exc.params))
            name = None
        level = LEVEL_NAMES.get(level_text.strip().lower()) if level_text else None
        if level is None or level == OrgLevel.CITY:
            errors.append(
                RowError(row.number, "层级", N_("Write the level as 县市区, 企业 or 班组 (got %(value)s)."), {"value": level_text})
            )
        parent_key, message = _resolve_parent(parent_text, by_name, known) if parent_text else (None, None)
        if not parent_text:
            errors.append(RowError(row.number, "上级单位", N_("Enter the unit above this one.")))
        elif message:
            errors.append(RowError(row.number, "上级单位", message, {"parent": parent_text}))
        if len(errors) > row_errors or name is None or level is None or parent_key is None:
            continue
        if not may_hold(known[parent_key], level):
            errors.append(RowError(row.number, "层级", LEVEL_RULE, {"parent": parent_text}))
            continue
        parent_org = key_to_org.get(parent_key)
        if parent_org is not None and not policy.can_add_child(actor, parent_org):
            errors.append(RowError(row.number, "上级单位", N_("You may not add units under %(name)s."), {"name": parent_text}))
            continue
        if not active.get(parent_key, True):
            errors.append(RowError(row.number, "上级单位", N_("%(name)s is deactivated; activate it before adding units."), {"name": parent_text}))
            continue
        key = f"{parent_key}/{name}"
        if key in known:
            errors.append(RowError(row.number, "单位名称", N_("A unit named %(name)s already exists at this place."), {"name": name}))
            continue
        known[key] = level
        by_name.setdefault(name, []).append(key)
        planned.append(_Planned(row.number, name, level, parent_key))
    if errors:
        raise TableError(errors)

    created: list[Organisation] = []
    with transaction():
        for item in planned:
            org = _insert(key_to_org[item.parent_key], item.name, item.level)
            key_to_org[f"{item.parent_key}/{item.name}"] = org
            created.append(org)
        audit(actor, "org.import", "organisation", None, filename=filename, count=len(created))
    return created
