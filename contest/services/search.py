"""Search conditions shared by the long lists (people, nominations, entries, units, results): by name, by pinyin
initials, by unit.

``person_clause("zjh")`` finds 周建华 through ``users.name_initials`` (written with the name, see
``contest.domain.contact.name_initials``) with a prefix condition — an index range scan (``initials_clause``),
never a Python scan; units likewise through ``organisations.name_initials`` (``unit_name_clause``). Text that
could not be initials (Chinese, digits, one letter)
is only matched as a part of the name or username. ``%``, ``_`` and ``\\`` in the text match themselves.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

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
    clauses = [contains(column, text) for column in (User.name, User.username, *extra_columns)]
    if looks_like_initials(text):
        clauses.append(initials_clause(text))
    return or_(*clauses)


def initials_clause(text: str, column=None):
    """``name_initials`` (of users, or ``column``) starts with ``text`` (lower-cased Latin letters), as a range
    ``>= 'zjh' AND < 'zji'``: the same rows as ``LIKE 'zjh%'``, and a range search on the index in both databases
    (SQLite's LIKE is case-insensitive and would scan the whole index)."""
    column = User.name_initials if column is None else column
    prefix = text.strip().lower()
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def contains(column, text: str):
    """``column`` contains ``text`` (case-insensitive; wildcards in the text match themselves)."""
    return column.ilike(f"%{_escape(clean(text))}%", escape="\\")


def unit_name_clause(text: str, org=Organisation):
    """Units (``org``: the entity or an alias of it) whose name contains ``text`` or whose pinyin initials start
    with it (``kcdl`` finds 柯城电力)."""
    text = clean(text)
    clauses = [contains(org.name, text)]
    if looks_like_initials(text):
        clauses.append(initials_clause(text, org.name_initials))
    return or_(*clauses)


def units_named(text: str):
    """The ids of the units found by ``unit_name_clause`` (a subquery)."""
    return select(Organisation.id).where(unit_name_clause(text))


def in_units_named(column, text: str):
    """``column`` (an organisation id) names a unit found by ``unit_name_clause`` or a unit below one: "柯城" finds
    the entries of every enterprise and team of 柯城区."""
    named = aliased(Organisation)
    below = (select(Organisation.id).join(named, Organisation.path.startswith(named.path))
             .where(unit_name_clause(text, named)))
    return column.in_(below)


def unit_clause(column, unit: Organisation):
    """``column`` (an organisation id) names ``unit`` or a unit below it."""
    return column.in_(select(Organisation.id).where(Organisation.path.startswith(unit.path)))


def nomination_clause(text: str):
    """Nominations with a member found by ``person_clause``, or whose team name or entrant unit's name (安康杯)
    contains the text."""
    text = clean(text)
    members = select(NominationMember.nomination_id).join(User, User.id == NominationMember.user_id).where(person_clause(text))
    units = select(Organisation.id).where(contains(Organisation.name, text))
    return or_(Nomination.id.in_(members), contains(Nomination.team_name, text), Nomination.unit_id.in_(units))


def entry_clause(text: str, names: bool = True):
    """Entries (nominations) found by a competitor number, by a unit (its name or pinyin initials; the entries of
    the units below it too) and — when ``names`` — by ``nomination_clause`` (a member's name, username or pinyin
    initials, a team's name). Pages that mask names search with ``names=False``: a search never reveals a name
    the page hides."""
    text = clean(text)
    found = [in_units_named(Nomination.org_id, text), in_units_named(Nomination.unit_id, text)]
    if text.isdigit():
        found.append(Nomination.competitor_number == int(text))
    if names:
        found.append(nomination_clause(text))
    return or_(*found)


def filter_nominations(query, text: str = "", unit: Organisation | None = None):
    """``query`` (a select of nominations) narrowed to the search text and the unit's subtree."""
    if clean(text):
        query = query.where(nomination_clause(text))
    if unit is not None:
        query = query.where(unit_clause(Nomination.org_id, unit))
    return query
