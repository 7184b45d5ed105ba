"""Merchant API keys: created once, stored as a hash, checked with their scopes."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import g, request
from sqlalchemy import select

from bot.api import SCOPES, abort_json
from bot.db import Database
from bot.errors import InputError
from bot.models import ApiKey, utcnow

F = TypeVar("F", bound=Callable[..., Any])
KEY_PREFIX = "souk_"
# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """SHA-256 of the key: keys are 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, name: str, scopes: list[str]) -> str:
    """Store a new key's hash and return the key itself, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("an API key needs a name of 1-100 characters")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InputError(f"scopes must be among {', '.join(SCOPES)}; got {', '.join(unknown) or 'none'}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        if s.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
            raise InputError(f"an API key named {name!r} exists already")
        s.add(ApiKey(name=name, prefix=key[:12], key_hash=hash_key(key),
                     scopes=sorted(set(scopes))))
    return key


def authenticate(db: Database, header: str | None, scope: str) -> ApiKey:
    """The key behind an Authorization header, if it may use `scope`; abort otherwise."""
    if not header or not header.startswith("Bearer "):
        abort_json(401, "unauthorized", "Send an API key as `Authorization: Bearer <key>`.")
    key = header.removeprefix("Bearer ").strip()
    with db.session() as s:
        found = s.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
        if found is None or found.revoked_at is not None:
            abort_json(401, "unauthorized", "This API key is not valid.")
        assert found is not None
        if scope not in found.scopes:
            abort_json(403, "forbidden", f"This API key does not have the `{scope}` scope.")
        now = utcnow()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            found.last_used_at = now
            s.flush()  # an expunged object's changes would never reach the database
        s.expunge(found)
    return found


def require_scope(scope: str) -> Callable[[F], F]:
    """Decorate a view: it runs only for a valid key with `scope`; the key is in g.api_key."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from bot.app import current_runtime

            g.api_key = authenticate(current_runtime().db, request.headers.get("Authorization"),
                                     scope)
            return view(*args, **kwargs)

        # Documented in the OpenAPI document: the scope and the 401/403 answers.
        doc = getattr(wrapper, "_apidoc", {})
        wrapper._apidoc = doc  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
