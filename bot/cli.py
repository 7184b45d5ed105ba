"""The `souk` command (also `python -m bot`).

Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. Errors are one
clear line on stderr, never a traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn

from bot import redact
from bot.errors import ConfigError, InputError, SoukError

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("souk")


class UsageError(SoukError):
    """Bad usage or bad input: exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error: the mistake and where help is, not the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see: {self.prog} --help)\n")


FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Libraries whose request logs would print phone numbers and bodies at INFO or DEBUG.
NOISY = ("httpx", "httpcore", "twilio.http_client", "urllib3", "telegram", "rq.worker",
         "alembic.runtime.plugins")


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

    port = args.port or _port(os.environ.get("PORT", "8000"))
    settings = _settings()
    if settings.secret_key_generated:
        log.warning("SECRET_KEY is not set: using a random key, so sessions end at restart")
    serve(settings, args.host, port)
    return 0


def _port(raw: str) -> int:
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise UsageError(f"PORT must be a port number, got {raw!r}")
    return int(raw)


def port_number(raw: str) -> int:
    """argparse type: a TCP port, 1-65535."""
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}")
    return int(raw)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run an RQ worker on every souk queue, with the scheduler and the sweeper."""
    from bot.runtime import Runtime, install
    from workers.runner import run_worker

    settings = _settings()
    if settings.embedded:
        raise UsageError(
            "the worker needs REDIS_URL; without it (embedded mode) `souk serve` runs the jobs"
        )
    rt = Runtime.from_settings(settings)
    install(rt)
    run_worker(rt, burst=args.burst)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Chat with the bot in the terminal as a shopper."""
    from bot.terminal import chat, shopper_address

    try:
        address = shopper_address(args.channel, args.as_)
    except ValueError as exc:
        raise UsageError(f"--as: {exc}") from None
    settings = _settings()
    if "LOG_LEVEL" not in os.environ:
        # The chat is on this terminal: leave it to the conversation, not the log.
        logging.getLogger().setLevel(logging.WARNING)
        settings = dataclasses.replace(settings, log_level="WARNING")
    return chat(settings, address)


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


def cmd_catalog_import(args: argparse.Namespace) -> int:
    """Upsert the products of a catalog file by SKU; report bad rows by line."""
    from bot.catalog.files import import_file

    settings = _settings()
    kind, rows, report = import_file(settings, args.path)
    for problem in report.problems:
        print(f"souk: {problem}", file=sys.stderr)
    print(f"{args.path}: {rows} rows read ({kind}); {report.summary()}")
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


def cmd_agent_create(args: argparse.Namespace) -> int:
    """Create a console account; the password comes from stdin (asked twice at a terminal)."""
    import getpass

    from bot.console.accounts import create_agent
    from bot.db import Database

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise UsageError("the passwords differ")
    else:
        # One line: `printf '%s\n' "$PASSWORD" | souk agent create ...` or a file.
        password = sys.stdin.readline().rstrip("\r\n")
    settings = _settings()
    agent = create_agent(Database(settings.database_url), args.email, password, args.role,
                         args.name)
    print(f"created {agent.role} {agent.email}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    p.add_argument("--port", type=port_number, default=None,
                   help="port (default $PORT or 8000)")

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

    agent = sub.add_parser("agent", help="console accounts", description="console accounts")
    agent_sub = agent.add_subparsers(dest="agent_command", metavar="COMMAND")
    agent_sub.required = True
    p = agent_sub.add_parser("create", help="create a console account (password read from stdin)",
                             description="create a console account for an agent or an admin; "
                                         "the password (10 characters or more) is read from "
                                         "stdin, asked twice at a terminal")
    p.add_argument("email", metavar="EMAIL", help="the agent's email, used to sign in")
    p.add_argument("--role", choices=("agent", "admin"), default="agent",
                   help="admins also see the dashboard, edit canned replies and may reveal "
                        "addresses (default: agent)")
    p.add_argument("--name", help="the name other agents see (default: none)")
    p.set_defaults(func=cmd_agent_create)
    catalog = sub.add_parser("catalog", help="catalog commands", description="catalog commands")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", metavar="COMMAND")
    catalog_sub.required = True
    p = catalog_sub.add_parser(
        "import", help="upsert products by SKU from a JSON, CSV or Shopify CSV file",
        description="Upsert products by SKU from a JSON, CSV or Shopify product CSV export. "
                    "Bad rows are reported on stderr by line number and skipped; good rows "
                    "are kept. Exit 0 when the file was read (even with skipped rows), 2 when "
                    "it cannot be read at all.")
    p.add_argument("path", help="the catalog file (.json or .csv)")
    p.set_defaults(func=cmd_catalog_import)

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

    from bot import cli_admin

    cli_admin.add_commands(sub, add)
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
