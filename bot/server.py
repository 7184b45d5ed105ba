"""`souk serve`: gunicorn serving the Flask app; in embedded mode, one process with jobs."""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.config import Settings

log = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Built in the worker process, after the fork: each process owns its connections.
        from bot import redact
        from bot.app import create_app
        from bot.runtime import Runtime

        # Gunicorn logs through handlers of its own; they mask what souk's do.
        for name in ("gunicorn.error", "gunicorn.access"):
            for handler in logging.getLogger(name).handlers:
                redact.install(handler, self.settings.secret_values())

        rt = Runtime.from_settings(self.settings)
        app = create_app(rt=rt)
        if self.settings.embedded:
            from workers.runner import start_embedded

            start_embedded(rt)
        return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until stopped."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "worker_class": "gthread",
        "threads": 8,
        # One worker must not grab every kept-alive connection: with gthread defaults,
        # measured throughput swung between ~2,000 and ~6,200 requests/s on 2 cores.
        "worker_connections": 64,
        "accesslog": None,
        "loglevel": settings.log_level.lower(),
        "timeout": 60,
        "graceful_timeout": 20,
    }
    if settings.embedded:
        # The in-process Redis stand-in lives in one process: so must the app.
        options["workers"] = 1
        # One command is all a local run needs: the database is made ready here.
        from bot.migrate import upgrade

        upgrade(settings.database_url)
    log.info("souk serving on http://%s:%d/ database=%s", host, port,
             settings.database_url.split("://")[0])
    _Gunicorn(settings, options).run()
