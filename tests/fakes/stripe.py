"""A fake Stripe API: a real HTTP server on 127.0.0.1 that stripe-python can talk to.

It speaks `POST /v1/checkout/sessions` and `GET /v1/checkout/sessions/{id}` the way
Stripe does: Bearer auth with the secret key, form bodies in bracket notation
(`line_items[0][price_data][currency]=brl`), Stripe's error JSON, and Idempotency-Key
semantics: a key used again with the same parameters replays the first answer (with
`Idempotent-Replayed: true`), with other parameters it is refused (400,
idempotency_error). It checks what Stripe checks about a Checkout Session that souk
could get wrong (one currency, methods that fit it, expires_at 30 min - 24 h ahead,
metadata limits) and records every request. Tests script failures and drive sessions:

    with FakeStripe() as fake:
        client = stripe.StripeClient(fake.secret_key, base_addresses={"api": fake.base_url})
        fake.fail_next(status=500)                    # the next create fails
        ...
        event = fake.event("checkout.session.completed", session_id, payment_status="paid")
        headers, body = signed_event(event, fake.webhook_secret)   # POST to /webhooks/stripe

Run it alone with `python -m tests.fakes.stripe [port]`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakes._stripe_http import Handler, StripeFailure, check_session

__all__ = ["FakeStripe", "StripeRequest", "signed_event", "stripe_signature"]

SECRET_KEY = "sk_test_fake_0123456789abcdef"
WEBHOOK_SECRET = "whsec_test_fake_0123456789abcdef"


def stripe_signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature` as Stripe sends it: t=<unix>,v1=HMAC-SHA256(secret, "t.payload")."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def signed_event(event: Mapping[str, Any], secret: str,
                 timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    """Headers and body of Stripe's webhook POST of `event`."""
    payload = json.dumps(event, separators=(",", ":"))
    headers = {"Content-Type": "application/json; charset=utf-8",
               "Stripe-Signature": stripe_signature(payload, secret, timestamp)}
    return headers, payload.encode()


