"""The `souk` command: every --help, one clear line for every mistake, and the real
processes a newcomer runs first: `souk serve` in embedded mode and `souk chat`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bot.cli import build_parser, main
from tests.processes import SoukProcess

# What a bare machine has: no REDIS_URL, no provider credentials.
LOCAL = {"SOUK_ENV": "development", "LOG_LEVEL": "INFO"}
UNSET = ("REDIS_URL", "DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
         "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PORT", "SHOP_CONFIG", "SECRET_KEY",
         "LOG_LEVEL", "PUBLIC_BASE_URL")


def commands(parser: argparse.ArgumentParser | None = None,
             prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand the parser knows, e.g. ("db", "upgrade")."""
    parser = parser or build_parser()
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*prefix, name))


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This test's environment as a bare machine's, run from an empty folder."""
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own exits: --help and usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", list(commands()), ids=lambda c: " ".join(c) or "souk")
def test_every_command_explains_itself_with_help(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*command, "--help"], capsys)
    assert code == 0
    assert out.startswith(f"usage: souk {' '.join(command)}".rstrip()), out
    assert err == ""


@pytest.mark.parametrize(("argv", "env", "says"), [
    ([], {}, "the following arguments are required: COMMAND"),
    (["sell"], {}, "invalid choice: 'sell'"),
    (["serve", "--port", "http"], {}, "not a port number: 'http'"),
    (["serve", "--port", "70000"], {}, "not a port number: '70000'"),
    (["serve", "--bind", "0.0.0.0"], {}, "unrecognized arguments: --bind"),
    (["serve"], {"PORT": "eighty"}, "PORT must be a port number, got 'eighty'"),
    (["chat", "--channel", "fax"], {}, "invalid choice: 'fax'"),
    (["chat", "--as", "+55 11 98765"], {}, "--as: not an E.164 phone number"),
    (["chat", "--channel", "telegram", "--as", "ana"], {}, "--as: not a Telegram chat id"),
    (["chat", "--as", "web:sms:+14155550100"], {}, "--as takes a shopper's address"),
    (["worker"], {}, "the worker needs REDIS_URL"),
    (["db"], {}, "the following arguments are required: COMMAND"),
    (["apikey", "create", "erp"], {}, "the following arguments are required: --scope"),
    (["db", "upgrade"], {"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or"),
    (["db", "upgrade"], {"DATABASE_URL": "mysql://db/souk"}, "DATABASE_URL must be a sqlite"),
    (["serve"], {"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
])
def test_a_mistake_is_exit_2_and_one_line_saying_what_is_wrong(
    argv: list[str], env: dict[str, str], says: str, bare: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("souk") and says in line, err
    assert list(bare.iterdir()) == []  # a mistake changes nothing, not even a souk.db


def test_the_console_script_and_python_m_bot_are_the_same_command() -> None:
    script = Path(sys.executable).with_name("souk")
    for argv in ([str(script)], [sys.executable, "-m", "bot"]):
        result = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0
        assert "chat" in result.stdout and "worker" in result.stdout
        bad = subprocess.run([*argv, "frobnicate"], capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


# -- the processes ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.mark.slow
def test_souk_serve_with_no_settings_runs_everything_in_one_process(
    bare: Path, tmp_path: Path
) -> None:
    port = free_port()
    server = SoukProcess(["serve", "--port", str(port)], LOCAL, tmp_path / "serve.log")
    try:
        server.wait_for_output("embedded mode (no REDIS_URL)", timeout=30)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:  # gunicorn may log before it listens
            try:
                status, page = 0, urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert b"souk" in page and b"simulator.js" in page
        address = "sms:+14155550123"
        status, _ = http("POST", base + "/simulator/api/messages",
                         {"address": address, "text": "hello!"})
        assert status == 202
        reply = None
        while reply is None and time.monotonic() < deadline + 10:
            status, data = http("GET", f"{base}/simulator/api/messages?address={quote(address)}")
            assert status == 200
            replies = [m for m in data["messages"] if m["direction"] == "out"]
            reply = replies[0] if replies else time.sleep(0.1)
        assert reply is not None, server.output
        assert reply["status"] == "delivered"
        assert reply["parts"] == [{"body": "Hi! Welcome to Souk Demo Shop. How can I help you "
                                           "today?\n\n1. Shop\n2. Track an order\n"
                                           "3. Talk to a person\n4. Language"}]
        assert (tmp_path / "souk.db").is_file()  # SQLite, in the folder it ran from
        assert "+14155550123" not in server.output  # logs mask the shopper's number
    finally:
        assert server.stop() in (0, -15), server.output


@pytest.mark.slow
def test_souk_chat_talks_to_the_bot_through_stdin(bare: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--channel", "telegram", "--as", "4242"],
        input="hello!\nhelp\n", capture_output=True, text=True, timeout=90,
        env={k: v for k, v in os.environ.items() if k not in UNSET},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Chatting as telegram:4242 on telegram. Ctrl-D to quit."
    assert "you> hello!" in lines
    assert "bot> Hi! Welcome to Souk Demo Shop. How can I help you today?" in lines
    assert "     [Shop]  [Track an order]  [Talk to a person]  [Language]" in lines
    assert any(line.startswith("bot> Souk Demo Shop: I can find products") for line in lines)
    assert result.stderr == ""  # the terminal is left to the conversation


# -- the README's promise ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_quick_start_is_two_commands_and_ci_runs_its_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", quick_start, re.S)
    commands = [line.partition("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./dev run", "./dev test"]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-2:] == ["export CI=true", "exec ./dev test"]
