"""Console accounts: creating them, checking passwords, locking out guessers.

Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106's low-memory
profile) and rehashed at login when those defaults change. MAX_FAILURES wrong
passwords in a row lock an account for LOCKOUT; a right password does not open a
locked account. An unknown email costs the same hashing time as a known one, so
timing does not tell which emails have accounts. Every login, failure and lockout
is written to the audit log.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import Database
from bot.errors import InputError
from bot.models import Agent, AuditEntry, utcnow

ROLES = ("agent", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" is an attack
DEMO_EMAIL = "demo@souk.example"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of the password, with its salt and parameters."""
    return _hasher.hash(password)


def check_password(password: str, hashed: str) -> bool:
    """Whether `password` matches `hashed`; False for a malformed hash too."""
    try:
        return bool(_hasher.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    """The email as accounts store it; InputError when it is not one."""
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InputError(f"not an email address: {email!r}")
    return email


def validate_password(password: str) -> None:
    """InputError unless the password is long enough to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"the password must have at most {MAX_PASSWORD} characters")


def create_agent(db: Database, email: str, password: str, role: str = "agent",
                 name: str | None = None) -> Agent:
    """Store a new console account; InputError for a bad email, password, role or a duplicate."""
    email = normalize_email(email)
    if role not in ROLES:
        raise InputError(f"the role must be one of {', '.join(ROLES)}, not {role!r}")
    validate_password(password)
    with db.session() as s:
        if s.scalar(select(Agent.id).where(func.lower(Agent.email) == email)) is not None:
            raise InputError(f"an account for {email} exists already")
        agent = Agent(email=email, name=(name or "").strip()[:200] or None,
                      password_hash=hash_password(password), role=role)
        s.add(agent)
        s.add(AuditEntry(actor="system", action="agent_create", target=f"agent:{email}",
                         detail={"role": role}))
        s.flush()
        s.expunge(agent)
    return agent


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The outcome of a login attempt: the agent, or why not (`wrong` or `locked`)."""

    agent: Agent | None
    problem: str | None = None
    retry_after: int = 0  # seconds, when locked


def authenticate(s: Session, email: str, password: str, *, ip: str | None,
                 now: datetime | None = None) -> LoginResult:
    """Check a login; count failures, lock after MAX_FAILURES, audit every outcome."""
    now = now or utcnow()
    try:
        email = normalize_email(email)
    except InputError:
        email = ""
    agent = s.scalar(select(Agent).where(func.lower(Agent.email) == email)) if email else None
    if agent is None or not agent.active:
        check_password(password, _dummy_hash())  # the same time as a real check
        s.add(AuditEntry(actor="anonymous", action="login_failed", ip=ip,
                         detail={"reason": "unknown or inactive account"}))
        return LoginResult(None, "wrong")
    actor = f"agent:{agent.id}"
    if agent.locked_until is not None and agent.locked_until > now:
        s.add(AuditEntry(actor=actor, action="login_failed", ip=ip, detail={"reason": "locked"}))
        return LoginResult(None, "locked", int((agent.locked_until - now).total_seconds()) + 1)
    if len(password) > MAX_PASSWORD or not check_password(password, agent.password_hash):
        agent.failed_logins += 1
        s.add(AuditEntry(actor=actor, action="login_failed", ip=ip,
                         detail={"reason": "wrong password", "failures": agent.failed_logins}))
        if agent.failed_logins >= MAX_FAILURES:
            agent.failed_logins = 0
            agent.locked_until = now + LOCKOUT
            s.add(AuditEntry(actor=actor, action="lockout", ip=ip,
                             detail={"minutes": int(LOCKOUT.total_seconds() // 60)}))
            return LoginResult(None, "locked", int(LOCKOUT.total_seconds()))
        return LoginResult(None, "wrong")
    if _hasher.check_needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password)
    agent.failed_logins = 0
    agent.locked_until = None
    agent.last_login_at = now
    s.add(AuditEntry(actor=actor, action="login", ip=ip))
    return LoginResult(agent)


def ensure_demo_agent(db: Database) -> str:
    """Create the demo shop's admin account once; one line saying what was done."""
    with db.session() as s:
        exists = s.scalar(select(Agent.id).where(Agent.email == DEMO_EMAIL)) is not None
    if exists:
        return f"console: demo account {DEMO_EMAIL} exists already"
    password = secrets.token_urlsafe(12)
    create_agent(db, DEMO_EMAIL, password, role="admin", name="Demo Admin")
    return (f"console: sign in at /console/ as {DEMO_EMAIL} with password {password} "
            "(shown once)")
