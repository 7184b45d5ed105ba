"""The merchant API over real HTTP: souk's app on a local port, a client with a key.

Import the fixtures into a test module (they are named `live` and `api` there):

    from tests.integration.live_api import api_fixture, live_fixture  # noqa: F401
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from bot.api.keys import create_key
from bot.runtime import Runtime


@pytest.fixture(name="live")
def live_fixture(app: Any) -> Iterator[str]:
    """The app served on 127.0.0.1 by a threaded werkzeug server: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@dataclass
class Api:
    """An HTTP client for the merchant API with a key of all the scopes it needs."""

    http: httpx.Client
    key: str

    def call(self, method: str, path: str, *, key: str | None = None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """Call the API with the key (another with `key`, none with `key=""`)."""
        token = self.key if key is None else key
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, "/api/v1" + path, headers={**sent, **(headers or {})},
                                 **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        """POST a JSON body."""
        return self.call("POST", path, json=body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET."""
        return self.call("GET", path, **kwargs)


@pytest.fixture(name="api")
def api_fixture(live: str, rt: Runtime) -> Iterator[Api]:
    """A client of the live API holding an `orders` + `messages` key."""
    key = create_key(rt.db, "erp", ["orders", "messages"])
    with httpx.Client(base_url=live, timeout=10) as http:
        yield Api(http, key)
