"""A notification as the reader sees it: its message in the reader's language and the page it opens. Shared by the
inbox (``views``) and the e-mail worker (``delivery``).

Imports: services (``services.notifications.KINDS``), labels, Flask-Babel and ``url_for``. Imported by the
notifications package's own modules.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext

from contest.labels import OBJECTION_STATUS_LABELS
from contest.models import Notification
from contest.services import notifications as service


def message_of(note: Notification) -> str:
    kind = service.KINDS.get(note.kind)
    if kind is None:
        return note.kind
    params = dict(note.params or {})
    if "decision" in params:
        params["decision"] = str(OBJECTION_STATUS_LABELS.get(params["decision"], params["decision"]))
    return gettext(kind.message, **params)


def link_of(note: Notification) -> str:
    kind = service.KINDS.get(note.kind)
    if kind is None:
        return url_for("notifications.inbox")
    params = note.params or {}
    anchor = f"{kind.anchor}-{params.get(kind.anchor)}" if kind.anchor and params.get(kind.anchor) is not None else None
    return url_for(kind.endpoint, **{a: params[a] for a in kind.args}, _anchor=anchor)
