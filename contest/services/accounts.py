"""Accounts: authentication, passwords, creating and importing workers, judges and organisers, API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from contest import policy
from contest.clock import today
from contest.domain.errors import N_, DomainError, FieldError
from contest.domain.identity import (
    InvalidResidentId,
    gender_code,
    lost_digits,
    normalise_resident_id,
    probably_lost_digits,
)
from contest.domain.passwords import DEMO_PASSWORD, check_new_password
from contest.extensions import db
from contest.loaders import or_404, require
from contest.models import ApiToken, Organisation, Role, SkillLevel, User, UserRole, WorkerProfile, utcnow
from contest.models.user import Gender
from contest.services import PermissionDenied, audit, driver, login_throttle, transaction
from contest.services.orgs import subtree
from contest.services.search import person_clause
from contest.services.sessions import end_other_sessions
from contest.spreadsheets import Column, RowError, TableError, read_table

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "common_passwords.txt"
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
# A dummy hash so that an unknown username costs as much time as a wrong password.
_DUMMY_HASH: str | None = None

SKILL_LEVEL_NAMES = {
    "": SkillLevel.NONE,
    "无": SkillLevel.NONE,
    "五级": SkillLevel.LEVEL5,
    "初级工": SkillLevel.LEVEL5,
    "五级/初级工": SkillLevel.LEVEL5,
    "四级": SkillLevel.LEVEL4,
    "中级工": SkillLevel.LEVEL4,
    "四级/中级工": SkillLevel.LEVEL4,
    "三级": SkillLevel.LEVEL3,
    "高级工": SkillLevel.LEVEL3,
    "三级/高级工": SkillLevel.LEVEL3,
    "二级": SkillLevel.LEVEL2,
    "技师": SkillLevel.LEVEL2,
    "二级/技师": SkillLevel.LEVEL2,
    "一级": SkillLevel.LEVEL1,
    "高级技师": SkillLevel.LEVEL1,
    "一级/高级技师": SkillLevel.LEVEL1,
}
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
ROLE_NAMES = {"职工": Role.WORKER, "选手": Role.WORKER, "worker": Role.WORKER, "裁判": Role.JUDGE, "judge": Role.JUDGE}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), read once."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password_strength(password: str, username: str = "") -> None:
    """The password policy of ``contest.domain.passwords``; the demo password is refused outside the demo."""
    forbidden = () if current_app.config["DEMO_MODE"] else (DEMO_PASSWORD,)
    check_new_password(password or "", username, common_passwords(), forbidden)


class PasswordChangeRequired(DomainError):
    """The account still has the initial password the organiser saw; it must be changed on the website first."""


class LoginRefused(DomainError):
    """Wrong credentials (not saying which part was wrong), or a deactivated account."""


# ---------------------------------------------------------------------------------------------- login


def authenticate(username: str, password: str, address: str) -> User:
    """The active user with these credentials, or a ``DomainError`` that does not say which part was wrong.

    ``address`` is the client's address for ``login_throttle``: a throttled attempt raises ``LoginThrottled``
    before the password is checked, and a wrong password (or an unknown user) counts as a failure."""
    global _DUMMY_HASH
    login_throttle.check(username, address)
    user = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password or "")
        login_throttle.record_failure(username, address)
        raise LoginRefused(N_("Wrong username or password."))
    if not check_password_hash(user.password_hash, password or ""):
        login_throttle.record_failure(username, address)
        raise LoginRefused(N_("Wrong username or password."))
    login_throttle.record_success(username, address)
    if not user.active or not user.org.active:
        raise LoginRefused(N_("This account is deactivated. Ask the organiser of your unit."))
    with transaction():
        user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Set the user's own password; every other login session and API token of the user ends, the browser
    (login session) ``user`` was loaded with stays logged in."""
    if not check_password_hash(user.password_hash, current or ""):
        raise DomainError(N_("The current password is wrong."))
    if new != confirm:
        raise DomainError(N_("The two new passwords differ."))
    if new == current:
        raise DomainError(N_("The new password must differ from the current one."))
    check_password_strength(new, user.username)
    with transaction():
        user.password_hash = hash_password(new)
        user.must_change_password = False
        end_other_sessions(user, keep_session_id=user.login_session_id)
        audit(user, "user.password", "user", user.id)


