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
