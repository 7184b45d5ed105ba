"""The WSGI entry point for gunicorn (the Procfile's `web:` line)."""

from bot.app import create_app
from bot.config import Settings
from bot.runtime import Runtime

_rt = Runtime.from_settings(Settings.from_env())
app = create_app(rt=_rt)

if _rt.settings.embedded:
    from workers.runner import start_embedded

    start_embedded(_rt)