# ---------------------------------------------------------------------------------------------- queries


def get_user(actor: User, user_id: int) -> User:
    user = or_404(User, user_id, N_("This account does not exist."))
    require(policy.can_view_user(actor, user))
    return user


def people_query(actor: User, role: Role | None = None, org: Organisation | None = None, search: str = "", pending: bool = False):
    """A select of the users the actor may see, in tree order of their units, filtered; ``pending``: only active
    accounts that still have their initial password."""
    query = (
        select(User)
        .join(User.org)
        .options(selectinload(User.profile))
        .where(policy.scope_clause(actor))
        .order_by(Organisation.path, User.name, User.id)
    )
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    if org is not None:
        query = query.where(Organisation.path.startswith(org.path))
    if search:
        query = query.where(person_clause(search, User.phone))  # name, username, phone, pinyin initials
    if pending:
        query = query.where(User.must_change_password.is_(True), User.active.is_(True))
    return query


def people_of(query: Select) -> list[User]:
    """Every user a :func:`people_query` selects (for an export)."""
    return list(db.session.scalars(query).unique())


# ---------------------------------------------------------------------------------------------- create / edit


@dataclass(frozen=True)
class AccountInput:
    username: str
    name: str
    org_id: int
    roles: frozenset[Role]
    phone: str = ""
    password: str = ""
    # worker profile (required when roles include worker)
    resident_id: str = ""
    gender: str = ""
    occupation: str = ""
    skill_level: str = SkillLevel.NONE.value


@dataclass(frozen=True)
class _CleanAccount:
    username: str
    name: str
    org: Organisation
    roles: frozenset[Role]
    phone: str | None
    resident_id: str | None
    gender: Gender | None
    occupation: str
    skill_level: SkillLevel


def _clean_account(actor: User, data: AccountInput, existing: User | None = None) -> _CleanAccount:
    """Validate one account; raises ``FieldError`` naming the first wrong field."""
    username = (data.username or "").strip()
    if not USERNAME_RE.match(username):
        raise FieldError("username", N_("The username must be 3–64 letters, digits or _ . @ -."))
    name = " ".join((data.name or "").split())
    if not name or len(name) > 50:
        raise FieldError("name", N_("Enter the person's name (at most 50 characters)."))
    org = db.session.get(Organisation, data.org_id) if data.org_id else None
    if org is None or not policy.in_scope(actor, org):
        raise FieldError("org_id", N_("Choose a unit within your own scope."))
    if not org.active:
        raise FieldError("org_id", N_("%(name)s is deactivated."), name=org.name)
    if not data.roles:
        raise FieldError("roles", N_("Choose at least one role."))
    allowed = policy.assignable_roles(actor, org)
    refused = set(data.roles) - allowed
    if refused:
        raise FieldError("roles", N_("You may not give this role to an account in %(name)s."), name=org.name)
    phone = (data.phone or "").strip().replace(" ", "") or None
    if phone and not PHONE_RE.match(phone):
        raise FieldError("phone", N_("Enter an 11-digit mobile number or a landline such as 0570-1234567."))
    clash = db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
    if clash is not None and (existing is None or clash != existing.id):
        raise FieldError("username", N_("The username %(username)s is taken."), username=username)

    resident_id = gender = None
    occupation = (data.occupation or "").strip()
    skill_level = SkillLevel.NONE
    if Role.WORKER in data.roles:
        try:
            resident_id = normalise_resident_id(data.resident_id, today=today())
        except InvalidResidentId as exc:
            raise FieldError("resident_id", exc.message, **exc.params) from None
        gender = GENDER_NAMES.get((data.gender or "").strip().lower()) or (
            Gender(data.gender) if data.gender in {g.value for g in Gender} else None
        )
        implied = Gender(gender_code(resident_id))
        if gender is None:
            gender = implied
        elif gender != implied:
            raise FieldError("gender", N_("The gender does not match the resident ID number."))
        if not occupation or len(occupation) > 50:
            raise FieldError("occupation", N_("Enter the occupation (工种), at most 50 characters."))
        try:
            skill_level = SkillLevel(data.skill_level or SkillLevel.NONE.value)
        except ValueError:
            raise FieldError("skill_level", N_("Choose a skill level from the list.")) from None
        owner = db.session.scalar(select(WorkerProfile.user_id).where(WorkerProfile.resident_id == resident_id))
        if owner is not None and (existing is None or owner != existing.id):
            raise FieldError("resident_id", N_("A worker with this resident ID number is already registered."))
    return _CleanAccount(username, name, org, frozenset(data.roles), phone, resident_id, gender, occupation, skill_level)


