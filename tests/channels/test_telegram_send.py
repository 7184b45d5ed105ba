"""Telegram adapter sends through the real python-telegram-bot to a fake Bot API server."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot.errors import NotConfigured, PermanentError, RetryableError
from channels.base import Address, Option, Outgoing
from channels.telegram import TelegramChannel
from tests.fakes.telegram import FakeTelegram

ANA = Address("telegram", "42")
SECRET = "webhook-secret_0123"
# PTB 22's own RetryAfter constructor reads its deprecated int attribute; nothing to fix here.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeTelegram) -> Iterator[FakeTelegram]:
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def channel(fake: FakeTelegram) -> TelegramChannel:
    return TelegramChannel(fake.token, SECRET, api_base=fake.base_url, timeout=2.0)


def text(body: str) -> dict[str, Any]:
    return {"method": "sendMessage", "text": body}


def test_a_message_is_sent_with_its_keyboard(channel: TelegramChannel, fake: FakeTelegram) -> None:
    [part] = channel.render(Outgoing("Your orders:", options=(Option("Track", "track:1234"),)))
    result = channel.send(ANA, part)
    [call] = fake.sent
    assert result.status == "sent"
    assert result.provider_id.isdigit()
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "Your orders:"
    assert call.params["reply_markup"] == part["reply_markup"]


def test_each_message_gets_the_id_telegram_gave_it(channel: TelegramChannel) -> None:
    first = channel.send(ANA, text("one")).provider_id
    second = channel.send(ANA, text("two")).provider_id
    assert int(second) == int(first) + 1


def test_a_photo_with_its_caption(channel: TelegramChannel, fake: FakeTelegram) -> None:
    [part] = channel.render(Outgoing("Blue shirt", image_url="https://cdn.example.com/s.jpg"))
    channel.send(ANA, part)
    [call] = fake.sent
    assert (call.method, call.params["photo"]) == ("sendPhoto", "https://cdn.example.com/s.jpg")
    assert call.params["caption"] == "Blue shirt"


def test_a_button_press_is_answered(channel: TelegramChannel, fake: FakeTelegram) -> None:
    part = {"method": "answerCallbackQuery", "callback_query_id": "4382bfdwdsb323b2d9"}
    assert channel.send(ANA, part).provider_id == "ack"
    [call] = fake.sent
    assert (call.method, call.params["callback_query_id"]) == (
        "answerCallbackQuery",
        "4382bfdwdsb323b2d9",
    )


def test_flood_control_is_retryable_after_telegrams_wait(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.fail_next(status=429, retry_after=3)
    with pytest.raises(RetryableError) as caught:
        channel.send(ANA, text("hi"))
    assert caught.value.retry_after == 3.0
    assert fake.sent == []
    channel.send(ANA, text("hi"))  # the script was for one call only
    assert len(fake.sent) == 1


def test_a_server_error_is_retryable(channel: TelegramChannel, fake: FakeTelegram) -> None:
    fake.fail_next(status=500)
    with pytest.raises(RetryableError) as caught:
        channel.send(ANA, text("hi"))
    assert caught.value.retry_after is None


def test_an_outage_lasts_until_reset(channel: TelegramChannel, fake: FakeTelegram) -> None:
    fake.fail_next(status=502, times=None, method="sendMessage")
    for _ in range(3):
        with pytest.raises(RetryableError):
            channel.send(ANA, text("hi"))
    channel.send(ANA, {"method": "answerCallbackQuery", "callback_query_id": "q"})
    assert [c.status for c in fake.refused] == [502, 502, 502]
    fake.reset()
    channel.send(ANA, text("hi"))
    assert [c.method for c in fake.sent] == ["sendMessage"]


@pytest.mark.parametrize(
    ("status", "description", "code"),
    [
        (403, "Forbidden: bot was blocked by the user", "forbidden"),
        (400, "Bad Request: chat not found", "bad_request"),
    ],
)
def test_refusals_are_permanent(
    channel: TelegramChannel, fake: FakeTelegram, status: int, description: str, code: str
) -> None:
    fake.fail_next(status=status, description=description)
    # PTB drops the "Bad Request: " prefix and capitalises what is left.
    reason = description.partition(": ")[2]
    with pytest.raises(PermanentError, match=f"(?i){reason}") as caught:
        channel.send(ANA, text("hi"))
    assert caught.value.code == code


def test_a_wrong_token_is_permanent_and_never_shown(fake: FakeTelegram) -> None:
    channel = TelegramChannel("999:WRONG-token", SECRET, api_base=fake.base_url)
    with pytest.raises(PermanentError) as caught:
        channel.send(ANA, text("hi"))
    assert caught.value.code == "invalid_token"
    assert "WRONG" not in str(caught.value)


def test_a_hung_request_times_out_retryably_and_is_not_accepted(fake: FakeTelegram) -> None:
    channel = TelegramChannel(fake.token, SECRET, api_base=fake.base_url, timeout=0.3)
    fake.hang_next(3)
    started = time.monotonic()
    with pytest.raises(RetryableError):
        channel.send(ANA, text("hi"))
    assert time.monotonic() - started < 2.5
    deadline = time.monotonic() + 5
    while not fake.abandoned and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [c.method for c in fake.abandoned] == ["sendMessage"]
    assert fake.sent == []


def test_an_unreachable_api_is_retryable() -> None:
    with FakeTelegram() as gone:
        base = gone.base_url
    channel = TelegramChannel("123456:TEST-fake-token", SECRET, api_base=base, timeout=1.0)
    with pytest.raises(RetryableError):
        channel.send(ANA, text("hi"))


@pytest.mark.parametrize(
    ("address", "part"),
    [
        (Address("whatsapp", "+5511999990000"), text("hi")),
        (ANA, {"method": "sendSticker", "sticker": "x"}),
        (ANA, {"method": "sendMessage"}),
    ],
)
def test_what_cannot_be_sent_is_permanent(
    channel: TelegramChannel, address: Address, part: dict[str, Any]
) -> None:
    with pytest.raises(PermanentError):
        channel.send(address, part)


def test_without_a_token_nothing_is_sent() -> None:
    with pytest.raises(PermanentError):
        TelegramChannel("", SECRET).send(ANA, text("hi"))


def test_many_threads_send_at_once(channel: TelegramChannel, fake: FakeTelegram) -> None:
    ids: list[str] = []
    errors: list[BaseException] = []

    def shopper(chat: int) -> None:
        try:
            for n in range(5):
                ids.append(channel.send(Address("telegram", str(chat)), text(f"{n}")).provider_id)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=shopper, args=(100 + i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(ids)) == 40
    assert len(fake.wait_for(40, method="sendMessage")) == 40
    assert 1 <= fake.max_per_second(100) <= 5
    assert fake.max_per_second(100) <= fake.max_per_second() <= 40


def test_sends_are_counted_per_second_overall_and_per_chat() -> None:
    now = [1000.0]
    with FakeTelegram(clock=lambda: now[0]) as fake:
        channel = TelegramChannel(fake.token, SECRET, api_base=fake.base_url)
        for at, chat in [(0.0, 1), (0.2, 1), (0.5, 2), (0.9, 1), (1.0, 2), (1.1, 2), (3.0, 1)]:
            now[0] = 1000.0 + at
            channel.send(Address("telegram", str(chat)), text("hi"))
        channel.send(ANA, {"method": "answerCallbackQuery", "callback_query_id": "q"})
        assert fake.max_per_second() == 5  # 0.2 .. 1.1
        assert fake.max_per_second(1) == 3  # 0.0, 0.2, 0.9
        assert fake.max_per_second("2") == 3  # 0.5, 1.0, 1.1
        assert fake.max_per_second(42) == 0  # answering a button sends no message


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_worker_sends_through_its_own_client(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    channel.send(ANA, text("from the parent"))  # the parent's Bot and loop now exist
    pid = os.fork()
    if pid == 0:  # the child, as under gunicorn or RQ's forking worker
        status = 1
        try:
            channel.send(ANA, text("from the child"))
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    channel.send(ANA, text("from the parent again"))
    sent = [c.params["text"] for c in fake.wait_for(3)]
    assert sent == ["from the parent", "from the child", "from the parent again"]


def test_set_webhook_asks_for_messages_and_button_presses(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    channel.set_webhook("https://bot.example.com/webhooks/telegram")
    [call] = fake.sent
    assert call.method == "setWebhook"
    assert call.params["url"] == "https://bot.example.com/webhooks/telegram"
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    info = channel.webhook_info()
    assert info["url"] == "https://bot.example.com/webhooks/telegram"
    assert info["allowed_updates"] == ["message", "callback_query"]


def test_set_webhook_needs_a_valid_secret(fake: FakeTelegram) -> None:
    channel = TelegramChannel(fake.token, None, api_base=fake.base_url)
    with pytest.raises(NotConfigured):
        channel.set_webhook("https://bot.example.com/webhooks/telegram")
    with pytest.raises(ValueError):
        channel.set_webhook("https://bot.example.com/webhooks/telegram", "no spaces allowed")
    assert fake.sent == []


def test_the_fake_is_scriptable_over_http(channel: TelegramChannel, fake: FakeTelegram) -> None:
    def call(path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(fake.base_url + path, data=data)
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    call("/_fake/script", {"action": "fail_next", "status": 429, "retry_after": 7})
    with pytest.raises(RetryableError) as caught:
        channel.send(ANA, text("hi"))
    assert caught.value.retry_after == 7.0
    channel.send(ANA, text("hello"))
    [sent] = call("/_fake/sent")["sent"]
    assert (sent["method"], sent["params"]["text"]) == ("sendMessage", "hello")
    assert call("/_fake/stats?chat_id=42") == {"max_per_second": 1}
    call("/_fake/reset", {})
    assert fake.sent == []
