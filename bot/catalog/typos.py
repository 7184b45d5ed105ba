"""Typo tolerance: the known words closest to a word the catalog does not hold.

A deletion index (the SymSpell idea): every known word is stored under itself with
one letter removed, so a word one edit away (a letter missing, extra, wrong or two
letters swapped) shares a key with it and is found by a few dictionary lookups
instead of a scan of the vocabulary. Long words may be two edits away; their
second deletions are looked up too. Every candidate is then checked with the true
edit distance.

    short words (< 4 letters)   no correction: "bag" must not become "bat"
    4-7 letters                 1 edit: "jaket" → "jacket", "mochilla" → "mochila"
    8 letters and more          2 edits: "impermiabel" → "impermeable"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_LENGTH = 4
TWO_EDITS_FROM = 8


def max_edits(word: str) -> int:
    """How many edits a word of this length may be away from the one meant."""
    if len(word) < MIN_LENGTH:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM else 1


def deletions(word: str) -> set[str]:
    """`word` with one letter removed, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance with swaps of neighbours (optimal string alignment), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class TypoIndex:
    """Known words, and each of them under every one-letter deletion of it.

    `base` is another index consulted too: the lexicon's words, built once per process
    and shared by every catalog's index.
    """

    words: frozenset[str] = frozenset()
    by_deletion: dict[str, list[str]] = field(default_factory=dict)
    base: TypoIndex | None = None

    @classmethod
    def build(cls, words: Iterable[str], far: Iterable[str] = (),
              base: TypoIndex | None = None) -> TypoIndex:
        """Index `words`, and `far` words whose long ones are also stored two deletions deep.

        A word stored one deletion deep is found when the typo is an edit on the
        query's side plus at most one on its own (most typos); two deep, also when
        both sides need two (a wrong letter and a missing one: "headfones").
        """
        far = frozenset(w for w in far if w.isalpha())
        known = frozenset(w for w in (*words, *far) if len(w) >= MIN_LENGTH - 1 and w.isalpha())
        by_deletion: dict[str, list[str]] = {}
        for word in known:
            keys = deletions(word)
            if word in far and len(word) >= TWO_EDITS_FROM:
                keys |= {d2 for d in keys for d2 in deletions(d)}
            for key in keys:
                by_deletion.setdefault(key, []).append(word)
        return cls(known, by_deletion, base)

    def lookup(self, word: str) -> list[str]:
        """The known words nearest to `word` within its allowed edits, best first.

        Empty when the word is known as it is or nothing is near enough.
        """
        limit = max_edits(word)
        if not limit or word in self.words or (self.base and word in self.base.words):
            return []
        keys = {word} | deletions(word)
        if limit > 1:
            keys |= {d2 for d in deletions(word) for d2 in deletions(d)}
        candidates: set[str] = set()
        for index in (self, self.base) if self.base else (self,):
            for key in keys:
                if key in index.words:
                    candidates.add(key)
                candidates.update(index.by_deletion.get(key, ()))
        scored = sorted(
            (d, c) for c in candidates if (d := distance(word, c, limit)) <= limit
        )
        if not scored:
            return []
        nearest = scored[0][0]
        return [c for d, c in scored if d == nearest]
