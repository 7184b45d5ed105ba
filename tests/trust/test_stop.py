"""STOP end to end: eight languages, three channels, mid-flow and during a takeover.

After a STOP the shopper gets one confirmation and nothing else: a notification
queued before the STOP and sent after it is dropped at send time, so is one queued
after it, and so is an agent's message in a takeover.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

import flows
from bot import consent
from bot.models import AuditEntry, ConsentEvent, Conversation
from bot.state import HotState
from tests.support import run_jobs
from tests.trust.shoppers import Shopper

STOPS = {"en": "STOP", "es": "baja", "pt_BR": "parar", "fr": "arrêter", "de": "Stopp",
         "id": "berhenti", "ar": "توقف", "ja": "配信停止"}
CHANNELS = ("whatsapp", "sms", "telegram")


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The matrix runs on SQLite; the ledger's behaviour on both is in test_consent_api."""
    return sqlite_url


def shopper(rt, client, channel, fake_twilio, fake_telegram) -> Shopper:  # type: ignore[no-untyped-def]
    return Shopper(rt, client, channel, fake_twilio, fake_telegram)


def opted_in(sh: Shopper) -> None:
    customer_id = sh.customer_id()
    with sh.rt.db.session() as s:
        consent.record(s, customer_id, "order_updates", True, source="checkout")


# Every language on every channel; the situation alternates so that each language and
# each channel meets STOP both mid-flow and during a takeover (every state of the
# table is covered on its own below).
MATRIX = [(language, channel, ("mid_flow", "takeover")[(i + j) % 2])
          for i, language in enumerate(STOPS) for j, channel in enumerate(CHANNELS)]


@pytest.mark.parametrize(("language", "channel", "situation"), MATRIX)
def test_after_stop_only_the_confirmation_is_sent(rt, client, fake_twilio, fake_telegram,  # type: ignore[no-untyped-def]
                                                  language, channel, situation):
    sh = shopper(rt, client, channel, fake_twilio, fake_telegram)
    sh.write("hi")
    run_jobs(rt)
    opted_in(sh)
    if situation == "takeover":
        conversation_id = sh.conversation_id()
        with rt.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            conv.status, conv.assigned_agent_id = "agent", 1
    else:
        rt.state.save(sh.conversation_id(), HotState(state="offer_human", locale="en", turn=2))
    before = len(sh.received())
    queued_before = sh.push("Your order 1042 has shipped.")  # its send job runs after the STOP
    sh.write(STOPS[language])
    run_jobs(rt)

    after = sh.received()[before:]
    assert len(after) == 1 and "Souk Demo Shop" in after[0], after
    dropped = sh.message(queued_before)
    assert (dropped.status, dropped.error_message) == ("dropped", "opted out")

    later = [sh.push("Flash sale!", topic="marketing"),
             sh.push("Hi, it's Maria from support.", author="agent", requested=True,
                     topic=None)]
    run_jobs(rt)
    assert sh.received()[before:] == after
    assert [sh.message(m).status for m in later] == ["dropped", "dropped"]
    with rt.db.session() as s:
        [event] = s.scalars(select(ConsentEvent).where(ConsentEvent.topic == "all")).all()
        assert (event.granted, event.source, event.channel) == (False, "shopper", channel)
        assert event.proof  # the provider's id of the STOP message


@pytest.mark.parametrize("state", flows.STATES)
def test_stop_wins_in_every_state_of_the_conversation(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                      fake_telegram, state):
    sh = shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    sh.write("hi")
    run_jobs(rt)
    rt.state.save(sh.conversation_id(), HotState(state=state, locale="en", turn=2))
    before = len(sh.received())
    sh.write("STOP")
    run_jobs(rt)
    [confirmation] = sh.received()[before:]
    assert confirmation.startswith("You're unsubscribed")


