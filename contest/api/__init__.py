"""JSON API v1 for tablets, integrations and black-box tests (bearer tokens, CSRF-exempt).

Imports: services (every read and write goes through them), domain (types, errors), access. Statuses and the JSON
envelope are chosen here. Imported by: the app factory; ``api.errors`` also by the web error handlers. Rules
enforced by tests/unit/test_import_rules.py.
"""

from flask import Blueprint

from contest.api.errors import answer
from contest.extensions import csrf
from contest.services.idempotency import ANSWERS

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)


@api_bp.record_once
def _validate_responses(state) -> None:
    """With ``API_VALIDATE_RESPONSES`` (tests), every API answer is checked against the OpenAPI description."""
    if state.app.config.get("API_VALIDATE_RESPONSES"):
        from contest.api.openapi import check_response

        state.app.after_request(check_response)


@api_bp.record_once
def _register_answers(state) -> None:
    """Services store idempotent answers in the API's words: the refusal table of ``contest.api.errors``."""
    state.app.extensions[ANSWERS] = answer


from contest.api import views  # noqa: E402,F401  (routes register on import)
