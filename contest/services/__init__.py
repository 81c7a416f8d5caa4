"""Use cases. Each public function checks permission and state, writes in one transaction, logs, and
raises a ``DomainError`` with a user-facing message when it refuses.

Imports: domain, models, extensions, documents, policy; ``flask.current_app`` and ``url_for`` at most, never
``request``/``session``, a blueprint, its views or the api. Imported by: views, api, the CLI and seed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from contest.domain.errors import N_
from contest.extensions import db
from contest.models import AuditLog, User

logger = logging.getLogger(__name__)


class AccessError(Exception):
    """Not a rule refusal but an access failure, answered with an error page (or JSON error), not a flash.

    Deliberately not a ``DomainError``: views that catch refusals to show them on the form must not
    swallow these. Their statuses (403, 404) are chosen at the edge (``contest.api.errors.REFUSALS``).
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class PermissionDenied(AccessError):
    """The actor may not do this."""

    def __init__(self, message: str = N_("You do not have permission to do this."), **params: object) -> None:
        super().__init__(message, **params)


class NotFound(AccessError):
    """The object does not exist."""

    def __init__(self, message: str = N_("Not found."), **params: object) -> None:
        super().__init__(message, **params)


@contextmanager
def transaction() -> Iterator[None]:
    """Commit everything written inside the block, or nothing."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def audit(actor: User | None, action: str, target_type: str, target_id: int | None, **details: object) -> None:
    """Append an audit record to the current transaction."""
    db.session.add(
        AuditLog(
            actor_id=actor.id if actor is not None else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
    )
    logger.info("%s %s %s:%s %s", actor.username if actor else "-", action, target_type, target_id, details)
