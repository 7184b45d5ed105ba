"""The audit log: written with the change it records, readable with filters and pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot import audit, cli
from bot.models import utcnow


def test_entries_filter_and_page_newest_first(rt):  # type: ignore[no-untyped-def]
    start = utcnow()
    with rt.db.session() as s:
        for n in range(5):
            audit.record(s, f"agent:{n % 2}", "conversation.takeover", f"conversation:{n}",
                         "203.0.113.7", at=start + timedelta(seconds=n))
        audit.record(s, "apikey:erp", "consent.opt_out", "customer:9", at=start)
    with rt.db.session() as s:
        page = audit.entries(s, action="conversation.takeover", limit=2)
        assert [e.target for e in page] == ["conversation:4", "conversation:3"]
        more = audit.entries(s, action="conversation.takeover", before_id=page[-1].id)
        assert [e.target for e in more] == ["conversation:2", "conversation:1", "conversation:0"]
        assert [e.actor for e in audit.entries(s, action="consent.")] == ["apikey:erp"]
        mine = audit.entries(s, actor="agent:1", since=start + timedelta(seconds=2))
        assert [e.target for e in mine] == ["conversation:3"]
        assert len(audit.entries(s, action=["consent.opt_out", "conversation.takeover"])) == 6
        assert audit.to_json(page[0])["ip"] == "203.0.113.7"


def test_an_entry_needs_an_actor_and_an_action(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as s, pytest.raises(ValueError):
        audit.record(s, "", "customer.erase")


def test_souk_audit_prints_json_lines(rt, env, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        audit.record(s, "cli", "customer.export", "customer:1")
        audit.record(s, "apikey:erp", "apikey.use", "customers.put_consent")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["audit", "--action", "customer.export"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["target"] == "customer:1"
    with pytest.raises(SystemExit) as bad:
        cli.main(["audit", "--since", "last tuesday"])
    assert bad.value.code == 2
    assert "not an ISO 8601 time" in capsys.readouterr().err
