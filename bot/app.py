"""The Flask app factory: webhooks, simulator, health; console, API and checkout later."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from bot import runtime as runtime_mod
from bot.config import Settings
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, rt: Runtime | None = None) -> Flask:
    """Build the web app; `rt` lets tests and `souk serve` share one runtime."""
    if rt is None:
        rt = Runtime.from_settings(settings or Settings.from_env())
    runtime_mod.install(rt)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=rt.settings.secret_key.value,
        # Webhook bodies are small; a larger one is refused with 413 before it is read.
        MAX_CONTENT_LENGTH=rt.settings.max_webhook_bytes,
        MAX_FORM_MEMORY_SIZE=rt.settings.max_webhook_bytes,
        JSON_SORT_KEYS=False,
    )
    app.extensions["souk"] = rt
    from bot import security

    security.init_app(app, rt.settings.public_base_url, rt.settings.max_webhook_bytes)

    from bot.health import bp as health_bp
    from bot.payments.page import bp as test_checkout_bp
    from bot.payments.webhook import bp as stripe_webhook_bp
    from bot.webhooks import bp as webhooks_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(stripe_webhook_bp)
    app.register_blueprint(test_checkout_bp)
    from bot import api

    api.init_app(app)
    from bot import console

    console.init_app(app)
    if rt.settings.enable_simulator:
        from bot.simulator import bp as simulator_bp

        app.register_blueprint(simulator_bp)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return api.error_response(exc)

    @app.errorhandler(Exception)
    def crash(exc: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error")
        return jsonify(error={"code": "internal", "message": "Something went wrong."}), 500

    return app


def current_runtime() -> Runtime:
    """The runtime of the app handling this request."""
    from flask import current_app

    rt: Runtime = current_app.extensions["souk"]
    return rt
