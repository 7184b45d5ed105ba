"""Settings read once from the environment (CONTRACT.md, "Settings").

`Settings.from_env()` validates every variable at start and raises `ConfigError`
listing all the problems at once; secrets are wrapped in `Secret` so that a
`repr()` of the settings, a log line or a traceback never shows them.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.sendrate import DEFAULT_RATES, parse_rates

log = logging.getLogger(__name__)

DEFAULT_SHOP = Path(__file__).parent / "demo" / "shop.toml"


class Secret:
    """A string whose repr hides the value; `str(secret)` or `.value` reveals it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = env.get(name, "").strip()
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything souk reads from the environment, validated."""

    database_url: str = "sqlite:///souk.db"
    redis_url: str | None = None
    secret_key: Secret = field(default_factory=lambda: Secret(secrets.token_urlsafe(32)))
    secret_key_generated: bool = True
    public_base_url: str = "http://127.0.0.1:8000"
    shop_config: Path = DEFAULT_SHOP
    env: str = "development"
    log_level: str = "INFO"
    twilio_account_sid: str | None = None
    twilio_auth_token: Secret | None = None
    twilio_whatsapp_from: str | None = None
    twilio_sms_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_base: str = "https://api.twilio.com"
    telegram_bot_token: Secret | None = None
    telegram_webhook_secret: Secret | None = None
    telegram_api_base: str = "https://api.telegram.org"
    stripe_secret_key: Secret | None = None
    stripe_webhook_secret: Secret | None = None
    stripe_api_base: str = "https://api.stripe.com"
    max_webhook_bytes: int = 64 * 1024
    enable_simulator: bool = True
    enable_test_checkout: bool = True
    # Seconds a conversation's hot state lives in Redis after its last message.
    state_ttl: int = 7 * 24 * 3600
    # Seconds a worker may hold a conversation (processing it or sending its outbox)
    # before another worker may take over: how long a killed worker delays a shopper.
    # Must exceed a provider call's timeout (10 s), or a slow send could go out twice.
    lock_seconds: int = 60
    # How often each worker's sweeper looks for work a lost job left behind, and how
    # old that work must be (younger work is probably still queued).
    sweep_interval: float = 10.0
    sweep_grace: float = 15.0
    # Rate limits as (events, per seconds): a shopper's messages, a merchant API key's calls.
    shopper_rate_limit: tuple[int, float] = (30, 60.0)
    api_rate_limit: tuple[int, float] = (600, 60.0)
    # Outbound messages a second per sender, by channel (bot/sendrate.py); None: no limit.
    send_rates: Mapping[str, float | None] = field(default_factory=lambda: dict(DEFAULT_RATES))

    @property
    def embedded(self) -> bool:
        """No REDIS_URL: one process, in-process Redis stand-in, a worker thread."""
        return self.redis_url is None

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def telegram_configured(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def stripe_configured(self) -> bool:
        return bool(self.stripe_secret_key)

    @property
    def production(self) -> bool:
        return self.env == "production"

    def secret_values(self) -> tuple[str, ...]:
        """Every secret's value, for the log filter that masks them (bot/redact.py)."""
        found = (self.secret_key, self.twilio_auth_token, self.telegram_bot_token,
                 self.telegram_webhook_secret, self.stripe_secret_key,
                 self.stripe_webhook_secret)
        return tuple(secret.value for secret in found if secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings; raise ConfigError naming every bad variable."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def url(name: str, default: str) -> str:
            value = env.get(name, "").strip() or default
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(f"{name} must be an http(s) URL, got {value!r}")
            return value.rstrip("/")

        def integer(name: str, default: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                problems.append(f"{name} must be a whole number, got {raw!r}")
                return default
            if value <= 0:
                problems.append(f"{name} must be positive, got {raw!r}")
            return value

        def seconds(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                problems.append(f"{name} must be a number of seconds, got {raw!r}")
                return default
            if not 0 < value < 86400:
                problems.append(f"{name} must be between 0 and 86400 seconds, got {raw!r}")
                return default
            return value

        def flag(name: str, default: bool) -> bool:
            raw = env.get(name, "").strip().lower()
            if not raw:
                return default
            if raw in ("1", "true", "yes", "on"):
                return True
            if raw in ("0", "false", "no", "off"):
                return False
            problems.append(f"{name} must be true or false, got {raw!r}")
            return default

        def rate(name: str, default: tuple[int, float]) -> tuple[int, float]:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            count, _, seconds = raw.partition("/")
            try:
                value = (int(count), float(seconds or "60"))
            except ValueError:
                value = (0, 0.0)
            if value[0] <= 0 or not 0 < value[1] <= 86400:
                problems.append(f"{name} must be N or N/SECONDS (N events per SECONDS, "
                                f"60 by default), got {raw!r}")
                return default
            return value

        database_url = env.get("DATABASE_URL", "").strip() or "sqlite:///souk.db"
        if database_url.startswith("postgres://"):
            database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
        elif database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
        if not database_url.startswith(("sqlite:", "postgresql")):
            problems.append(f"DATABASE_URL must be a sqlite or postgresql URL, got {database_url!r}")

        redis_url = env.get("REDIS_URL", "").strip() or None
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            problems.append("REDIS_URL must start with redis://, rediss:// or unix://")

        secret_key = _secret(env, "SECRET_KEY")
        souk_env = env.get("SOUK_ENV", "development").strip() or "development"
        if souk_env not in ("development", "test", "production"):
            problems.append(f"SOUK_ENV must be development, test or production, got {souk_env!r}")
        if souk_env == "production" and secret_key is None:
            problems.append("SECRET_KEY is required when SOUK_ENV=production")

        shop_config = Path(env.get("SHOP_CONFIG", "").strip() or DEFAULT_SHOP)
        if not shop_config.is_file():
            problems.append(f"SHOP_CONFIG names no readable file: {shop_config}")

        log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            problems.append(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

        twilio_sid = env.get("TWILIO_ACCOUNT_SID", "").strip() or None
        twilio_token = _secret(env, "TWILIO_AUTH_TOKEN")
        if bool(twilio_sid) != bool(twilio_token):
            problems.append("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together")

        telegram_secret = _secret(env, "TELEGRAM_WEBHOOK_SECRET")
        if telegram_secret is not None:
            allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
            if not (1 <= len(telegram_secret.value) <= 256) or set(telegram_secret.value) - allowed:
                problems.append(
                    "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -"
                )

        send_rates, rate_problems = parse_rates(env.get("SOUK_SEND_RATES", ""))
        problems += rate_problems

        production = souk_env == "production"
        settings = cls(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key or Secret(secrets.token_urlsafe(32)),
            secret_key_generated=secret_key is None,
            public_base_url=url("PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
            shop_config=shop_config,
            env=souk_env,
            log_level=log_level,
            twilio_account_sid=twilio_sid,
            twilio_auth_token=twilio_token,
            twilio_whatsapp_from=env.get("TWILIO_WHATSAPP_FROM", "").strip() or None,
            twilio_sms_from=env.get("TWILIO_SMS_FROM", "").strip() or None,
            twilio_messaging_service_sid=env.get("TWILIO_MESSAGING_SERVICE_SID", "").strip()
            or None,
            twilio_api_base=url("TWILIO_API_BASE", "https://api.twilio.com"),
            telegram_bot_token=_secret(env, "TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=telegram_secret,
            telegram_api_base=url("TELEGRAM_API_BASE", "https://api.telegram.org"),
            stripe_secret_key=_secret(env, "STRIPE_SECRET_KEY"),
            stripe_webhook_secret=_secret(env, "STRIPE_WEBHOOK_SECRET"),
            stripe_api_base=url("STRIPE_API_BASE", "https://api.stripe.com"),
            max_webhook_bytes=integer("SOUK_MAX_WEBHOOK_BYTES", 64 * 1024),
            enable_simulator=flag("SOUK_ENABLE_SIMULATOR", not production),
            enable_test_checkout=flag("SOUK_ENABLE_TEST_CHECKOUT", not production),
            state_ttl=integer("SOUK_STATE_TTL", 7 * 24 * 3600),
            lock_seconds=integer("SOUK_LOCK_SECONDS", 60),
            sweep_interval=seconds("SOUK_SWEEP_INTERVAL", 10.0),
            sweep_grace=seconds("SOUK_SWEEP_GRACE", 15.0),
            shopper_rate_limit=rate("SOUK_SHOPPER_RATE_LIMIT", (30, 60.0)),
            api_rate_limit=rate("SOUK_API_RATE_LIMIT", (600, 60.0)),
            send_rates=send_rates,
        )
        if problems:
            raise ConfigError(problems)
        return settings
