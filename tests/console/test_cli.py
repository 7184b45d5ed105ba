"""`souk agent create`: a console account from the command line, the password from stdin."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.console.accounts import check_password
from bot.models import Agent, AuditEntry
from bot.runtime import Runtime

Souk = Callable[..., tuple[int, str, str]]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def souk(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Souk:
    """Run `souk ARGS` with `stdin` piped in; (exit code, stdout, stderr)."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        try:
            code = main(args)
        except SystemExit as exc:  # argparse: --help and usage errors
            code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run


def agents(rt: Any) -> list[Agent]:
    with rt.db.session() as s:
        return list(s.scalars(select(Agent)))


def test_creates_an_account_with_an_argon2_hash(rt: Runtime, souk: Souk) -> None:
    code, out, err = souk(["agent", "create", "Ana@Shop.example", "--role", "admin",
                           "--name", "Ana"], "a long passphrase\n")
    assert (code, out, err) == (0, "created admin ana@shop.example\n", "")
    [agent] = agents(rt)
    assert (agent.email, agent.role, agent.name) == ("ana@shop.example", "admin", "Ana")
    assert agent.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in agent.password_hash
    assert check_password("a long passphrase", agent.password_hash)
    with rt.db.session() as s:
        assert s.scalar(select(AuditEntry.action)) == "agent_create"


def test_the_role_defaults_to_agent(rt: Runtime, souk: Souk) -> None:
    assert souk(["agent", "create", "bo@shop.example"], "another passphrase")[0] == 0
    assert [a.role for a in agents(rt)] == ["agent"]


@pytest.mark.parametrize(("args", "stdin", "problem"), [
    (["agent", "create", "not-an-email"], "a long passphrase\n", "not an email address"),
    (["agent", "create", "ana@shop.example"], "short\n", "at least 10 characters"),
    (["agent", "create", "ana@shop.example"], "", "at least 10 characters"),
])
def test_bad_input_exits_2_with_one_line_and_stores_nothing(
        rt: Runtime, souk: Souk, args: list[str], stdin: str, problem: str) -> None:
    code, out, err = souk(args, stdin)
    assert code == 2
    assert problem in err and err.count("\n") == 1 and "Traceback" not in err
    assert agents(rt) == []


def test_a_second_account_for_one_email_is_refused(rt: Runtime, souk: Souk) -> None:
    assert souk(["agent", "create", "ana@shop.example"], "a long passphrase\n")[0] == 0
    code, _, err = souk(["agent", "create", "ANA@shop.example"], "another passphrase\n")
    assert code == 2 and "exists already" in err
    assert len(agents(rt)) == 1


def test_usage_errors_and_help(souk: Souk) -> None:
    assert souk(["agent", "create", "a@b.example", "--role", "owner"])[0] == 2
    assert souk(["agent", "create"])[0] == 2
    code, out, _ = souk(["agent", "create", "--help"])
    assert code == 0 and "password" in out and "--role" in out


def test_the_demo_shop_comes_with_an_admin_whose_password_is_shown_once(
        rt: Runtime, souk: Souk) -> None:
    code, out, _ = souk(["demo"])
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("console:"))
    password = line.split(" with password ")[1].split(" ")[0]
    [agent] = agents(rt)
    assert (agent.email, agent.role) == ("demo@souk.example", "admin")
    assert check_password(password, agent.password_hash)
    code, out, _ = souk(["demo"])
    assert "exists already" in out and password not in out