def _apply(user: User, clean: _CleanAccount) -> None:
    user.username = clean.username
    user.name = clean.name
    user.org = clean.org
    user.phone = clean.phone
    current = {row.role: row for row in user.role_rows}
    for role in set(current) - clean.roles:
        user.role_rows.remove(current[role])
    for role in clean.roles - set(current):
        user.role_rows.append(UserRole(role=role))
    if clean.resident_id is not None:
        if user.profile is None:
            user.profile = WorkerProfile(resident_id=clean.resident_id, gender=clean.gender, occupation=clean.occupation)
        user.profile.resident_id = clean.resident_id
        user.profile.gender = clean.gender
        user.profile.occupation = clean.occupation
        user.profile.skill_level = clean.skill_level


def initial_password() -> str:
    """A random initial password; the account must change it at first login."""
    return secrets.token_urlsafe(9)


def create_account(actor: User, data: AccountInput) -> tuple[User, str]:
    """Create an account and return it with its initial password (shown once to the organiser)."""
    if not policy.is_organiser(actor):
        raise PermissionDenied()
    with transaction():
        clean = _clean_account(actor, data)
        password = data.password or initial_password()
        if data.password:
            check_password_strength(data.password, clean.username)
        user = User(password_hash=hash_password(password), must_change_password=True, active=True)
        _apply(user, clean)
        db.session.add(user)
        db.session.flush()
        audit(actor, "user.create", "user", user.id, roles=sorted(r.value for r in clean.roles), org=clean.org.id)
    return user, password


def update_account(actor: User, user_id: int, data: AccountInput) -> User:
    with transaction():
        user = get_user(actor, user_id)
        if not policy.can_manage_user(actor, user):
            raise PermissionDenied(N_("You may not change this account."))
        clean = _clean_account(actor, data, existing=user)
        _apply(user, clean)
        audit(actor, "user.update", "user", user.id, roles=sorted(r.value for r in clean.roles), org=clean.org.id)
    return user


def reset_password(actor: User, user_id: int) -> str:
    with transaction():
        user = get_user(actor, user_id)
        if not policy.can_manage_user(actor, user):
            raise PermissionDenied(N_("You may not change this account."))
        password = initial_password()
        user.password_hash = hash_password(password)
        user.must_change_password = True
        end_other_sessions(user)  # every browser and API token of the account is logged out
        audit(actor, "user.reset_password", "user", user.id)
    return password


def set_user_active(actor: User, user_id: int, active: bool) -> User:
    with transaction():
        user = get_user(actor, user_id)
        if not policy.can_manage_user(actor, user):
            raise PermissionDenied(N_("You may not change this account."))
        user.active = active
        if not active:
            end_other_sessions(user)
        audit(actor, "user.activate" if active else "user.deactivate", "user", user.id)
    return user


# ---------------------------------------------------------------------------------------------- import

