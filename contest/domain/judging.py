"""Judging rules that are not arithmetic: conflicts of interest, who may change a score and when.

Conflict of interest: a judge never scores an entry with a member from the judge's own enterprise; when
the contest's scope is ``county``, not from the judge's own county either. A judge's (or member's)
enterprise is the enterprise-level unit on its path (a team's enterprise, or the enterprise itself); a
judge sitting at county or city level has no enterprise, so only the county rule can apply to him.

Score changes:
- before sign-off, a judge writes his own scores; a first score needs no reason, changing a score needs one;
- after the chief judge's sign-off the event is locked: only the chief judge corrects, always with a reason;
- every write names the version it replaces (absent for a first score); a mismatch is a conflict, never an
  overwrite.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence

from contest.domain.errors import N_, DomainError


class ConflictScope(str, enum.Enum):
    ENTERPRISE = "enterprise"
    COUNTY = "county"


SCOPE_LEVELS = {
    ConflictScope.ENTERPRISE: ("enterprise",),
    ConflictScope.COUNTY: ("enterprise", "county"),
}


def unit_at(path_ids: Sequence[int], levels: Mapping[int, str], level: str) -> int | None:
    """The id of the unit of ``level`` on a path (root first), or None."""
    return next((i for i in path_ids if levels.get(i) == level), None)


def in_conflict(
    judge_path: Sequence[int], member_paths: Iterable[Sequence[int]], levels: Mapping[int, str], scope: ConflictScope | str
) -> bool:
    """True when the judge shares an enterprise (or, with the county scope, a county) with any member."""
    for level in SCOPE_LEVELS[ConflictScope(scope)]:
        own = unit_at(judge_path, levels, level)
        if own is None:
            continue
        if any(unit_at(path, levels, level) == own for path in member_paths):
            return True
    return False


class WriteRefused(DomainError):
    """A refused score write; ``code`` says why (``locked``, ``stale``, ``reason``, ``forbidden``)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.code = code


def check_write(*, signed_off: bool, is_chief: bool, own_score: bool, exists: bool, current_version: int | None,
                given_version: int | None, reason: str) -> None:
    """Apply the score-change rules above to one write."""
    if signed_off:
        if not is_chief:
            raise WriteRefused("locked", N_("The chief judge has signed this event off; scores are locked."))
        if not reason.strip():
            raise WriteRefused("reason", N_("A correction after sign-off needs a reason."))
    elif not own_score:
        raise WriteRefused("forbidden", N_("Judges enter only their own scores."))
    if exists:
        if given_version is None or given_version != current_version:
            raise WriteRefused("stale", N_("This score was changed elsewhere (now version %(version)d); reload and check it."), version=current_version)
        if not reason.strip():
            raise WriteRefused("reason", N_("Changing a submitted score needs a reason."))
    elif given_version is not None:
        raise WriteRefused("stale", N_("This score no longer exists in the version you saw; reload the sheet."), version=0)
