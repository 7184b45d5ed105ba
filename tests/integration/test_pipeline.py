"""The pipeline's promises (DESIGN.md): acknowledged means stored, a lost job is found
again by the sweeper, conversation state lives in Redis with a TTL, and one message that
breaks never holds up the ones behind it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from bot import facts
from bot.models import Conversation, Direction, Message, Outbox
from bot.runtime import INBOUND, OUTBOUND, QUEUES, Runtime
from flows.handoff import OFFER_HUMAN
from tests.support import post_twilio, run_jobs, twilio_form
from workers import sweeper

SHOPPER = "+14155550123"


def say(client: Any, fake: Any, text: str) -> None:
    assert post_twilio(client, fake.auth_token, twilio_form(SHOPPER, text)).status_code == 200


def messages(rt: Runtime, direction: str) -> list[Message]:
    with rt.db.session() as s:
        return list(s.scalars(select(Message).where(Message.direction == direction)
                              .order_by(Message.id)))


def lose_queued_jobs(rt: Runtime) -> None:
    """What a Redis restart without persistence does to queued work."""
    for name in QUEUES:
        rt.queue(name).empty()


def test_a_message_is_stored_before_the_webhook_answers(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say(client, fake_twilio, "hello!")
    [stored] = messages(rt, Direction.IN.value)
    assert (stored.body, stored.processed_at, stored.status) == ("hello!", None, "received")
    assert rt.queue(INBOUND).count == 1  # and its conversation is queued for processing
    assert fake_twilio.messages == []


def test_a_message_whose_job_was_lost_is_answered_after_the_sweep(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say(client, fake_twilio, "hello!")
    lose_queued_jobs(rt)
    assert sweeper.sweep(rt) == (0, 0)  # too young: probably still in a queue somewhere
    assert sweeper.sweep(rt, grace=timedelta(0)) == (1, 0)
    run_jobs(rt)
    [reply] = fake_twilio.messages
    assert (reply.body or "").startswith("Hi! Welcome")


def test_a_reply_whose_send_job_was_lost_is_sent_once_after_the_sweep(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say(client, fake_twilio, "hello!")
    work_once_inbound(rt)
    lose_queued_jobs(rt)
    assert fake_twilio.messages == []
    assert sweeper.sweep(rt, grace=timedelta(0)) == (0, 1)
    run_jobs(rt)
    assert sweeper.sweep(rt, grace=timedelta(0)) == (0, 0)  # nothing left behind
    run_jobs(rt)
    assert len(fake_twilio.messages) == 1


def work_once_inbound(rt: Runtime) -> None:
    """Process what came in; the replies' send jobs stay queued."""
    SimpleWorker([rt.queue(INBOUND)], connection=rt.redis).work(burst=True)
    assert rt.queue(OUTBOUND).count == 1


def test_a_conversations_place_lives_in_redis_with_a_ttl(
    rt: Runtime, client: Any, fake_twilio: Any
) -> None:
    say(client, fake_twilio, "hello!")
    say(client, fake_twilio, "blorp")
    say(client, fake_twilio, "qwerty")  # the second miss offers a person
    run_jobs(rt)
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation))
        assert conv is not None
        key = rt.state.key(conv.id)
    assert rt.state.load(conv.id).state == OFFER_HUMAN
    assert 0 < rt.redis.ttl(key) <= rt.settings.state_ttl
    # Losing Redis costs the shopper their place in the flow, nothing else.
    rt.redis.delete(key)
    say(client, fake_twilio, "yes")
    run_jobs(rt)
    assert (fake_twilio.messages[-1].body or "").startswith("Sorry, I didn't understand")
    assert len(messages(rt, Direction.IN.value)) == 4


@pytest.fixture
def broken_on_purpose() -> Iterator[None]:
    """A fact provider (as a feature registers one) that fails on one message."""

    def provider(request: facts.FactRequest) -> Mapping[str, Any]:
        if request.event.text == "break please":
            raise RuntimeError("a feature's bug")
        return {}

    facts.provider(provider)
    yield
    facts._PROVIDERS.remove(provider)


@pytest.mark.usefixtures("broken_on_purpose")
def test_a_message_that_breaks_gets_an_apology_and_holds_nothing_up(
    rt: Runtime, client: Any, fake_twilio: Any, caplog: pytest.LogCaptureFixture
) -> None:
    say(client, fake_twilio, "hello!")
    say(client, fake_twilio, "break please")
    say(client, fake_twilio, "help")
    run_jobs(rt)
    bodies = [m.body or "" for m in fake_twilio.messages]
    assert bodies[0].startswith("Hi! Welcome")
    assert bodies[1] == ("Sorry, something went wrong on our side. Please try again, or write "
                         "PERSON to reach someone.")
    assert bodies[2].startswith("Souk Demo Shop: I can find products")
    assert all(m.processed_at for m in messages(rt, Direction.IN.value))
    assert "turn failed" in caplog.text and "break please" not in caplog.text
    with rt.db.session() as s:
        assert all(row.state == "done" for row in s.scalars(select(Outbox)))
    assert sweeper.sweep(rt, grace=timedelta(0)) == (0, 0)
