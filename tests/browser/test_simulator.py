"""The shopper simulator in a real browser (Debian's Chromium through Playwright).

`souk serve` runs as a real process in embedded mode; the page sends each message
through the same pipeline as a provider's webhook, and shows the replies as the chosen
channel would. Screenshots go to test-artifacts/. Outside CI the test is skipped when
Chromium is missing; under CI=true it fails instead.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ElementHandle, Page, expect, sync_playwright

from tests.conftest import CI
from tests.processes import SoukProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
UNSET = ("REDIS_URL", "DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
         "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PORT", "SHOP_CONFIG")
TIMEOUT = 15_000  # ms: a reply takes the whole pipeline's path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`souk serve` with no settings, in a folder of its own; its base URL."""
    if not os.path.exists(CHROMIUM):
        message = f"no Chromium at {CHROMIUM}"
        if CI:
            pytest.fail(f"CI=true and {message}")
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {name: "" for name in UNSET} | {"LOG_LEVEL": "INFO"}
    server = SoukProcess(["serve", "--port", str(port)], env, folder / "serve.log",
                         cwd=folder)
    try:
        server.wait_for_output("embedded mode", timeout=30)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(simulator: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, simulator: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(simulator + "/")
    yield page
    context.close()


def start_chat(page: Page, channel: str, ident: str) -> None:
    page.check(f'input[name="channel"][value="{channel}"]')
    page.fill("#ident", ident)
    page.click("#connect")
    page.wait_for_selector("#text:enabled")


def say(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def replies(page: Page, count: int) -> list[ElementHandle]:
    """Wait for `count` reply bubbles; all of them."""
    # A locator, not wait_for_function: a string predicate is eval'd in the page, which
    # the simulator's Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    page.locator("#chat .bubble.out").nth(count - 1).wait_for()
    return page.query_selector_all("#chat .bubble.out")


def tap(bubble: ElementHandle, label: str) -> None:
    """Click the inline-keyboard button labelled `label` under a reply."""
    button = bubble.query_selector(f".keyboard button:text-is('{label}')")
    assert button is not None, label
    button.click()


def text_of(bubble: ElementHandle) -> str:
    text = bubble.query_selector(".text")
    assert text is not None
    return text.inner_text()


LANGUAGES = {
    "whatsapp": ["1. Português (Brasil)", "2. English", "3. Español", "4. Français",
                 "5. Mais 8 idiomas"],
    "sms": ["1. English", "2. Español", "3. Português (Brasil)", "4. Français",
            "5. 8 more languages"],
}


@pytest.mark.parametrize(("channel", "ident", "menu"), [
    ("whatsapp", "+5511987654321",
     "Oi! Bem-vindo(a) à Souk Demo Shop. Como posso ajudar hoje?\n\n1. Comprar\n"
     "2. Rastrear pedido\n3. Falar com uma pessoa\n4. Idioma"),
    ("sms", "+14155550123",
     "Hi! Welcome to Souk Demo Shop. How can I help you today?\n\n1. Shop\n"
     "2. Track an order\n3. Talk to a person\n4. Language"),
])
def test_whatsapp_and_sms_show_the_menu_as_numbered_lines(
    page: Page, artifacts: Path, channel: str, ident: str, menu: str
) -> None:
    start_chat(page, channel, ident)
    assert page.inner_text("#phone-title") == {"whatsapp": "WhatsApp", "sms": "SMS"}[channel]
    say(page, "hi")
    [reply] = replies(page, 1)
    assert text_of(reply) == menu
    assert reply.query_selector_all("button") == []
    # The shopper answers by number, as they would on their phone.
    say(page, "4")
    second = replies(page, 2)[1]
    # The shopper's likely languages first, each in its own words; the rest behind "more".
    assert text_of(second).splitlines()[-5:] == LANGUAGES[channel]
    page.screenshot(path=str(artifacts / f"simulator-{channel}.png"))


def test_telegram_shows_an_inline_keyboard_whose_buttons_send_their_payload(
    page: Page, artifacts: Path
) -> None:
    start_chat(page, "telegram", "4242")
    say(page, "hi")
    [menu] = replies(page, 1)
    assert text_of(menu) == "Hi! Welcome to Souk Demo Shop. How can I help you today?"
    buttons = [b.inner_text() for b in menu.query_selector_all(".keyboard button")]
    assert buttons == ["Shop", "Track an order", "Talk to a person", "Language"]
    tap(menu, "Language")
    choose = replies(page, 2)[1]
    assert text_of(choose) == "Which language do you prefer?"
    tap(choose, "Español")
    switched = replies(page, 3)[2]
    assert text_of(switched) == "De acuerdo, a partir de ahora te escribo en español."
    spanish = [b.inner_text() for b in switched.query_selector_all(".keyboard button")]
    assert spanish == ["Comprar", "Seguir un pedido", "Hablar con una persona", "Idioma"]
    # The taps show as the shopper's messages, with the buttons' labels.
    mine = [text_of(b) for b in page.query_selector_all("#chat .bubble.in")]
    assert mine == ["hi", "Language", "Español"]
    page.screenshot(path=str(artifacts / "simulator-telegram.png"))


def test_a_bad_chat_id_is_explained_on_the_page(page: Page) -> None:
    start_chat(page, "telegram", "not-a-number")
    say(page, "hi")
    expect(page.locator("#identity-error")).to_contain_text("Telegram chat id", timeout=TIMEOUT)
