"""JSON API v1 for tablets, integrations and black-box tests (bearer tokens, CSRF-exempt)."""

from flask import Blueprint

from contest.extensions import csrf

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)

from contest.api import views  # noqa: E402,F401  (routes register on import)
