"""The fake Stripe's HTTP side: bracket-notation forms, auth, errors, session checks.

The checks are the ones Stripe documents for Checkout Sessions in payment mode
(PROVIDERS.md §8): line items in one currency, a payment method only in the
currencies it works in, `expires_at` between 30 minutes and 24 hours ahead, at most
50 metadata keys of 40 characters and values of 500.
"""

from __future__ import annotations

import hmac
import json
import re
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from tests.fakes.stripe import FakeStripe

_SESSION = re.compile(r"/v1/checkout/sessions/(?P<id>cs_[A-Za-z0-9_]+)")
METHOD_CURRENCIES = {"pix": {"brl"}, "boleto": {"brl"}, "oxxo": {"mxn"}, "ideal": {"eur"},
                     "bancontact": {"eur"}, "paynow": {"sgd"}, "grabpay": {"sgd", "myr"},
                     "konbini": {"jpy"}, "promptpay": {"thb"}}
KNOWN_METHODS = {"card", "sepa_debit", "link", "paypal", *METHOD_CURRENCIES}


@dataclass
class StripeFailure:
    """A scripted error answer."""

    status: int
    error_type: str
    code: str | None
    message: str
    times: int


def parse_form(body: str) -> dict[str, Any]:
    """A form in Stripe's bracket notation as nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, *rest = re.findall(r"[^\[\]]+", key) or [key]
        node: Any = root
        path = [head, *rest]
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    items = {k: _listify(v) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def _problem(param: str, message: str) -> dict[str, str]:
    return {"param": param, "message": message, "code": "parameter_invalid"}


def check_session(params: dict[str, Any], now: float) -> dict[str, str] | None:
    """What Stripe would refuse about these Checkout Session parameters, or None."""
    if params.get("mode") != "payment":
        return _problem("mode", "This fake only creates sessions in payment mode.")
    items = params.get("line_items")
    if not isinstance(items, list) or not items:
        return _problem("line_items", "line_items is required in payment mode.")
    currencies = set()
    for n, item in enumerate(items):
        data = item.get("price_data") or {}
        if not str(data.get("unit_amount", "")).isdigit():
            return _problem(f"line_items[{n}][price_data][unit_amount]", "Invalid integer.")
        if not str(item.get("quantity", "")).isdigit() or int(item["quantity"]) < 1:
            return _problem(f"line_items[{n}][quantity]", "Quantity must be at least 1.")
        if not (data.get("product_data") or {}).get("name"):
            return _problem(f"line_items[{n}][price_data][product_data][name]",
                            "Missing required param.")
        currencies.add(str(data.get("currency", "")))
    if len(currencies) != 1 or not re.fullmatch(r"[a-z]{3}", next(iter(currencies))):
        return _problem("line_items", "All line items must use the same lowercase currency.")
    currency = currencies.pop()
    for method in params.get("payment_method_types", []):
        if method not in KNOWN_METHODS:
            return _problem("payment_method_types", f"Invalid payment_method_types: {method}")
        if method in METHOD_CURRENCIES and currency not in METHOD_CURRENCIES[method]:
            return _problem("payment_method_types",
                            f"The payment method `{method}` does not support {currency}.")
    if "expires_at" in params:
        ahead = int(params["expires_at"]) - now
        if not 30 * 60 - 5 <= ahead <= 24 * 3600 + 5:
            return _problem("expires_at", "The expires_at timestamp must be between 30 minutes "
                                          "and 24 hours from Checkout Session creation.")
    metadata = params.get("metadata", {})
    if len(metadata) > 50 or any(len(k) > 40 or len(str(v)) > 500 for k, v in metadata.items()):
        return _problem("metadata", "Metadata: at most 50 keys of 40 characters, values of 500.")
    if len(str(params.get("client_reference_id", ""))) > 200:
        return _problem("client_reference_id", "At most 200 characters.")
    embedded = params.get("ui_mode") in ("embedded_page", "elements")
    if not params.get("success_url") and not embedded:
        return _problem("success_url", "Missing required param: success_url.")
    return None


class Handler(BaseHTTPRequestHandler):
    """Serves one connection for the `FakeStripe` stored on the server as `server.fake`."""

    protocol_version = "HTTP/1.1"
    server: ThreadingHTTPServer

    @property
    def fake(self) -> FakeStripe:
        fake: FakeStripe = self.server.fake  # type: ignore[attr-defined]
        return fake

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        self._serve("GET", b"")

    def do_POST(self) -> None:
        self._serve("POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, method: str, body: bytes) -> None:
        from tests.fakes.stripe import StripeRequest

        path = urlsplit(self.path).path
        params = parse_form(body.decode("utf-8")) if body else {}
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra = self._answer(method, path, params, headers)
        self.fake.record(StripeRequest(method, path, headers, params, status))
        self._json(status, payload, extra)

    def _answer(self, method: str, path: str, params: dict[str, Any],
                headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        auth = headers.get("authorization", "")
        if not hmac.compare_digest(auth, f"Bearer {self.fake.secret_key}"):
            return 401, {"error": {"type": "invalid_request_error",
                                   "message": "Invalid API Key provided."}}, {}
        failure = self.fake.take_failure()
        if failure is not None:
            error = {"type": failure.error_type, "message": failure.message}
            if failure.code:
                error["code"] = failure.code
            return failure.status, {"error": error}, {}
        if method == "POST" and path == "/v1/checkout/sessions":
            status, body, replayed = self.fake.create_session(params,
                                                              headers.get("idempotency-key"))
            return status, body, {"Idempotent-Replayed": "true"} if replayed else {}
        match = _SESSION.fullmatch(path)
        if method == "GET" and match:
            session = self.fake.get_session(match["id"])
            if session is not None:
                return 200, session, {}
        return 404, {"error": {"type": "invalid_request_error",
                               "message": f"Unrecognized request URL ({method}: {path})."}}, {}

    def _json(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_fake")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
