"""Transition tables: rows read top to bottom, the first matching row wins.

    T(state, on, guard, next, *effects)

`state` and `on` may be ANY; `guard` is a pure predicate or None; `next` may be
SAME; each effect is a pure function (Context, Event) -> actions. `check()` proves
a table sound when it is defined: every state reachable, none a trap, and every
state answers STOP, HELP and a request for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from flows.types import Action, Choice, Context, Event, Intent, Msgid, Say

ANY = "*"
SAME = "="

Guard = Callable[[Context, Event], bool]
Effect = Callable[[Context, Event], Iterable[Action]]


@dataclass(frozen=True, slots=True)
class T:
    """One row of a transition table."""

    state: str
    on: Intent | str
    guard: Guard | None
    next: str
    effects: tuple[Effect, ...]

    def __init__(
        self, state: str, on: Intent | str, guard: Guard | None, next: str, *effects: Effect
    ) -> None:
        object.__setattr__(self, "state", state)
        object.__setattr__(self, "on", on)
        object.__setattr__(self, "guard", guard)
        object.__setattr__(self, "next", next)
        object.__setattr__(self, "effects", effects)

    def matches(self, ctx: Context, event: Event) -> bool:
        return (
            (self.state == ANY or self.state == ctx.state)
            and (self.on == ANY or self.on == event.intent)
            and (self.guard is None or self.guard(ctx, event))
        )


@dataclass(frozen=True, slots=True)
class Step:
    """Where a table leads for one event: the next state and the actions to perform."""

    state: str
    actions: tuple[Action, ...]


def run(table: Sequence[T], ctx: Context, event: Event) -> Step:
    """Apply the first row that matches; with none, stay and do nothing."""
    for row in table:
        if row.matches(ctx, event):
            actions = tuple(a for effect in row.effects for a in effect(ctx, event))
            return Step(ctx.state if row.next == SAME else row.next, actions)
    return Step(ctx.state, ())


def say(msgid: Msgid, *options: Choice, **params: object) -> Effect:
    """An effect that says one message, with options."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        return (Say(msgid, params, options),)

    first = msgid if isinstance(msgid, str) else msgid[0]
    effect.__name__ = f"say({first[:20]!r})"
    return effect


def do(*actions: Action) -> Effect:
    """An effect that performs fixed actions."""

    def effect(ctx: Context, event: Event) -> Iterable[Action]:
        return actions

    return effect


class TableError(ValueError):
    """A transition table that cannot work: unreachable states, traps, unanswered intents."""


MUST_ANSWER = (Intent.STOP, Intent.HELP, Intent.HUMAN)


def check(table: Sequence[T], states: Iterable[str], start: str) -> None:
    """Raise TableError unless every state is reachable, escapable and answers the musts."""
    states = set(states)
    problems: list[str] = []
    for row in table:
        for s in (row.state, row.next):
            if s not in states and s not in (ANY, SAME):
                problems.append(f"row {row} names unknown state {s!r}")
    edges: dict[str, set[str]] = {s: set() for s in states}
    for row in table:
        sources = states if row.state == ANY else {row.state}
        for src in sources & edges.keys():
            target = src if row.next == SAME else row.next
            if target in states:  # an unknown one is reported above
                edges[src].add(target)
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    problems += [f"state {s!r} is unreachable from {start!r}" for s in sorted(states - seen)]
    problems += [f"state {s!r} is a trap" for s in sorted(states) if edges[s] <= {s} and s != start]
    for s in sorted(states):
        for intent in MUST_ANSWER:
            # A row made for the intent must answer it before any catch-all row can:
            # the fallback's "Sorry, I didn't understand" is no answer to STOP.
            for r in table:
                if r.state not in (ANY, s) or r.on not in (ANY, intent):
                    continue
                if r.on == ANY:
                    if r.guard is not None:
                        # A guarded catch-all (a valid address is an answer even when it
                        # reads "Help Street") lets everything else through.
                        continue
                    problems.append(f"state {s!r} does not answer {intent.value}: a row "
                                    f"for any message to {r.state!r} comes first")
                    break
                if r.guard is None:
                    break
            else:
                problems.append(f"state {s!r} does not answer {intent.value}")
    if problems:
        raise TableError("; ".join(problems))
