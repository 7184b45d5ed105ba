"""Export and erasure, through the API and the CLI, on SQLite and PostgreSQL.

After an erasure the shopper's phone number and what they wrote are found nowhere:
not in any table, not in Redis, not in the log file written while it all happened.
The orders stay, anonymised, for the merchant's books.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from bot import cli, consent
from bot.api import SCOPES
from bot.api.keys import create_key
from bot.models import (
    AuditEntry,
    Cart,
    CartItem,
    Conversation,
    Customer,
    Order,
    OrderEvent,
    OrderItem,
    Product,
)
from tests.support import run_jobs
from tests.trust.shoppers import Shopper
from tests.trust.traces import database_text, log_file, redis_bytes

PHONE = "+5511987654321"
SECRET_TEXT = "my gate code is 4417-Zebra and I live at Rua Augusta 1500"
STREET = "Rua Augusta 1500, apto 42"


@pytest.fixture
def key(rt) -> str:  # type: ignore[no-untyped-def]
    return create_key(rt.db, "erp", list(SCOPES))


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def shop_with_history(rt, client, fake_twilio, fake_telegram) -> Shopper:  # type: ignore[no-untyped-def]
    """A WhatsApp shopper who chatted, stopped, came back, ordered and filled a cart."""
    sh = Shopper(rt, client, "whatsapp", fake_twilio, fake_telegram, ident=PHONE)
    for text in ("hi", SECRET_TEXT, "STOP", "START"):
        sh.write(text)
        run_jobs(rt)
    conversation_id, customer_id = sh.conversation_id(), sh.customer_id()
    with rt.db.session() as s:
        consent.record(s, customer_id, "order_updates", True, source="checkout",
                       proof="order 1042")
        product = Product(sku="TENT-2P", title={"en": "Tent"}, price=Decimal("120.00"),
                          currency="USD")
        s.add(product)
        s.flush()
        s.add(Order(number="1042", customer_id=customer_id, conversation_id=conversation_id,
                    address=f"whatsapp:{PHONE}", status="shipped", currency="BRL",
                    base_currency="USD", subtotal_minor=61200, shipping_minor=9690,
                    total_minor=70890, shipping_name="Ana Souza",
                    shipping_address={"line1": STREET, "city": "São Paulo",
                                      "phone": PHONE},
                    email="ana.souza@example.com", carrier="Correios",
                    tracking_number="BR123456789",
                    items=[OrderItem(sku="TENT-2P", title="Tent", quantity=1,
                                     unit_minor=61200)],
                    events=[OrderEvent(kind="shipped", carrier="Correios",
                                       note=f"call {PHONE} at the gate")]))
        s.add(Cart(customer_id=customer_id, items=[CartItem(product_id=product.id,
                                                            quantity=2)]))
    return sh


def test_export_holds_everything_and_the_cli_prints_the_same(rt, client, key, fake_twilio,  # type: ignore[no-untyped-def]
                                                             fake_telegram, env, monkeypatch,
                                                             capsys):
    sh = shop_with_history(rt, client, fake_twilio, fake_telegram)
    response = client.get(f"/api/v1/customers/whatsapp:{PHONE}/export", headers=auth(key))
    assert response.status_code == 200, response.json
    data = response.json
    assert data["format"] == "souk.customer-export/1"
    assert data["customer"]["name"] == "Ana"
    assert [a["address"] for a in data["addresses"]] == [f"whatsapp:{PHONE}"]
    [conv] = data["conversations"]
    texts = [m["text"] for m in conv["messages"] if m["direction"] == "in"]
    assert texts == ["hi", SECRET_TEXT, "STOP", "START"]
    sent = [m["text"] for m in conv["messages"] if m["direction"] == "out"]
    assert len(sent) == 4 and "Souk Demo Shop" in sent[0]
    ledger = data["consent"]["ledger"]
    assert [(e["topic"], e["granted"], e["source"]) for e in ledger] == [
        ("all", False, "shopper"), ("all", True, "shopper"),
        ("order_updates", True, "checkout")]
    assert data["consent"]["current"]["allowed"] == {"order_updates": True, "marketing": False}
    [order] = data["orders"]
    assert order["shipping_address"]["line1"] == STREET and order["total_minor"] == 70890
    assert data["cart"]["items"] == [{"sku": "TENT-2P", "quantity": 2}]

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["customer", "export", f"whatsapp:{PHONE}"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {**printed, "exported_at": None} == {**data, "exported_at": None}
    target = f"customer:{sh.customer_id()}"
    with rt.db.session() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "customer.export"))
        assert [(a.actor, a.target) for a in audited] == [("apikey:erp", target),
                                                           ("cli", target)]


def test_erasure_leaves_no_trace_in_sql_redis_or_logs(rt, client, key, fake_twilio,  # type: ignore[no-untyped-def]
                                                      fake_telegram, tmp_path):
    if rt.db.engine.dialect.name == "sqlite":
        # Many SQLite builds zero freed space by default; erasure must not rely on that.
        event.listen(rt.db.engine, "connect",
                     lambda conn, _: conn.execute("PRAGMA secure_delete = OFF"))
    with log_file(tmp_path / "souk.log", rt.settings.secret_values()) as path:
        sh = shop_with_history(rt, client, fake_twilio, fake_telegram)
        customer_id, conversation_id = sh.customer_id(), sh.conversation_id()
        assert rt.redis.exists(rt.state.key(conversation_id))
        pending = sh.push("Your order was delivered.", send=False)  # not sent yet
        response = client.delete(f"/api/v1/customers/whatsapp:{PHONE}", headers=auth(key))
        assert response.status_code == 200, response.json
        assert response.json["customer_id"] == customer_id
        run_jobs(rt)  # nothing left to do for the erased conversation
    logged = path.read_text(encoding="utf-8")
    assert "processed conversation" in logged  # the log did record the conversation
    for trace in (PHONE, PHONE[1:], SECRET_TEXT, "4417-Zebra", STREET, "ana.souza", "Souza"):
        assert trace not in database_text(rt), trace
        assert trace.encode() not in redis_bytes(rt.redis), trace
        assert trace not in logged, trace
    assert not rt.redis.exists(rt.state.key(conversation_id))
    if rt.db.engine.dialect.name == "sqlite":  # not even in the file's free pages
        files = Path(rt.settings.database_url.removeprefix("sqlite:///")).parent.glob("souk.db*")
        raw = b"".join(f.read_bytes() for f in files)
        for trace in (PHONE, SECRET_TEXT, STREET):
            assert trace.encode() not in raw, trace

    with rt.db.session() as s:
        order = s.scalar(select(Order).where(Order.number == "1042"))
        assert (order.total_minor, order.status, len(order.items)) == (70890, "shipped", 1)
        assert order.customer_id == customer_id and order.tracking_number == "BR123456789"
        assert s.get(Customer, customer_id).erased_at is not None
        assert s.scalar(select(Cart).where(Cart.customer_id == customer_id)) is None
        assert s.get(Conversation, conversation_id).address.startswith("erased:")
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "customer.erase"))
        assert (entry.actor, entry.target) == ("apikey:erp", f"customer:{customer_id}")
    assert sh.message(pending).status == "dropped"
    # The same number writing again is a new shopper, with nothing of the old one.
    sh.write("hello again")
    run_jobs(rt)
    assert sh.customer_id() != customer_id


def test_erasing_again_finds_no_one(rt, client, key, fake_twilio, fake_telegram):  # type: ignore[no-untyped-def]
    shop_with_history(rt, client, fake_twilio, fake_telegram)
    url = f"/api/v1/customers/whatsapp:{PHONE}"
    assert client.delete(url, headers=auth(key)).status_code == 200
    second = client.delete(url, headers=auth(key))
    assert second.status_code == 404
    assert second.json["error"]["code"] == "not_found"
    assert PHONE not in second.get_data(as_text=True)  # the answer masks the number


@pytest.mark.parametrize(("method", "path", "scopes", "status", "code"), [
    ("get", "/api/v1/customers/whatsapp:+5511987654321/export", None, 401, "unauthorized"),
    ("delete", "/api/v1/customers/whatsapp:+5511987654321", ["customers"], 403, "forbidden"),
    ("get", "/api/v1/customers/not-an-address/export", ["privacy"], 400, "invalid_address"),
    ("delete", "/api/v1/customers/sms:12", ["privacy"], 400, "invalid_address"),
    ("get", "/api/v1/customers/telegram:777/export", ["privacy"], 404, "not_found"),
])
def test_bad_privacy_requests_change_nothing(rt, client, method, path, scopes, status, code):  # type: ignore[no-untyped-def]
    headers = auth(create_key(rt.db, "limited", scopes)) if scopes else {}
    before = database_text(rt)
    response = getattr(client, method)(path, headers=headers)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    after = database_text(rt)
    # Only the key's own bookkeeping (last use, the audit entry of its use) may change.
    assert [line for line in after.splitlines() if not line.startswith(("api_keys", "audit"))] \
        == [line for line in before.splitlines() if not line.startswith(("api_keys", "audit"))]


def run_cli(env: dict[str, str], monkeypatch: Any, *argv: str) -> int:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return cli.main(list(argv))


def test_cli_erase_is_scriptable_and_refuses_without_yes(rt, client, env, monkeypatch, capsys,  # type: ignore[no-untyped-def]
                                                         fake_twilio, fake_telegram):
    shop_with_history(rt, client, fake_twilio, fake_telegram)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"whatsapp:{PHONE}\n"))  # not a terminal
    assert run_cli(env, monkeypatch, "customer", "erase", f"whatsapp:{PHONE}") == 2
    assert "--yes" in capsys.readouterr().err
    assert run_cli(env, monkeypatch, "customer", "erase", "whatsapp:12") == 2
    assert "not an E.164" in capsys.readouterr().err
    assert run_cli(env, monkeypatch, "customer", "erase", "sms:+14155550000", "--yes") == 2
    assert "no shopper" in capsys.readouterr().err
    assert run_cli(env, monkeypatch, "customer", "erase", f"whatsapp:{PHONE}", "--yes") == 0
    assert json.loads(capsys.readouterr().out)["orders"] == 1
    assert PHONE not in database_text(rt)
    with rt.db.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "customer.erase"))
        assert entry.actor == "cli"
