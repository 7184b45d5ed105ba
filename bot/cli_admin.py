"""`souk customer export|erase` and `souk audit`: a shopper's data and the audit log.

Kept apart from bot/cli.py, which registers these commands through `add_commands`.
Errors follow the CLI's rule: one clear line on stderr and exit 2 for a user mistake.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

# The CLI's one settings loader (it also sets up redacted logging).
from bot.cli import UsageError, _settings
from bot.db import Database
from channels.base import Address

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _find(db: Database, address: str) -> tuple[int, Address]:
    """The customer id behind `address`; UsageError for a malformed or unknown one."""
    from bot.privacy import find_customer

    try:
        where = Address.parse(address)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with db.session() as s:
        customer = find_customer(s, str(where))
        if customer is None:
            raise UsageError(f"no shopper with the address {where.masked()}")
        return customer.id, where


def cmd_customer_export(args: argparse.Namespace) -> int:
    """Print everything stored about a shopper as JSON (audited)."""
    from bot import audit
    from bot.models import Customer
    from bot.privacy import export

    db = Database(_settings().database_url)
    customer_id, _ = _find(db, args.address)
    with db.session() as s:
        customer = s.get(Customer, customer_id)
        if customer is None:  # erased and gone between the two reads
            raise UsageError(f"no shopper with the address {args.address}")
        data = export(s, customer)
        audit.record(s, "cli", "customer.export", f"customer:{customer_id}")
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def cmd_customer_erase(args: argparse.Namespace) -> int:
    """Erase a shopper's personal data; orders are kept, anonymised (audited)."""
    from bot.privacy import erase
    from bot.runtime import Runtime

    rt = Runtime.from_settings(_settings())
    customer_id, where = _find(rt.db, args.address)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("not on a terminal: pass --yes to erase without a prompt")
        typed = input(f"Erase {where.masked()} for good? Type the address again: ").strip()
        if typed != str(where) and typed != args.address.strip():
            raise UsageError("the address typed does not match; nothing was erased")
    result = erase(rt, customer_id, actor="cli")
    print(json.dumps(result.to_json()))
    return 0


def _when(text: str) -> datetime:
    """An ISO 8601 time with its zone, for --since and --until."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, e.g. {text}Z or {text}+00:00")
    return value


def cmd_audit(args: argparse.Namespace) -> int:
    """Print audit log entries, newest first, one JSON object a line."""
    from bot import audit

    db = Database(_settings().database_url)
    with db.session() as s:
        found = audit.entries(s, action=args.action, actor=args.actor, target=args.target,
                              since=args.since, until=args.until, before_id=args.before,
                              limit=args.limit)
        for entry in found:
            print(json.dumps(audit.to_json(entry), ensure_ascii=False))
    return 0


def add_commands(sub: Any, add: Add) -> None:
    """Register `customer export`, `customer erase` and `audit` on the `souk` parser."""
    customer = sub.add_parser("customer", help="a shopper's data: export, erase",
                              description="a shopper's data: export, erase")
    customer_sub = customer.add_subparsers(dest="customer_command", metavar="COMMAND")
    customer_sub.required = True
    p = customer_sub.add_parser("export", help="print everything stored about a shopper as JSON",
                                description="print everything stored about a shopper as JSON "
                                            "(the export is audited)")
    p.add_argument("address", help="the shopper's address, e.g. whatsapp:+5511987654321")
    p.set_defaults(func=cmd_customer_export)
    p = customer_sub.add_parser(
        "erase", help="erase a shopper's personal data (orders kept, anonymised)",
        description="erase a shopper's personal data: name, addresses, message texts, "
                    "order shipping details, cart and conversation state; orders are kept, "
                    "anonymised. Asks to type the address again unless --yes is given "
                    "(required when not on a terminal). The erasure is audited.")
    p.add_argument("address", help="the shopper's address, e.g. whatsapp:+5511987654321")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_customer_erase)

    p = add("audit", cmd_audit, "print the audit log, newest first (one JSON object a line)")
    p.add_argument("--action", help="an action, or a prefix ending in a dot (consent.)")
    p.add_argument("--actor", help="e.g. apikey:erp, agent:3, cli, shopper")
    p.add_argument("--target", help="e.g. customer:12")
    p.add_argument("--since", type=_when, help="ISO 8601 time with a zone, inclusive")
    p.add_argument("--until", type=_when, help="ISO 8601 time with a zone, exclusive")
    p.add_argument("--before", type=int, metavar="ID", help="entries older than this id")
    p.add_argument("--limit", type=int, default=100, help="at most this many (max 500)")