@dataclass(frozen=True)
class StripeRequest:
    """One API request the fake received, its body decoded from bracket notation."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    params: dict[str, Any]
    status: int


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[StripeRequest] = field(default_factory=list)
    replies: dict[str, tuple[dict[str, Any], int, dict[str, Any]]] = field(default_factory=dict)
    failures: list[StripeFailure] = field(default_factory=list)


class FakeStripe:
    """The fake server; `start()`/`stop()` or use it as a context manager."""

    _serving: dict[str, FakeStripe] = {}  # noqa: RUF012 - by base URL, for `at()`

    @classmethod
    def at(cls, base_url: str) -> FakeStripe:
        """The running fake that STRIPE_API_BASE `base_url` points at."""
        return cls._serving[base_url.rstrip("/")]

    def __init__(self, secret_key: str = SECRET_KEY, webhook_secret: str = WEBHOOK_SECRET,
                 port: int = 0) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.port = port
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeStripe:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        FakeStripe._serving[self.base_url] = self
        return self

    def stop(self) -> None:
        if self._server is not None:
            FakeStripe._serving.pop(self.base_url, None)
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What STRIPE_API_BASE should be."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- scripting and inspection ------------------------------------------------------
    def fail_next(self, status: int = 500, *, error_type: str = "api_error",
                  code: str | None = None, message: str = "Something went wrong on Stripe's end.",
                  times: int = 1) -> None:
        """Answer the next `times` API requests with this error (nothing is created)."""
        with self._state.lock:
            self._state.failures.append(StripeFailure(status, error_type, code, message, times))

    def reset(self) -> None:
        """Forget sessions, requests, saved idempotent replies and scripted failures."""
        with self._state.lock:
            self._state.sessions.clear()
            self._state.requests.clear()
            self._state.replies.clear()
            self._state.failures.clear()

    @property
    def requests(self) -> list[StripeRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def sessions(self) -> list[dict[str, Any]]:
        """Every Checkout Session created, oldest first (copies)."""
        with self._state.lock:
            return [json.loads(json.dumps(s)) for s in self._state.sessions.values()]

    def session(self, session_id: str) -> dict[str, Any]:
        with self._state.lock:
            return json.loads(json.dumps(self._state.sessions[session_id]))

    def event(self, kind: str, session_id: str, **changes: Any) -> dict[str, Any]:
        """A Stripe event about a session, after applying `changes` to the session.

        `checkout.session.completed` marks it complete (payment_status "paid" unless
        given), `...expired` marks it expired without its URL, and the async events set
        payment_status paid or leave it unpaid, as Stripe does.
        """
        with self._state.lock:
            session = self._state.sessions[session_id]
            if kind == "checkout.session.completed":
                session.update(status="complete", payment_status="paid", url=None)
            elif kind == "checkout.session.expired":
                session.update(status="expired", url=None)
            elif kind == "checkout.session.async_payment_succeeded":
                session.update(payment_status="paid")
            session.update(changes)
            snapshot = json.loads(json.dumps(session))
        return {"id": "evt_" + secrets.token_hex(12), "object": "event",
                "api_version": "2026-06-24.dahlia", "created": int(time.time()),
                "livemode": False, "pending_webhooks": 1, "type": kind,
                "data": {"object": snapshot}}

    # -- used by the request handler ---------------------------------------------------
    def take_failure(self) -> StripeFailure | None:
        with self._state.lock:
            if not self._state.failures:
                return None
            failure = self._state.failures[0]
            failure.times -= 1
            if failure.times <= 0:
                self._state.failures.pop(0)
            return failure

    def record(self, request: StripeRequest) -> None:
        with self._state.lock:
            self._state.requests.append(request)

    def create_session(self, params: dict[str, Any], key: str | None) -> tuple[int, Any, bool]:
        """(status, body, replayed) for a create, with Stripe's idempotency rules."""
        with self._state.lock:
            if key is not None and key in self._state.replies:
                first, status, body = self._state.replies[key]
                if first != params:
                    return 400, {"error": {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same "
                                   f"parameters they were first used with. Try using a key other "
                                   f"than '{key}' if you meant to execute a different request."}
                    }, False
                return status, body, True
            problem = check_session(params, time.time())
            if problem is not None:
                # Stripe saves no idempotent result for a request that fails validation.
                return 400, {"error": {"type": "invalid_request_error", **problem}}, False
            # Ids follow creation order, so golden transcripts show the same link every run.
            session = _new_session(params, len(self._state.sessions) + 1)
            self._state.sessions[session["id"]] = session
            if key is not None:
                self._state.replies[key] = (params, 200, session)
            return 200, json.loads(json.dumps(session)), False

    def get_session(self, session_id: str) -> dict[str, Any] | None:
        with self._state.lock:
            session = self._state.sessions.get(session_id)
            return json.loads(json.dumps(session)) if session else None


def _new_session(params: dict[str, Any], serial: int) -> dict[str, Any]:
    session_id = "cs_test_" + hashlib.sha256(str(serial).encode()).hexdigest()[:32]
    items = params["line_items"]
    total = sum(int(i["price_data"]["unit_amount"]) * int(i["quantity"]) for i in items)
    now = int(time.time())
    return {
        "id": session_id, "object": "checkout.session", "mode": params["mode"],
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        "status": "open", "payment_status": "unpaid",
        "amount_subtotal": total, "amount_total": total,
        "currency": items[0]["price_data"]["currency"],
        "client_reference_id": params.get("client_reference_id"),
        "customer_email": params.get("customer_email"),
        "metadata": params.get("metadata", {}),
        "payment_method_types": params.get("payment_method_types", ["card"]),
        "expires_at": int(params.get("expires_at", now + 24 * 3600)),
        "success_url": params.get("success_url"), "cancel_url": params.get("cancel_url"),
        "locale": params.get("locale"), "payment_intent": None, "created": now,
        "livemode": False,
    }


def main(argv: list[str] | None = None) -> None:
    """Serve a fake on 127.0.0.1 until interrupted, printing its base URL."""
    args = sys.argv[1:] if argv is None else argv
    fake = FakeStripe(port=int(args[0]) if args else 0).start()
    print(fake.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
