"""The test checkout page in a real browser (Debian's Chromium through Playwright):
the shopper pays, and the confirmation reaches the chat through the fake provider.

The page is served with the strict Content-Security-Policy it is built for, and the
browser must report no violation: no inline script or style slipped in.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from bot.runtime import Runtime
from tests.conftest import CI
from tests.fakes.twilio import FakeTwilio
from tests.payments.shopper import WHATSAPP, order_of, place_order, sent_to
from tests.support import run_jobs

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("SOUK_TEST_CHROMIUM", "/usr/bin/chromium")
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def server(app: Any) -> Iterator[str]:
    """The app on a local port, every answer carrying the strict CSP."""

    def with_csp(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        def start_with_csp(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            return start(status, [*headers, ("Content-Security-Policy", CSP)], *rest)

        return app(environ, start_with_csp)  # type: ignore[no-any-return]

    http = make_server("127.0.0.1", 0, with_csp, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


@pytest.fixture
def page() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail(f"CI=true and no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_a_shopper_pays_on_the_page_and_the_chat_confirms(
        rt: Runtime, server: str, page: Any, fake_twilio: FakeTwilio) -> None:
    payment_id = place_order(rt)
    [link_message] = sent_to(fake_twilio, WHATSAPP)
    link = re.search(r"https://\S+/pay/\S+", link_message)
    assert link, link_message
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)

    page.goto(server + link.group(0).removeprefix(rt.settings.public_base_url))
    banner = page.locator(".test-mode")
    assert banner.is_visible() and "MODO DE TESTE" in banner.inner_text()
    # The stylesheet applied under the strict policy: the banner is yellow.
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 210, 63)"
    assert page.locator("h1").inner_text() == "Pedido 1001"
    page.get_by_label("Pix").check()
    page.get_by_role("button", name=re.compile(r"^Pagar R\$")).click()
    page.wait_for_selector("#result")
    assert "Pagamento recebido" in page.locator("#result").inner_text()
    assert violations == []

    run_jobs(rt)
    confirmation = sent_to(fake_twilio, WHATSAPP)[-1]
    assert confirmation.startswith("Pagamento recebido, obrigado! Seu pedido 1001 está "
                                   "confirmado.")
    assert order_of(rt, payment_id).payment_method == "pix"