PEOPLE_COLUMNS = (
    Column("name", "姓名", aliases=("name",), example="张三", width=12),
    Column("role", "角色", aliases=("role",), required=False, example="职工", width=10),
    Column("resident_id", "身份证号", aliases=("身份证号码", "公民身份号码", "resident_id"), required=False, example="330802199001011232", text=True, width=22),
    Column("gender", "性别", aliases=("gender",), required=False, example="男", width=8),
    Column("phone", "手机号", aliases=("手机", "联系电话", "电话", "phone"), required=False, example="13800000000", text=True, width=14),
    Column("occupation", "工种", aliases=("职业", "occupation"), required=False, example="电工", width=12),
    Column("skill_level", "职业技能等级", aliases=("技能等级", "skill_level"), required=False, example="高级工", width=14),
    Column("org", "所在单位", aliases=("单位", "班组", "org"), example="柯城区/衢州某某机械有限公司/一班", width=36),
    Column("username", "用户名", aliases=("账号", "username"), required=False, example="", width=14),
)
PEOPLE_IMPORT_NOTES = (
    "角色填写“职工”或“裁判”，不填视为职工。职工必须填写身份证号和工种。",
    "身份证号和手机号两列请设为“文本”格式；若被表格软件显示为 3.30802E+17 这样的数字，已丢失位数，系统会拒绝导入。",
    "所在单位填写单位名称；如有重名，请用“/”写出完整路径。",
    "用户名不填时：职工使用手机号，无手机号时使用身份证号；裁判必须填写用户名或手机号。",
    "只要有一行有错，整个文件都不会导入。导入后会生成初始密码，首次登录须修改。",
)


@dataclass(frozen=True)
class ImportedAccount:
    user: User
    password: str


def _org_lookup(actor: User) -> tuple[dict[str, list[Organisation]], dict[str, Organisation]]:
    by_name: dict[str, list[Organisation]] = {}
    by_path: dict[str, Organisation] = {}
    names: dict[int, str] = {}
    for org in subtree(actor, include_inactive=False):
        parent = names.get(org.parent_id) if org.parent_id else None
        full = f"{parent}/{org.name}" if parent else org.name
        names[org.id] = full
        by_path[full] = org
        by_name.setdefault(org.name, []).append(org)
    return by_name, by_path


@dataclass(frozen=True)
class SuspectId:
    row: int
    name: str
    resident_id: str


class NeedsIdConfirmation(TableError):
    """Rows whose resident ID ends in 000 (see ``identity.probably_lost_digits``): nothing is imported until the
    uploader confirms those IDs (``confirmed_ids``); ``suspects`` lists them."""

    def __init__(self, suspects: list[SuspectId]):
        super().__init__([RowError(s.row, "身份证号", CONFIRM_ID, {"value": s.resident_id}) for s in suspects])
        self.suspects = suspects


CONFIRM_ID = N_("The resident ID number %(value)s ends in 000, as IDs that lost digits in a spreadsheet do; "
                "check it against the ID card and confirm it.")


