"""Replays every golden transcript in this folder on its channel (see replay.py)."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.transcripts import (
    directives_checkout,  # noqa: F401 - registers its directives
    directives_orders,  # noqa: F401 - registers its directives
    directives_spine,  # noqa: F401 - registers its directives
)
from tests.transcripts.replay import DIRECTORY, Replay, load

FILES = sorted(DIRECTORY.glob("*.txt"))
# A Wednesday at 10:00 in the demo shop's time zone: open hours, no quiet hours.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Transcripts run on SQLite; the pipeline's own tests cover PostgreSQL."""
    return sqlite_url


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(path: Path, rt, client, fake_twilio, fake_telegram, request):  # type: ignore[no-untyped-def]
    rt.clock = lambda: NOW
    transcript = load(path)
    actual = Replay(transcript, rt, client, fake_twilio, fake_telegram).run()
    expected = path.read_text(encoding="utf-8")
    if actual == expected:
        return
    if request.config.getoption("--update-goldens"):
        path.write_text(actual, encoding="utf-8")
        return
    diff = "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"{path.name} (golden)", tofile=f"{path.name} (this run)"))
    pytest.fail(f"transcript differs; rerun with --update-goldens if intended:\n{diff}",
                pytrace=False)
