"""An order's status, derived from its events so that arrival order never matters.

Carriers and merchants' systems report late and twice. The status is therefore a
function of the set of events, not of the order they arrived in:

- progress events have a rank: paid < shipped < in_transit = customs_hold <
  out_for_delivery < delivered. The highest rank wins; between equal ranks the later
  `occurred_at` wins (in_transit after customs_hold means customs released it). A
  late `in_transit` after `delivered` changes nothing.
- `exception` (a delivery problem) holds while nothing happened after it: it shows
  unless the order is delivered or a progress event occurred later.
- `cancelled` and `refunded` are final, refunded over cancelled, whatever their time.
- the statuses an order has before any event (pending, awaiting_payment) or that its
  creator set directly count as a progress event at the beginning of time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

EVENT_KINDS = (
    "paid",
    "shipped",
    "in_transit",
    "customs_hold",
    "out_for_delivery",
    "delivered",
    "exception",
    "cancelled",
    "refunded",
)
RANK = {
    "pending": 0,
    "awaiting_payment": 0,
    "paid": 1,
    "shipped": 2,
    "in_transit": 3,
    "customs_hold": 3,
    "out_for_delivery": 4,
    "delivered": 5,
}
FINAL = ("refunded", "cancelled")  # in precedence order
# Orders still on their way: a shopper asking "where is my order?" means one of these.
OPEN = frozenset({"pending", "awaiting_payment", "paid", "shipped", "in_transit",
                  "customs_hold", "out_for_delivery", "exception"})
_DAWN = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Happening:
    """The parts of an order event the status depends on."""

    kind: str
    occurred_at: datetime
    seq: int = 0  # arrival order, only to break exact ties deterministically


def derive(events: Iterable[Happening], current: str = "pending") -> str:
    """The status an order with these events has; `current` is what it had before any."""
    happened = list(events)
    kinds = {e.kind for e in happened}
    for final in FINAL:
        if final in kinds or current == final:
            return final
    progress = [e for e in happened if e.kind in RANK]
    progress.append(Happening(current if current in RANK else "pending", _DAWN, -1))
    best = max(progress, key=lambda e: (RANK[e.kind], e.occurred_at, e.seq))
    problems = [e for e in happened if e.kind == "exception"]
    if problems and best.kind != "delivered":
        latest = max(problems, key=lambda e: (e.occurred_at, e.seq))
        after = [e for e in progress if (e.occurred_at, e.seq) > (latest.occurred_at, latest.seq)]
        if not after:
            return "exception"
    return best.kind
