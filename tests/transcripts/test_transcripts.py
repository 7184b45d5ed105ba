"""Replays every golden transcript in this folder on its channel (see replay.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

import tests.transcripts.directives_orders  # noqa: F401  (registers its `!` steps)
from tests.transcripts.replay import DIRECTORY, Replay, load

FILES = sorted(DIRECTORY.glob("*.txt"))


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Transcripts run on SQLite; the pipeline's own tests cover PostgreSQL."""
    return sqlite_url


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(path: Path, rt, client, fake_twilio, fake_telegram, request):  # type: ignore[no-untyped-def]
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