def import_accounts(actor: User, data: bytes, filename: str, max_rows: int = 20_000,
                    confirmed_ids: Collection[str] = ()) -> list[ImportedAccount]:
    """Create workers and judges from an .xlsx/.csv file: every row is validated, then all are written or none.

    A valid resident ID ending in 000 may have lost digits in a spreadsheet: unless it is among
    ``confirmed_ids`` the import raises ``NeedsIdConfirmation`` (after any other row errors) and writes nothing."""
    if not policy.is_organiser(actor):
        raise PermissionDenied()
    rows = read_table(data, filename, PEOPLE_COLUMNS, max_rows=max_rows)
    by_name, by_path = _org_lookup(actor)
    header = {c.key: c.header for c in PEOPLE_COLUMNS}
    field_to_column = {"username": "username", "name": "name", "org_id": "org", "roles": "role", "phone": "phone",
                       "resident_id": "resident_id", "gender": "gender", "occupation": "occupation", "skill_level": "skill_level"}
    errors: list[RowError] = []
    cleaned: list[_CleanAccount] = []
    seen_usernames: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    unconfirmed: list[SuspectId] = []
    confirmed_ids = frozenset(confirmed_ids)
    for row in rows:
        role_text = row.get("role").strip().lower()
        role = ROLE_NAMES.get(role_text or "职工")
        if role is None:
            errors.append(RowError(row.number, header["role"], N_("Write the role as 职工 or 裁判 (got %(value)s)."), {"value": row.get("role")}))
            continue
        org_text = "/".join(p.strip() for p in row.get("org").strip().strip("/").split("/"))
        candidates = [o for p, o in by_path.items() if p == org_text or p.endswith("/" + org_text)] if "/" in org_text else by_name.get(org_text, [])
        if not org_text or not candidates:
            errors.append(RowError(row.number, header["org"], N_("Unit %(parent)s was not found within your scope."), {"parent": org_text}))
            continue
        if len(candidates) > 1:
            errors.append(RowError(row.number, header["org"], N_("More than one unit is named %(parent)s; write its full path, e.g. 柯城区/企业/班组."), {"parent": org_text}))
            continue
        for key in ("resident_id", "phone"):
            cell = row.cells.get(key)
            if key == "phone" and cell is not None and cell.numeric and isinstance(cell.raw, float) and not cell.raw.is_integer():
                errors.append(RowError(row.number, header[key], N_("The phone number was turned into a number with decimals; format the column as text.")))
        resident_cell = row.cells.get("resident_id")
        resident_text = row.get("resident_id")
        if resident_cell is not None and resident_cell.numeric:  # a number cell has lost digits, whatever it shows
            lost = lost_digits(resident_text)
            errors.append(RowError(row.number, header["resident_id"], lost.message, lost.params))
            continue
        skill = SKILL_LEVEL_NAMES.get(row.get("skill_level").strip())
        if skill is None:
            errors.append(RowError(row.number, header["skill_level"], N_("Unknown skill level %(value)s; use 五级/初级工 … 一级/高级技师."), {"value": row.get("skill_level")}))
            continue
        phone = row.get("phone")
        username = row.get("username")
        if not username:
            if phone:
                username = phone
            elif role == Role.WORKER and resident_text:
                username = str(resident_text).strip().upper()
        if not username:
            errors.append(RowError(row.number, header["username"], N_("Enter a username or a phone number.")))
            continue
        try:
            account = AccountInput(
                username=username, name=row.get("name"), org_id=candidates[0].id, roles=frozenset({role}), phone=phone,
                resident_id=resident_text, gender=row.get("gender"), occupation=row.get("occupation"), skill_level=skill.value,
            )
            clean = _clean_account(actor, account)
        except FieldError as exc:
            errors.append(RowError(row.number, header.get(field_to_column.get(exc.field, ""), exc.field), exc.message, exc.params))
            continue
        key = clean.username.lower()
        if key in seen_usernames:
            errors.append(RowError(row.number, header["username"], N_("The username %(username)s also appears in row %(other)d."), {"username": clean.username, "other": seen_usernames[key]}))
            continue
        if clean.resident_id and clean.resident_id in seen_ids:
            errors.append(RowError(row.number, header["resident_id"], N_("This resident ID number also appears in row %(other)d."), {"other": seen_ids[clean.resident_id]}))
            continue
        seen_usernames[key] = row.number
        if clean.resident_id:
            seen_ids[clean.resident_id] = row.number
            if probably_lost_digits(clean.resident_id) and clean.resident_id not in confirmed_ids:
                unconfirmed.append(SuspectId(row.number, clean.name, clean.resident_id))
        cleaned.append(clean)
    if errors:
        raise TableError(errors)
    if unconfirmed:
        raise NeedsIdConfirmation(unconfirmed)

    created: list[ImportedAccount] = []
    with transaction():
        for clean in cleaned:
            password = initial_password()
            user = User(password_hash=hash_password(password), must_change_password=True, active=True)
            _apply(user, clean)
            db.session.add(user)
            created.append(ImportedAccount(user, password))
        db.session.flush()
        audit(actor, "user.import", "user", None, filename=filename, count=len(created))
    return created


