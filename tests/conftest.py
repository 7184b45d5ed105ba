"""Shared fixtures: real Redis, real SQLite and PostgreSQL, fake providers on 127.0.0.1.

Outside CI the suite runs on a bare machine: without a Redis server it starts a
Redis-protocol stand-in on a local port, and without PostgreSQL it skips the
PostgreSQL half of the database tests. With CI=true both must be there: a missing
one fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.migrate import upgrade
from bot.models import Base
from bot.runtime import Runtime, install
from tests.fakes.stripe import FakeStripe
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio

CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("SOUK_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_URL = os.environ.get(
    "SOUK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PUBLIC_BASE_URL = "https://bot.example.com"
TELEGRAM_TOKEN = "123456:TEST-token_for_the_fake_server_only"
TELEGRAM_SECRET = "test-webhook-secret"
WHATSAPP_FROM = "whatsapp:+14155238886"
SMS_FROM = "+14155550199"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Lets several checkouts run their suites at once on one machine without sharing
# PostgreSQL schemas (point SOUK_TEST_REDIS_URL at a Redis server of their own too).
NAMESPACE = os.environ.get("SOUK_TEST_NAMESPACE", "")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden transcripts from this run (review the diff)")


def worker_index(config: pytest.Config | None = None) -> int:
    """0 for a plain run, N for pytest-xdist's worker gwN: each gets its own databases."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker.startswith("gw") else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- Redis --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A Redis server's URL: the real one; a local stand-in only outside CI."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        yield REDIS_URL
        return
    except redis.RedisError as exc:
        if CI:
            pytest.fail(f"CI=true and Redis at {REDIS_URL} is unreachable: {exc}")
        problem = exc
    import fakeredis

    port = _free_port()
    server = fakeredis.TcpFakeServer(("127.0.0.1", port), server_type="redis")
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    warnings.warn(f"no Redis at {REDIS_URL} ({problem}): using a local stand-in on {port}",
                  stacklevel=1)
    yield f"redis://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """A Redis database of this test's own, flushed before and after."""
    url = f"{redis_server}/{1 + worker_index()}"
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    yield url
    conn.flushdb()
    conn.close()


# -- Databases ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL schema of this worker's own, migrated once."""
    admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    schema = f"souk_test_{NAMESPACE}{worker_index()}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        if CI:
            pytest.fail(f"CI=true and PostgreSQL at {POSTGRES_URL} is unreachable: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {exc}")
    finally:
        admin.dispose()
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    upgrade(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database for this test."""
    path = tmp_path / "souk.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


# -- Fake providers -------------------------------------------------------------------


@pytest.fixture(scope="session")
def _twilio_server() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio(_twilio_server: FakeTwilio) -> FakeTwilio:
    _twilio_server.reset()
    return _twilio_server


@pytest.fixture(scope="session")
def _telegram_server() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(token=TELEGRAM_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_telegram(_telegram_server: FakeTelegram) -> FakeTelegram:
    _telegram_server.reset()
    return _telegram_server


# -- souk ---------------------------------------------------------------------------


def make_env(database_url: str, redis_url: str, twilio: FakeTwilio, telegram: FakeTelegram,
             **extra: str) -> dict[str, str]:
    """The environment a souk process under test gets."""
    env = {
        "SOUK_ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_SMS_FROM": SMS_FROM,
        "TWILIO_API_BASE": twilio.base_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE": telegram.base_url,
        "LOG_LEVEL": "INFO",
        # Conversations replay faster than providers would pace them (Telegram allows one
        # message a second per chat); tests of the limits themselves set real ones.
        "SOUK_SEND_RATES": "whatsapp=1000,sms=1000,telegram=1000,telegram_chat=1000",
    }
    env.update(extra)
    return env


@pytest.fixture
def env(database_url: str, redis_url: str, fake_twilio: FakeTwilio,
        fake_telegram: FakeTelegram) -> dict[str, str]:
    return make_env(database_url, redis_url, fake_twilio, fake_telegram)


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    runtime = Runtime.from_settings(settings)
    install(runtime)
    yield runtime
    install(None)
    runtime.close()


@pytest.fixture
def app(rt: Runtime):  # type: ignore[no-untyped-def]
    from bot.app import create_app

    return create_app(rt=rt)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """A console password hashed once: argon2 is slow on purpose."""
    from bot.console.accounts import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def signed_in_client(app, rt: Runtime, password_hash: str):  # type: ignore[no-untyped-def]
    """A test client signed in to the console, as the simulator needs outside embedded mode."""
    from tests.console.conftest import make_account, sign_in

    client = app.test_client()
    sign_in(client, make_account(rt, password_hash, "sim@shop.example"))
    return client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# -- Stripe -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _stripe_server() -> Iterator[FakeStripe]:
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_stripe(_stripe_server: FakeStripe) -> FakeStripe:
    """The fake Stripe API, emptied; `stripe_env(fake)` points souk at it."""
    _stripe_server.reset()
    return _stripe_server


def stripe_env(fake: FakeStripe) -> dict[str, str]:
    """The settings that make souk take payments through the fake Stripe."""
    return {"STRIPE_SECRET_KEY": fake.secret_key, "STRIPE_WEBHOOK_SECRET": fake.webhook_secret,
            "STRIPE_API_BASE": fake.base_url}
