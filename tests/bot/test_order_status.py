"""An order's status comes from its events, whatever order they arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.orders.status import EVENT_KINDS, RANK, Happening, derive

T0 = datetime(2026, 10, 1, 12, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def events(*pairs: tuple[str, float]) -> list[Happening]:
    return [Happening(kind, at(hours), seq) for seq, (kind, hours) in enumerate(pairs)]


def test_a_late_in_transit_after_delivered_changes_nothing() -> None:
    history = events(("paid", 0), ("shipped", 1), ("delivered", 5), ("in_transit", 3))
    assert derive(history) == "delivered"


def test_customs_release_shows_in_transit_again() -> None:
    held = events(("shipped", 0), ("in_transit", 1), ("customs_hold", 2))
    assert derive(held) == "customs_hold"
    assert derive([*held, Happening("in_transit", at(3), 9)]) == "in_transit"


def test_a_delivery_problem_holds_until_something_happens_after_it() -> None:
    history = events(("shipped", 0), ("out_for_delivery", 2), ("exception", 3))
    assert derive(history) == "exception"
    assert derive([*history, Happening("out_for_delivery", at(4), 9)]) == "out_for_delivery"
    # A scan from before the problem, arriving late, does not clear it.
    assert derive([*history, Happening("in_transit", at(1), 9)]) == "exception"


def test_delivered_is_not_hidden_by_an_earlier_problem_reported_late() -> None:
    assert derive(events(("delivered", 5), ("exception", 3))) == "delivered"


def test_cancelled_and_refunded_are_final_refunded_first() -> None:
    assert derive(events(("paid", 0), ("cancelled", 1), ("shipped", 2))) == "cancelled"
    assert derive(events(("refunded", 1), ("cancelled", 2))) == "refunded"


def test_a_status_set_before_any_event_counts() -> None:
    assert derive([], "awaiting_payment") == "awaiting_payment"
    assert derive(events(("exception", 1)), "exception") == "exception"
    assert derive(events(("paid", 1)), "awaiting_payment") == "paid"


happenings = st.lists(
    st.tuples(st.sampled_from(EVENT_KINDS), st.integers(min_value=0, max_value=48)),
    min_size=1, max_size=12,
)


@given(happenings, st.randoms())
def test_arrival_order_never_matters(pairs: list[tuple[str, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    history = events(*pairs)
    shuffled = history[:]
    rnd.shuffle(shuffled)
    assert derive(history) == derive(shuffled)


@given(happenings, st.sampled_from([k for k in EVENT_KINDS if k in RANK]),
       st.integers(min_value=0, max_value=48))
def test_a_progress_event_never_moves_an_order_back(pairs, kind, hours) -> None:  # type: ignore[no-untyped-def]
    before = derive(events(*pairs))
    after = derive([*events(*pairs), Happening(kind, at(hours), 99)])
    if before in RANK and after in RANK:
        assert RANK[after] >= RANK[before]
    if before in ("cancelled", "refunded"):
        assert after == before


@given(happenings)
def test_deriving_again_from_the_derived_status_changes_nothing(pairs) -> None:  # type: ignore[no-untyped-def]
    history = events(*pairs)
    assert derive(history, derive(history)) == derive(history)
