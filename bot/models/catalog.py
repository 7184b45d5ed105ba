"""The catalog's version: one row that moves whenever a searchable product fact changes.

Each worker process keeps its own search index (bot/catalog/search.py) and checks
this row, one indexed read, before every query: a different version or token means
the index is stale. The version moves in the same transaction as the change, so an
index can never be newer than the data it was built from, nor miss a commit.

It moves by itself for every ORM write to products and variants (the listeners
below), so a writer that never imports the catalog package, such as checkout
decrementing stock, keeps the index right. A stock change moves it only when it
turns a product or variant in or out of stock: the index knows nothing finer, and
rebuilding it on every sale would cost more than the search saves. Code that
changes products with raw SQL must call `touch_catalog(session)`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import get_history

from bot.models.base import Base, utcnow
from bot.models.commerce import Product, Variant

ROW_ID = 1
# Columns whose change never reaches the index; a stock change is judged apart.
_UNINDEXED = frozenset({"updated_at", "created_at", "stock"})


class CatalogState(Base):
    """The single row (id 1) whose version and token name the catalog's current state."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # A random token per change: two databases (or one restored from a backup) may
    # share a version number, never a token.
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_token() -> str:
    """A fresh random token for the catalog state."""
    return uuid.uuid4().hex


def catalog_version(session: Session) -> tuple[int, str]:
    """The catalog's (version, token): (0, "") before anything was ever recorded."""
    row = session.execute(
        select(CatalogState.version, CatalogState.token).where(CatalogState.id == ROW_ID)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else (0, "")


def touch_catalog(session: Session) -> None:
    """Record that the catalog changed, in the session's transaction."""
    conn = session.connection()
    values: dict[str, Any] = {"token": new_token(), "changed_at": utcnow()}
    done = conn.execute(
        update(CatalogState)
        .where(CatalogState.id == ROW_ID)
        .values(version=CatalogState.version + 1, **values)
    )
    if done.rowcount == 0:
        # The row is made by the migration; only a wiped table lands here.
        conn.execute(insert(CatalogState).values(id=ROW_ID, version=1, **values))


def _stocked(level: Any) -> bool:
    return level is None or level > 0


def _indexed_change(obj: Product | Variant) -> bool:
    """Whether an updated product or variant changed anything the index holds."""
    for column in obj.__mapper__.column_attrs:
        name = column.key
        history = get_history(obj, name)
        if not history.has_changes():
            continue
        if name not in _UNINDEXED:
            return True
        if name == "stock":
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if _stocked(before) != _stocked(after):
                return True
    return False


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, context: Any) -> None:
    catalog = (Product, Variant)
    changed = any(isinstance(o, catalog) for o in (*session.new, *session.deleted)) or any(
        isinstance(o, catalog) and _indexed_change(o) for o in session.dirty
    )
    if changed:
        touch_catalog(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: Any) -> None:
    # `session.execute(update(Product)...)` skips the flush: count it here.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ in (Product, Variant):
        touch_catalog(state.session)
