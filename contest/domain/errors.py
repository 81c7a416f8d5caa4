"""Domain errors carry an English message (a Babel msgid) and its parameters.

The web layer translates them with ``gettext(error.message, **error.params)``; the domain layer
itself never imports Flask or Babel. ``N_`` only marks a string for extraction.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for translation extraction without translating it here."""
    return message


class Msg(str):
    """A parameter value that is itself a msgid (e.g. a status name): the web layer translates it too."""


class DomainError(Exception):
    """A rule refused an action; ``message`` is shown to the user after translation."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


# ---------------------------------------------------------------------------------------------- typed refusals
#
# Services raise these; the edges (``contest.api.errors.REFUSALS`` for the API, the views for pages) decide
# what they mean in HTTP. A refusal never carries a status. ``details`` is JSON-ready data in which any
# ``DomainError`` value is a message the edge translates.


class Invalid(DomainError):
    """Values break a rule; nothing was saved."""


class InvalidItems(Invalid):
    """Some items of a batch (or fields of a request) break a rule: ``details`` lists one problem per item,
    each a dict with where it is (``index``, ``field``, the values that identify it) and ``message``."""

    def __init__(self, message: str, details: list[dict], **params: object) -> None:
        super().__init__(message, **params)
        self.details = details


class InvalidRequest(Invalid):
    """The request as a whole breaks a rule (no idempotency key, no items): no per-item details."""

    details = None


class FieldError(Invalid):
    """A refusal tied to one field of the form or command (``field`` is its name), shown beside it."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


class Locked(DomainError):
    """The thing is closed to this change now (signed off, not open, final)."""


class LockedEvent(Locked):
    """The event takes no scores now: scoring is not open, or it is signed off and the caller is not the chief judge."""


class LockedMatch(Locked):
    """The match's event takes no results now (not open, signed off for this caller, or final)."""


class Stale(DomainError):
    """The version sent is not the current one; ``details`` holds the current value(s)."""

    def __init__(self, message: str, details: list | dict | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.details = details


class StaleScore(Stale):
    """Score versions are old (``details``: per item the current value and version), or the scores were
    changed by a concurrent request (``details`` None)."""


class Conflict(DomainError):
    """The request contradicts the current state."""


class MatchNotReady(Conflict):
    """The match cannot be played yet: one of its players is not known."""


class SignOffRefused(Conflict):
    """The event cannot be signed off now (already signed off, marks or matches missing)."""


class BadRequest(DomainError):
    """The request itself is malformed (not a JSON object, not standard JSON)."""
