"""The demo shop's own texts (its policies) exist in every shipped language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import i18n
from bot.shop import load_shop

DEMO = load_shop(Path(__file__).resolve().parents[2] / "bot" / "demo" / "shop.toml")


@pytest.mark.parametrize("topic", sorted(DEMO.policies))
def test_every_policy_is_written_in_every_shipped_language(topic: str) -> None:
    missing = [loc for loc in i18n.SUPPORTED if loc not in DEMO.policies[topic]]
    assert not missing, f"policies.{topic} has no text for {missing}"


def test_a_policy_is_shown_in_the_shoppers_language() -> None:
    assert DEMO.policy("returns", "de") != DEMO.policy("returns", "en")
    assert DEMO.policy("returns", "zh_Hans") == DEMO.policies["returns"]["zh_Hans"]