# ---------------------------------------------------------------------------------------------- API tokens


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(username: str, password: str, address: str) -> tuple[str, datetime]:
    """A bearer token for the JSON API, for valid credentials (``POST /api/v1/tokens``); a device of its own,
    ended by ``DELETE /api/v1/tokens``, a password change or reset. ``PasswordChangeRequired`` while the
    account still has its initial password."""
    user = authenticate(username, password, address)
    if user.must_change_password:
        raise PasswordChangeRequired(N_("Change your initial password on the website first, then log in again."))
    return create_api_token(user, own_device=True)


def create_api_token(user: User, *, own_device: bool = False) -> tuple[str, datetime]:
    """A new bearer token for ``user``; expired tokens of the user are deleted on the way. Only the token's
    digest is stored. The token belongs to the login session ``user`` was loaded with (the tablet page gets
    one for its logged-in judge), so logging that browser out ends the token too; ``own_device`` makes a
    token of its own (``POST /api/v1/tokens``)."""
    session_id = None if own_device else user.login_session_id
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + current_app.config["API_TOKEN_LIFETIME"]
    with transaction():
        db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at < utcnow()))
        db.session.add(ApiToken(user_id=user.id, session_id=session_id, digest=_digest(token), expires_at=expires_at))
    return token, expires_at


def user_for_token(token: str) -> User | None:
    """The active user of an active unit holding this unexpired token; one query (unit and roles joined),
    at every request: revoking a token or deactivating a user or unit takes effect at once."""
    user = db.session.scalars(_token_user_query(), {"digest": _digest(token), "now": utcnow()}).unique().first()
    if user is None or not user.active or not user.org.active:
        return None
    return user


@dataclass(frozen=True)
class TokenCaller:
    """The holder of a bearer token as a hot API route needs it (the score submission): read as plain rows,
    without building the ORM user, its unit and its roles."""

    id: int
    org_path: str
    roles: frozenset[Role]
    must_change_password: bool


#: Who called the API: the account (``user_for_token``) or, on the hot routes, its token's plain facts
#: (``caller_for_token``).
Caller = User | TokenCaller


def caller_for_token(token: str) -> TokenCaller | None:
    """``user_for_token`` as a ``TokenCaller``: the same conditions (unexpired token, active user of an active
    unit), one query, one row per role."""
    connection = db.session.connection()
    params = {"digest": _digest(token), "now": utcnow()}
    if driver.on_postgresql(connection):
        rows = driver.execute(connection, _PG_TOKEN_CALLER, params).fetchall()
    else:
        rows = [tuple(row) for row in connection.execute(_token_caller_query(), params)]
    if not rows:
        return None
    user_id, must_change_password, path, _role = rows[0]
    return TokenCaller(user_id, path, frozenset(Role(role) for *_user, role in rows if role is not None), must_change_password)


# ``_token_caller_query`` as psycopg SQL (PostgreSQL: ``contest.services.driver``).
_PG_TOKEN_CALLER = (
    "SELECT u.id, u.must_change_password, o.path, r.role FROM users u JOIN api_tokens t ON t.user_id = u.id "
    "JOIN organisations o ON o.id = u.org_id LEFT JOIN user_roles r ON r.user_id = u.id "
    "WHERE t.digest = %(digest)s AND t.expires_at >= %(now)s AND u.active AND o.active"
)


@cache
def _token_caller_query() -> Select:
    return (
        select(User.id, User.must_change_password, Organisation.path, UserRole.role)
        .join(ApiToken, ApiToken.user_id == User.id).join(Organisation, Organisation.id == User.org_id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(ApiToken.digest == bindparam("digest"), ApiToken.expires_at >= bindparam("now"), User.active, Organisation.active)
    )


@cache
def _token_user_query() -> Select:
    """The holder of the token with SHA-256 ``digest`` if it has not expired at ``now`` (built once)."""
    return (
        select(User).join(ApiToken, ApiToken.user_id == User.id).options(joinedload(User.role_rows))
        .where(ApiToken.digest == bindparam("digest"), ApiToken.expires_at >= bindparam("now"))
    )


def revoke_api_token(token: str) -> None:
    with transaction():
        db.session.execute(db.delete(ApiToken).where(ApiToken.digest == _digest(token)))
