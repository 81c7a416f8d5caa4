"""Search conditions shared by the long lists (people, nominations, entries): by name, by pinyin initials, by unit.

``person_clause("zjh")`` finds 周建华 through ``users.name_initials`` (written with the name, see
``contest.domain.contact.name_initials``) with a prefix condition — an index range scan (``initials_clause``),
never a Python scan. Text that could not be initials (Chinese, digits, one letter)
is only matched as a part of the name or username. ``%``, ``_`` and ``\\`` in the text match themselves.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from contest.domain.contact import looks_like_initials
from contest.models import Nomination, NominationMember, Organisation, User

MAX_SEARCH = 50


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clean(text: str | None) -> str:
    return (text or "").strip()[:MAX_SEARCH]


def person_clause(text: str, *extra_columns):
    """Users whose name or username (or any of ``extra_columns``) contains ``text``, or whose pinyin initials
    start with it."""
    text = clean(text)
    like = f"%{_escape(text)}%"
    clauses = [column.ilike(like, escape="\\") for column in (User.name, User.username, *extra_columns)]
    if looks_like_initials(text):
        clauses.append(initials_clause(text))
    return or_(*clauses)


def initials_clause(text: str):
    """``name_initials`` starts with ``text`` (lower-cased Latin letters), as a range ``>= 'zjh' AND < 'zji'``:
    the same rows as ``LIKE 'zjh%'``, and a range search on the index in both databases (SQLite's LIKE is
    case-insensitive and would scan the whole index)."""
    prefix = text.strip().lower()
    return and_(User.name_initials >= prefix, User.name_initials < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def unit_clause(column, unit: Organisation):
    """``column`` (an organisation id) names ``unit`` or a unit below it."""
    return column.in_(select(Organisation.id).where(Organisation.path.startswith(unit.path)))


def nomination_clause(text: str):
    """Nominations with a member found by ``person_clause``, or whose team name or entrant unit's name (安康杯)
    contains the text."""
    text = clean(text)
    members = select(NominationMember.nomination_id).join(User, User.id == NominationMember.user_id).where(person_clause(text))
    like = f"%{_escape(text)}%"
    units = select(Organisation.id).where(Organisation.name.ilike(like, escape="\\"))
    return or_(Nomination.id.in_(members), Nomination.team_name.ilike(like, escape="\\"), Nomination.unit_id.in_(units))


def filter_nominations(query, text: str = "", unit: Organisation | None = None):
    """``query`` (a select of nominations) narrowed to the search text and the unit's subtree."""
    if clean(text):
        query = query.where(nomination_clause(text))
    if unit is not None:
        query = query.where(unit_clause(Nomination.org_id, unit))
    return query
