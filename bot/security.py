"""HTTP hardening for every response: security headers, a strict CSP, body size limits.

- Every response says `nosniff`, sends no referrer, and may not be framed.
- HTML pages (the simulator, the console, the test checkout) get a strict
  Content-Security-Policy: scripts, styles, fonts and connections from souk itself
  only, no inline script or style, no plugins; images also from https (product
  photos). Templates therefore load their CSS and JS from /static, never inline.
- Anything else (JSON, TwiML) gets `default-src 'none'`: nothing in it may load.
- HSTS when the request came over https or souk's public URL is https (behind a
  proxy that terminates TLS, the public URL is what browsers use).
- A body larger than SOUK_MAX_WEBHOOK_BYTES is refused with 413 JSON
  (`payload_too_large`, as webhooks name it) before any route reads it, whatever the
  route; a chunked body (no length up front) too. The answer is built here, not
  raised, so no blueprint's error page (the console's is HTML) can turn it into
  something else; one log line names the route, never the path or the body.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

__all__ = ["API_CSP", "PAGE_CSP", "init_app"]

log = logging.getLogger(__name__)

PAGE_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask, public_base_url: str, max_bytes: int) -> None:
    """Install the size check and the headers on `app`."""
    https = public_base_url.startswith("https://")

    def too_large(exc: RequestEntityTooLarge | None = None) -> Response:
        """The 413 answer, logged in one line."""
        # The rule, not the path: a path may hold a shopper's address.
        route = request.url_rule.rule if request.url_rule else "-"
        log.warning("request refused status=413 method=%s route=%s reason=body over %d bytes",
                    request.method, route, max_bytes)
        response = jsonify(error={"code": "payload_too_large",
                                  "message": f"The request body is over {max_bytes} bytes."})
        response.status_code = 413
        return response

    # Werkzeug's own refusal (a form part over MAX_FORM_MEMORY_SIZE) answers the same way;
    # an app handler for this class wins over a blueprint's handler for HTTPException.
    app.register_error_handler(RequestEntityTooLarge, too_large)

    @app.before_request
    def refuse_large_bodies() -> Response | None:
        """Answer 413 before any route reads a body over the limit."""
        length = request.content_length
        if length is None and request.environ.get("wsgi.input_terminated"):
            # A chunked body has no length up front, and Werkzeug silently stops reading
            # it at the limit: read it here (cached for the route) and refuse a full one.
            length = len(request.get_data(cache=True))
            if length >= max_bytes:
                return too_large()
        if length is not None and length > max_bytes:
            return too_large()
        return None

    @app.after_request
    def add_headers(response: Response) -> Response:
        """Add the security headers a route did not set itself."""
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        page = response.mimetype == "text/html"
        headers.setdefault("Content-Security-Policy", PAGE_CSP if page else API_CSP)
        if https or request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
