"""The console in a real browser: Debian's Chromium through Playwright, a real server, real
worker threads, signed webhooks, the fake Twilio.

An agent signs in, sees a shopper's request for a person appear live, takes over,
replies (the reply reaches the fake Twilio), hands back, and the bot answers the
shopper's next message again. Screenshots of the inbox and of the conversation go to
test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from bot.app import create_app
from bot.config import Settings
from bot.console import live
from bot.console.accounts import hash_password
from bot.runtime import Runtime, install
from tests.conftest import CI, make_env
from tests.console.conftest import PASSWORD, make_account
from tests.console.shops import shop_file
from tests.fakes.signing import twilio_signature
from tests.fakes.twilio import FakeTwilio
from tests.support import twilio_form

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("SOUK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SHOPPER = "whatsapp:+5511987654321"
WAIT_MS = 15_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if CI:
            pytest.fail(f"CI=true and there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def server(sqlite_url: str, redis_url: str, fake_twilio: Any, fake_telegram: Any,
           tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    """souk serving on a free port, with worker threads, as `souk serve` runs it."""
    from workers.runner import start_embedded

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = make_env(sqlite_url, redis_url, fake_twilio, fake_telegram, PUBLIC_BASE_URL=base,
                   SHOP_CONFIG=str(shop_file(tmp_path, local_hour=12)))
    rt = Runtime.from_settings(Settings.from_env(env))
    install(rt)
    httpd = make_server("127.0.0.1", port, create_app(rt=rt), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    stop = start_embedded(rt)
    yield base, rt
    stop.set()
    httpd.shutdown()
    # A closed page's event stream ends at its next keep-alive write; wait for it so that
    # nothing of this test writes to Redis during the next one.
    deadline = time.monotonic() + 3 * live.KEEPALIVE + 2
    while live.open_streams() and time.monotonic() < deadline:
        time.sleep(0.1)
    install(None)
    rt.close()


def webhook(base: str, token: str, text: str) -> None:
    """A WhatsApp message, signed as Twilio signs it, to the running server."""
    form = twilio_form(SHOPPER, text)
    url = base + "/webhooks/twilio"
    request = urllib.request.Request(url, data=urlencode(form).encode(), headers={
        "X-Twilio-Signature": twilio_signature(url, form, token),
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def wait_for_body(fake_twilio: Any, after: int, needle: str) -> str:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        for message in fake_twilio.messages[after:]:
            if needle in (message.body or ""):
                return str(message.body)
        time.sleep(0.05)
    bodies = [m.body for m in fake_twilio.messages[after:]]
    raise AssertionError(f"no message with {needle!r} reached the fake Twilio: {bodies}")


def test_an_agent_takes_over_replies_and_hands_back(
        browser: Browser, server: tuple[str, Runtime], fake_twilio: FakeTwilio,
        artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, rt = server
    make_account(rt, hash_password(PASSWORD), "ana@shop.example", "agent", "Ana")
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.set_default_timeout(WAIT_MS)

    page.goto(base + "/console/")
    expect(page).to_have_url(base + "/console/login?next=/console/?")
    page.fill("input[name=email]", "ana@shop.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#waiting")).to_contain_text("Nobody is waiting.")
    # The stream is open once the agent counts as online.
    deadline = time.monotonic() + 10
    while not live.online(rt) and time.monotonic() < deadline:
        time.sleep(0.05)
    page.evaluate("window.__sameDocument = true")

    webhook(base, fake_twilio.auth_token, "quero falar com uma pessoa")
    row = page.locator("#waiting li[data-conversation]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("whatsapp:+55*******4321")
    assert page.evaluate("window.__sameDocument") is True  # live, not reloaded
    wait_for_body(fake_twilio, 0, "Estou chamando uma pessoa")
    page.screenshot(path=str(artifacts / "console-inbox.png"), full_page=True)

    row.locator("a").click()
    expect(page.locator("#conv-status")).to_have_text("waiting")
    page.click("#take-over")
    expect(page.locator("#conv-status")).to_have_text("agent")
    sent = len(fake_twilio.messages)
    page.fill("#reply-text", "Olá! Aqui é a Ana. Como posso ajudar?")
    page.click("#send-reply")
    wait_for_body(fake_twilio, sent, "Aqui é a Ana")
    expect(page.locator("#transcript .author-agent")).to_contain_text("Aqui é a Ana")
    expect(page.locator("#transcript .author-agent .status")).not_to_have_text("pending")
    page.screenshot(path=str(artifacts / "console-conversation.png"), full_page=True)

    # While Ana holds it the bot stays quiet; her page shows the shopper live.
    quiet = len(fake_twilio.messages)
    webhook(base, fake_twilio.auth_token, "obrigada, Ana!")
    expect(page.locator("#transcript .bubble.in").last).to_contain_text("obrigada, Ana!")

    page.click("#hand-back")
    expect(page.locator("#waiting")).to_be_visible()
    back = wait_for_body(fake_twilio, quiet, "assistente")
    assert "Você está falando de novo" in back
    assert all("obrigada" not in (m.body or "") for m in fake_twilio.messages[quiet:])

    after = len(fake_twilio.messages)
    webhook(base, fake_twilio.auth_token, "oi")
    assert "1. Comprar" in wait_for_body(fake_twilio, after, "Comprar")
    page.close()
