"""Transcripts take payments through the fake Stripe unless their header says
`@payments=test`, which uses the built-in test checkout page instead."""

from __future__ import annotations

import pytest

from tests.conftest import stripe_env
from tests.fakes.stripe import FakeStripe
from tests.transcripts.replay import load


@pytest.fixture
def env(env: dict[str, str], fake_stripe: FakeStripe,
        request: pytest.FixtureRequest) -> dict[str, str]:
    path = getattr(request.node, "callspec", None) and request.node.callspec.params.get("path")
    if path is not None and load(path).options.get("payments") == "test":
        return env
    return {**env, **stripe_env(fake_stripe)}
