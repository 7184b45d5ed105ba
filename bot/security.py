"""HTTP hardening for every response: security headers, a strict CSP, body size limits.

- Every response says `nosniff`, sends no referrer, and may not be framed.
- HTML pages (the simulator, the console, the test checkout) get a strict
  Content-Security-Policy: scripts, styles, fonts and connections from souk itself
  only, no inline script or style, no plugins; images also from https (product
  photos). Templates therefore load their CSS and JS from /static, never inline.
- Anything else (JSON, TwiML) gets `default-src 'none'`: nothing in it may load.
- HSTS when the request came over https or souk's public URL is https (behind a
  proxy that terminates TLS, the public URL is what browsers use).
- A body larger than SOUK_MAX_WEBHOOK_BYTES is refused with 413 JSON before any
  route reads it, whatever the route; a chunked body (no length up front) too.
"""

from __future__ import annotations

from flask import Flask, Response, request

from bot.api import abort_json

__all__ = ["API_CSP", "PAGE_CSP", "init_app"]

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

    @app.before_request
    def refuse_large_bodies() -> None:
        """Answer 413 before any route reads a body over the limit."""
        length = request.content_length
        if length is None and request.environ.get("wsgi.input_terminated"):
            # A chunked body has no length up front, and Werkzeug silently stops reading
            # it at the limit: read it here (cached for the route) and refuse a full one.
            length = len(request.get_data(cache=True))
            if length >= max_bytes:
                abort_json(413, "too_large", f"The request body is over {max_bytes} bytes.")
        if length is not None and length > max_bytes:
            abort_json(413, "too_large", f"The request body is over {max_bytes} bytes.")

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
