"""What catalog file readers produce: rows by line, and the report of an import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import InputError


class CatalogFileError(InputError):
    """A catalog file that cannot be read at all: nothing was imported."""


@dataclass(frozen=True, slots=True)
class Row:
    """One product read from a file, or why the lines it came from are unusable."""

    line: int
    data: dict[str, Any] | None
    problems: tuple[str, ...] = ()


@dataclass
class Report:
    """What an import did, and the problems of the rows it skipped (by line)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def skip(self, line: int, problems: Iterable[str]) -> None:
        """Count a skipped row and keep its problems, each prefixed with its line."""
        self.skipped += 1
        self.problems.extend(f"line {line}: {p}" for p in problems)

    def summary(self) -> str:
        """The counts in one line: "created 2, updated 0, unchanged 1, skipped 1"."""
        return (f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
                f"skipped {self.skipped}")
