"""HTTP security headers on every response, and the shared rate limit of certificate verification."""

from flask import Response, current_app, request

from contest.extensions import limiter

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def apply_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype in ("text/html", "application/json"):  # pages and API answers are personal
        headers.setdefault("Cache-Control", "no-store")
    return response


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# Certificate verification: one budget for every way of asking (the QR code's address, a typed serial or code, the
# API), so none of them enumerates faster. Shared by the certificates pages and the API.
verification_limit = limiter.shared_limit(_verify_limit, scope="certificate-verification",
                                           exempt_when=lambda: request.endpoint == "certificates.verify_form" and not request.args.get("q"))
