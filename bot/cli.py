"""The `souk` command (also `python -m bot`).

Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. Errors are one
clear line on stderr, never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot import redact
from bot.errors import ConfigError, InputError, SoukError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db import Database
    from channels.base import Address

log = logging.getLogger("souk")


class UsageError(SoukError):
    """Bad usage or bad input: exit 2."""


FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Libraries whose request logs would print phone numbers and bodies at INFO or DEBUG.
NOISY = ("httpx", "httpcore", "twilio.http_client", "urllib3", "telegram", "rq.worker")


def setup_logging(level: str, secrets: Iterable[str] = (),
                  handler: logging.Handler | None = None) -> None:
    """Log at `level` to stderr (or `handler`), every line masked by bot/redact.py.

    Phone numbers, chat ids, card numbers and the given secrets are masked at every
    level, whoever logs them; noisy libraries stay at WARNING or above.
    """
    root = logging.getLogger()
    if handler is not None:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        root.setLevel(level)
    else:
        logging.basicConfig(level=level, format=FORMAT, stream=sys.stderr)
    for each in root.handlers:
        redact.install(each, secrets)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def _settings() -> Settings:
    from bot.config import Settings

    settings = Settings.from_env()
    setup_logging(settings.log_level, settings.secret_values())
    return settings


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app under gunicorn (one process with a worker thread in embedded mode)."""
    from bot.server import serve

    settings = _settings()
    if settings.secret_key_generated:
        log.warning("SECRET_KEY is not set: using a random key, so sessions end at restart")
    port = args.port or int(os.environ.get("PORT", "8000"))
    serve(settings, args.host, port)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run an RQ worker on every souk queue, with the scheduler and the sweeper."""
    from bot.runtime import Runtime, install
    from workers.runner import run_worker

    settings = _settings()
    if settings.embedded:
        raise UsageError(
            "souk worker needs REDIS_URL: in embedded mode `souk serve` runs the jobs itself"
        )
    rt = Runtime.from_settings(settings)
    install(rt)
    run_worker(rt, burst=args.burst)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Chat with the bot in the terminal as a shopper."""
    from bot.terminal import chat

    settings = _settings()
    return chat(settings, args.channel, args.as_)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply database migrations."""
    from bot.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo shop (idempotent)."""
    from bot.demo_data import load_demo
    from bot.runtime import Runtime

    settings = _settings()
    rt = Runtime.from_settings(settings)
    for line in load_demo(rt):
        print(line)
    return 0


def cmd_apikey_create(args: argparse.Namespace) -> int:
    """Create a merchant API key and print it once."""
    from bot.api.keys import create_key
    from bot.db import Database

    settings = _settings()
    key = create_key(Database(settings.database_url), args.name, args.scope or [])
    print(key)
    print("Store this key now: souk keeps only its hash and cannot show it again.",
          file=sys.stderr)
    return 0


def _find(db: Database, address: str) -> tuple[int, Address]:
    """The customer id behind `address`; UsageError for a malformed or unknown one."""
    from bot.privacy import find_customer
    from channels.base import Address

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
    from bot.db import Database
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
    from bot.db import Database

    db = Database(_settings().database_url)
    with db.session() as s:
        found = audit.entries(s, action=args.action, actor=args.actor, target=args.target,
                              since=args.since, until=args.until, before_id=args.before,
                              limit=args.limit)
        for entry in found:
            print(json.dumps(audit.to_json(entry), ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="souk",
        description="Conversational commerce for WhatsApp, Telegram and SMS.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str
            ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("serve", cmd_serve, "run the web app: webhooks, simulator, console, API")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default $PORT or 8000)")

    p = add("worker", cmd_worker, "run an RQ worker for all souk queues, with the scheduler")
    p.add_argument("--burst", action="store_true", help="quit when the queues are empty")

    p = add("chat", cmd_chat, "chat with the bot in the terminal, as a shopper")
    p.add_argument("--channel", choices=("whatsapp", "telegram", "sms"), default="whatsapp")
    p.add_argument("--as", dest="as_", metavar="ADDRESS",
                   help="the shopper's address, e.g. whatsapp:+5511987654321 or telegram:42")

    db = sub.add_parser("db", help="database commands", description="database commands")
    db_sub = db.add_subparsers(dest="db_command", metavar="COMMAND")
    db_sub.required = True
    p = db_sub.add_parser("upgrade", help="apply database migrations (Alembic)",
                          description="apply database migrations (Alembic)")
    p.set_defaults(func=cmd_db_upgrade)

    add("demo", cmd_demo, "load the demo shop (idempotent)")

    from bot.api import SCOPES

    apikey = sub.add_parser("apikey", help="merchant API keys", description="merchant API keys")
    apikey_sub = apikey.add_subparsers(dest="apikey_command", metavar="COMMAND")
    apikey_sub.required = True
    p = apikey_sub.add_parser("create", help="print a new merchant API key once",
                              description="print a new merchant API key once; only its hash "
                                          "is stored")
    p.add_argument("name", help="a name to tell the key apart, e.g. erp")
    p.add_argument("--scope", action="append", choices=SCOPES, required=True,
                   help="what the key may do (repeat for several)")
    p.set_defaults(func=cmd_apikey_create)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"souk: {problem}", file=sys.stderr)
        return 2
    except (UsageError, InputError) as exc:
        print(f"souk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except SoukError as exc:
        print(f"souk: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        log.debug("failure", exc_info=True)
        print(f"souk: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
