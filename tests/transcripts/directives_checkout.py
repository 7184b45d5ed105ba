"""Transcript steps for shopping and paying (registered in replay.DIRECTIVES):

    ! catalog                                   the test catalog (tests/shopfront.py) is loaded
    ! stripe checkout.session.completed paid    Stripe sends a signed event about the
    ! stripe checkout.session.completed unpaid  latest Checkout Session (payment_status
    ! stripe checkout.session.async_payment_succeeded     as given, where it applies)
    ! testpay paid card                         the shopper uses the test checkout page:
    ! testpay failed insufficient_funds         pays by a method, or fails with a reason
    ! later 61                                  61 minutes pass (scheduled jobs come due)
"""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from bot.models import Payment
from tests.fakes.stripe import FakeStripe, signed_event
from tests.shopfront import load_products
from tests.support import run_due
from tests.transcripts.replay import Replay, directive


@directive("catalog")
def catalog(replay: Replay, args: str) -> None:
    load_products(replay.rt.db)


@directive("stripe")
def stripe_event(replay: Replay, args: str) -> None:
    kind, *rest = args.split()
    settings = replay.rt.settings
    fake = FakeStripe.at(settings.stripe_api_base)
    session = fake.sessions[-1]
    changes = {"payment_status": rest[0]} if rest else {}
    event = fake.event(kind, session["id"], **changes)
    headers, body = signed_event(event, settings.stripe_webhook_secret.value)
    response = replay.client.post("/webhooks/stripe", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)


@directive("testpay")
def test_checkout(replay: Replay, args: str) -> None:
    outcome, choice = args.split()
    with replay.rt.db.session() as s:
        url = s.scalar(select(Payment.url).order_by(Payment.id.desc()).limit(1))
    assert url, "no payment link was sent"
    path = url.removeprefix(replay.rt.settings.public_base_url)
    page = replay.client.get(path)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    assert 'class="test-mode"' in html, "the page must say it is a test"
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    csrf = unescape(found.group(1))
    form = {"csrf": csrf, "outcome": outcome}
    form["method" if outcome == "paid" else "reason"] = choice
    response = replay.client.post(path, data=form)
    assert response.status_code == 303, response.get_data(as_text=True)


@directive("later")
def later(replay: Replay, args: str) -> None:
    run_due(replay.rt, minutes=float(args))
