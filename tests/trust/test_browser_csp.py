"""The simulator in Chromium, under its strict Content-Security-Policy: it works, and the
browser reports no violation while a shopper chats and says STOP.

With Redis (as here) the simulator is behind the console's login (CONTRACT.md), so the
browser signs in first, on the console's login page, under the same policy."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from bot.runtime import QUEUES
from tests.conftest import CI, PASSWORD
from tests.console.conftest import make_account
from workers.runner import ThreadWorker

# Debian's Chromium, found on PATH.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
# Collects what the browser reports; installed before any page script runs.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

pytestmark = pytest.mark.browser


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def live(rt, app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a local port, with a worker thread running its jobs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    stop = threading.Event()
    worker = ThreadWorker([rt.queue(name) for name in QUEUES], connection=rt.redis)

    def work() -> None:
        while not stop.is_set():
            worker.work(burst=True, logging_level="WARNING")
            stop.wait(0.05)

    threads = [threading.Thread(target=server.serve_forever, daemon=True),
               threading.Thread(target=work, daemon=True)]
    for thread in threads:
        thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    stop.set()
    server.shutdown()
    for thread in threads:
        thread.join(timeout=5)


def test_the_simulator_runs_under_its_policy_and_stop_is_confirmed(  # type: ignore[no-untyped-def]
        rt, live: str, password_hash: str) -> None:
    if CHROMIUM is None:
        if CI:
            pytest.fail("CI=true and no chromium on PATH")
        pytest.skip("no chromium on PATH")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.add_init_script(WATCH)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            make_account(rt, password_hash, "tester@shop.example")
            page.goto(live + "/")
            expect(page).to_have_url(re.compile(r"/console/login\?next=/"))
            assert page.evaluate("window.__violations") == []
            page.fill("input[name=email]", "tester@shop.example")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_response(lambda r: r.url == live + "/"
                                      and r.request.resource_type == "document") as shown:
                page.click("button[type=submit]")
            response = shown.value
            assert response.status == 200
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.check("input[value=sms]")
            page.fill("#ident", "+14155550123")
            page.click("#connect")
            page.fill("#text", "hi")
            page.press("#text", "Enter")
            expect(page.locator(".bubble.out").first).to_contain_text("Welcome", timeout=15000)
            page.fill("#text", "STOP")
            page.press("#text", "Enter")
            expect(page.locator(".bubble.out").last).to_contain_text("unsubscribed",
                                                                     timeout=15000)
            time.sleep(0.3)  # a late violation report would arrive by now
            assert page.evaluate("window.__violations") == []
            assert not [e for e in errors if "Content Security Policy" in e]
            # The stylesheet applied: the page is laid out, not raw HTML.
            display = page.eval_on_selector(".layout", "el => getComputedStyle(el).display")
            assert display in ("grid", "flex")
        finally:
            browser.close()
