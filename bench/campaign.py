"""Benchmark: a campaign to 10,000 shoppers across channels, under the providers' limits.

    python bench/campaign.py [--shoppers 10000] [--workers 2] [--sms-rate 15]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, default the test database in a schema
of its own; BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed). Starts the
fake Twilio and Telegram servers in this process and `--workers` real `souk worker`
processes, loads the shoppers (opted in to marketing; WhatsApp 64%, Telegram 24%, SMS
12%), creates one campaign, and waits until every message was accepted. Prints, per
sender, the most messages the fake provider accepted in any one-second window next to
the limit, and the time taken next to the least the limits allow.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from bot import campaigns  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.models import (  # noqa: E402
    CampaignMessage,
    ChannelAddress,
    ConsentEvent,
    Conversation,
    Customer,
    Message,
    utcnow,
)
from bot.runtime import Runtime  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.twilio import FakeTwilio  # noqa: E402

TELEGRAM_TOKEN = "123456:BENCH-token"
WHATSAPP_FROM, SMS_FROM = "whatsapp:+14155238886", "+14155550199"
SHARES = {"whatsapp": 0.64, "telegram": 0.24, "sms": 0.12}


def database_url() -> str:
    """A fresh PostgreSQL schema for the benchmark: its URL."""
    base = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS souk_bench_campaign CASCADE"))
        conn.execute(text("CREATE SCHEMA souk_bench_campaign"))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote('-csearch_path=souk_bench_campaign')}"


def load_shoppers(rt: Runtime, total: int, shares: dict[str, float]) -> dict[str, int]:
    """Customers, addresses, conversations and marketing consent, in bulk."""
    counts = {ch: int(total * shares.get(ch, 0)) for ch in SHARES}
    counts[max(shares, key=lambda ch: shares[ch])] += total - sum(counts.values())
    now = utcnow()
    with rt.db.session() as s:
        rows: list[tuple[str, str]] = []
        for channel, count in counts.items():
            for n in range(count):
                ident = str(900000000 + n) if channel == "telegram" else f"+55119{n:08d}"
                rows.append((channel, f"{channel}:{ident}"))
        ids = list(s.scalars(insert(Customer).returning(Customer.id),
                             [{"locale": "pt_BR", "country": "BR", "created_at": now}
                              for _ in rows]))
        s.execute(insert(ChannelAddress), [
            {"customer_id": cid, "address": addr, "channel": ch, "created_at": now}
            for cid, (ch, addr) in zip(ids, rows, strict=True)])
        s.execute(insert(Conversation), [
            {"customer_id": cid, "address": addr, "channel": ch, "locale": "pt_BR",
             "status": "bot", "last_inbound_at": now, "created_at": now, "updated_at": now}
            for cid, (ch, addr) in zip(ids, rows, strict=True)])
        s.execute(insert(ConsentEvent), [
            {"customer_id": cid, "topic": "marketing", "granted": True, "source": "api",
             "created_at": now} for cid in ids])
    return counts


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` souk worker processes, each in a process group of its own."""
    return [subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT,
                             env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            for _ in range(count)]


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop the workers this benchmark started (and their scheduler children)."""
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shoppers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sms-rate", type=float, default=15.0,
                        help="segments a second the SMS sender may send (default 15)")
    parser.add_argument("--only", choices=sorted(SHARES),
                        help="every shopper on this one channel")
    args = parser.parse_args(argv)

    twilio, telegram = FakeTwilio().start(), FakeTelegram(token=TELEGRAM_TOKEN).start()
    rates = {"whatsapp": 80.0, "sms": args.sms_rate, "telegram": 30.0, "telegram_chat": 1.0}
    env = {
        "SOUK_ENV": "test", "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "PUBLIC_BASE_URL": "https://bot.example.com", "SECRET_KEY": "bench",
        "TWILIO_ACCOUNT_SID": twilio.account_sid, "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_API_BASE": twilio.base_url, "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_SMS_FROM": SMS_FROM, "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "bench", "TELEGRAM_API_BASE": telegram.base_url,
        "SOUK_SEND_RATES": ",".join(f"{k}={v:g}" for k, v in rates.items()),
        "LOG_LEVEL": "WARNING",
    }
    upgrade(env["DATABASE_URL"])
    rt = Runtime.from_settings(Settings.from_env(env))
    rt.redis.flushdb()
    counts = load_shoppers(rt, args.shoppers, {args.only: 1.0} if args.only else SHARES)
    print(f"shoppers: {counts} ({args.workers} workers)", flush=True)
    procs = start_workers(env, args.workers)
    try:
        time.sleep(3)  # workers up
        started = time.time()
        with rt.db.session() as s:
            campaign = campaigns.create(s, rt, name="bench", texts={"pt_BR": "Promoção!"},
                                        segment=campaigns.Segment())
            campaign_id = campaign.id
        total = sum(counts.values())
        while True:
            sent = len(twilio.messages) + sum(1 for c in telegram.sent
                                              if c.method == "sendMessage")
            if sent >= total:
                break
            time.sleep(0.5)
        finished = max([m.received_at for m in twilio.messages]
                       + [c.at for c in telegram.sent if c.method == "sendMessage"])
        report(rt, campaign_id, counts, rates, twilio, telegram, started, finished - started)
    finally:
        stop_workers(procs)
        twilio.stop()
        telegram.stop()
    return 0


def report(rt: Runtime, campaign_id: int, counts: dict[str, int], rates: dict[str, float],
           twilio: Any, telegram: Any, started: float, elapsed: float) -> None:
    """Print per sender the busiest second against the limit, and the time taken."""
    minimum = max(counts[ch] / rates[ch] for ch in counts if counts[ch])
    chats: dict[str | None, int] = {}
    for call in telegram.sent:
        chats[call.chat_id] = chats.get(call.chat_id, 0) + 1
    with rt.db.session() as s:
        statuses = dict(s.execute(select(Message.status, func.count()).join(
            CampaignMessage, CampaignMessage.message_id == Message.id).where(
            CampaignMessage.campaign_id == campaign_id).group_by(Message.status)).all())
    print(f"messages by status: {statuses}")
    def span(times: list[float]) -> str:
        if not times:
            return "-"
        return f"{min(times) - started:.1f}-{max(times) - started:.1f} s"

    print(f"{'sender':<32}{'sent':>7}{'max in 1 s':>12}{'limit':>7}{'from-to':>15}")
    for channel, sender in (("whatsapp", WHATSAPP_FROM), ("sms", SMS_FROM)):
        times = [m.received_at for m in twilio.messages if m.sender == sender]
        print(f"{channel + ' ' + sender:<32}{counts[channel]:>7}"
              f"{twilio.max_per_second(sender):>12}{rates[channel]:>7g}{span(times):>15}")
    times = [c.at for c in telegram.sent if c.method == "sendMessage"]
    print(f"{'telegram bot':<32}{counts['telegram']:>7}{telegram.max_per_second():>12}"
          f"{rates['telegram']:>7g}{span(times):>15}")
    if chats:
        busiest = max(chats, key=lambda c: chats[c])
        print(f"{'telegram busiest chat':<32}{chats[busiest]:>7}"
              f"{telegram.max_per_second(busiest):>12}{rates['telegram_chat']:>7g}")
    print(f"time: {elapsed:.1f} s; the limits allow at least {minimum:.1f} s "
          f"(ratio {elapsed / minimum:.2f})")


if __name__ == "__main__":
    sys.exit(main())