def test_a_second_stop_is_not_confirmed_again(rt, client, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    sh = shopper(rt, client, "sms", fake_twilio, fake_telegram)
    for word in ("STOP", "STOP", "stop"):
        sh.write(word)
    run_jobs(rt)
    assert len(sh.received()) == 1
    customer_id = sh.customer_id()
    with rt.db.session() as s:
        assert len(consent.ledger(s, customer_id)) == 3  # every STOP is on record
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "consent.opt_out"))
        assert [a.target for a in audited] == [f"customer:{customer_id}"] * 3


def test_a_stopped_sms_shopper_is_answered_only_for_help_and_start(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                                   fake_telegram):
    sh = shopper(rt, client, "sms", fake_twilio, fake_telegram)
    sh.write("STOP")
    sh.write("hello?")
    sh.write("HELP")
    run_jobs(rt)
    confirmation, help_text = sh.received()
    assert "STOP" in help_text and "Souk Demo Shop" in help_text
    sh.write("START")
    sh.write("hi")
    run_jobs(rt)
    resumed, greeting = sh.received()[2:]
    assert "subscribed again" in resumed and greeting.startswith("Hi")
    customer_id = sh.customer_id()
    with rt.db.session() as s:
        assert not consent.stopped(s, customer_id)


def test_a_stopped_whatsapp_shopper_who_writes_gets_an_answer(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                              fake_telegram):
    sh = shopper(rt, client, "whatsapp", fake_twilio, fake_telegram)
    sh.write("STOP")
    run_jobs(rt)
    sh.write("hi")
    run_jobs(rt)
    assert len(sh.received()) == 2  # the confirmation, then the answer to "hi"
    pushed = sh.push("Back in stock!", topic="marketing")
    run_jobs(rt)
    assert sh.message(pushed).status == "dropped" and len(sh.received()) == 2


def test_an_agent_may_answer_a_stopped_shopper_who_writes_again(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                                fake_telegram):
    sh = shopper(rt, client, "telegram", fake_twilio, fake_telegram)
    sh.write("hi")
    run_jobs(rt)
    conversation_id = sh.conversation_id()
    with rt.db.session() as s:
        s.get(Conversation, conversation_id).status = "agent"
    sh.write("/stop")
    run_jobs(rt)
    silenced = sh.push("Are you still there?", author="agent", requested=True, topic=None)
    run_jobs(rt)
    sh.write("actually, one question about my order")
    run_jobs(rt)
    answered = sh.push("Sure, which order?", author="agent", requested=True, topic=None)
    run_jobs(rt)
    assert sh.message(silenced).status == "dropped"
    assert sh.message(answered).status == "delivered" or sh.message(answered).status == "sent"
    assert sh.received()[-1] == "Sure, which order?"


def test_carrier_opt_out_21610_stops_further_notifications(rt, client, fake_twilio,  # type: ignore[no-untyped-def]
                                                           fake_telegram):
    sh = shopper(rt, client, "sms", fake_twilio, fake_telegram)
    sh.write("hi")
    run_jobs(rt)
    opted_in(sh)
    fake_twilio.fail_next(status=400, code=21610, to=sh.ident)
    refused = sh.push("Your order shipped.")
    run_jobs(rt)
    later = sh.push("Your order was delivered.")
    run_jobs(rt)
    assert sh.message(refused).error_code == "21610"
    assert sh.message(later).status == "dropped"
    customer_id = sh.customer_id()
    with rt.db.session() as s:
        [event] = [e for e in consent.ledger(s, customer_id) if e.topic == "all"]
        assert (event.granted, event.source) == (False, "carrier")


def test_maybe_stop_asks_and_yes_stops(rt, client, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    sh = shopper(rt, client, "telegram", fake_twilio, fake_telegram)
    sh.write("don't stop the order please")
    run_jobs(rt)
    customer_id = sh.customer_id()
    with rt.db.session() as s:
        assert not consent.stopped(s, customer_id)
    sh.write("yes")
    run_jobs(rt)
    question, confirmation = sh.received()
    assert question == "Do you want to stop all messages from Souk Demo Shop?"
    assert confirmation.startswith("You're unsubscribed")
    with rt.db.session() as s:
        assert consent.stopped(s, customer_id)
