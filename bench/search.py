"""Product search on generated catalogs of 1k, 10k and 100k products: latency and build time.

    python bench/search.py                 # 1k, 10k and 100k products
    python bench/search.py --sizes 1000 --rounds 5

Each catalog is written to a fresh SQLite file (products in three languages, with
variants, attributes and prices), then the index is built once, the way a worker
builds it on its first query, and a mix of shopper queries (words, typos, sizes,
colours, price limits, in en/es/pt) is timed through the public `search()`,
including its per-query check of the catalog's version. Prints one line per size:
latency (wall clock) and the CPU time a query used, which other processes on the
machine do not inflate; "index MB" is the growth of the process's resident memory
while the index was built.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.catalog.search import current_index, search  # noqa: E402
from bot.catalog.text import lexicon  # noqa: E402
from bot.config import DEFAULT_SHOP  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.models import Product, Variant, touch_catalog  # noqa: E402
from bot.shop import load_shop  # noqa: E402

TYPES = ["jacket", "backpack", "sneaker", "boot", "tent", "headphones", "speaker", "bag",
         "tshirt", "hoodie", "socks", "bottle", "watch", "wallet", "pants", "hat", "gloves",
         "sandal", "charger", "case"]
COLORS = ["red", "blue", "black", "white", "green", "gray", "yellow", "pink"]
MATERIALS = ["nylon", "leather", "cotton", "wool", "polyester", "canvas", "rubber"]
ADJECTIVES = ["lightweight", "insulated", "breathable", "wireless", "bluetooth", "kids",
              "women", "men", "hiking", "running", "travel", "winter", "camping"]
SIZES = ["S", "M", "L", "XL", "38", "39", "40", "41", "42", "43", "44"]
QUERIES = [
    ("do you have a waterproof jacket under 100?", "en"), ("red sneakers size 42", "en"),
    ("wireless headphones", "en"), ("leather wallet", "en"), ("backpak", "en"),
    ("waterprof jaket", "en"), ("hiking boots", "en"), ("cotton t-shirt size M", "en"),
    ("bluetooth speaker below $80", "en"), ("travel bag between 50 and 150", "en"),
    ("¿tienen zapatillas rojas talla 42?", "es"), ("chaqueta impermeable", "es"),
    ("mochila menos de 1000 pesos", "es"), ("auriculares inalambricos", "es"),
    ("botas de montaña", "es"), ("zapatilas para correr", "es"),
    ("tem fone bluetooth?", "pt_BR"), ("jaqueta impermeável até 500 reais", "pt_BR"),
    ("tênis de corrida", "pt_BR"), ("mochila de trilha", "pt_BR"), ("meias de lã", "pt_BR"),
    ("barraca", "pt_BR"), ("carteira de couro preta", "pt_BR"), ("relogio", "pt_BR"),
]
CURRENCY = {"en": "USD", "es": "MXN", "pt_BR": "BRL"}


def word(concept: str, locale: str) -> str:
    """How `locale` writes a concept of the lexicon."""
    return lexicon().name("@" + concept, locale) or concept


def generate(db: Database, count: int, seed: int = 7) -> None:
    """Write `count` products (with variants) the way an import would, in bulk."""
    rnd = random.Random(seed)
    brands = [f"{rnd.choice('BCDFGKLMPRSTVZ')}{rnd.choice('aeiou')}{rnd.choice('lmnrst')}"
              f"{rnd.choice('aeiou')}{rnd.choice('kxnrs')}" for _ in range(300)]
    products, variants = [], []
    vid = 0
    for pid in range(1, count + 1):
        kind, adjective = rnd.choice(TYPES), rnd.choice(ADJECTIVES)
        color, material = rnd.choice(COLORS), rnd.choice(MATERIALS)
        brand, model = rnd.choice(brands), f"{rnd.choice('ABCXZ')}{rnd.randint(1, 999)}"
        title = {loc: f"{brand} {word(adjective, loc)} {word(kind, loc)} {model}"
                 for loc in ("en", "es", "pt_BR")}
        description = {loc: f"{word(material, loc)} {word(color, loc)} {word(kind, loc)}"
                       for loc in ("en", "es", "pt_BR")}
        products.append({
            "id": pid, "sku": f"P{pid:06d}", "title": title, "description": description,
            "price": Decimal(rnd.randint(500, 40000)) / 100, "currency": "USD",
            "stock": rnd.choice([0, 3, 10, None]), "category": kind, "tags": [adjective],
            "attributes": {"waterproof": rnd.random() < 0.3, "material": material},
            "active": True,
        })
        for size in rnd.sample(SIZES, rnd.randint(0, 4)):
            vid += 1
            variants.append({"id": vid, "product_id": pid, "sku": f"P{pid:06d}-{vid}",
                             "options": {"size": size, "color": rnd.choice(COLORS)},
                             "price": None, "stock": rnd.choice([0, 2, 5]), "active": True})
    with db.session() as s:
        for start in range(0, len(products), 5000):
            s.execute(insert(Product), products[start : start + 5000])
        for start in range(0, len(variants), 5000):
            s.execute(insert(Variant), variants[start : start + 5000])
        touch_catalog(s)


def resident_mb() -> float:
    """This process's resident memory (Linux), to see what an index costs."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench(count: int, rounds: int, folder: Path) -> dict[str, float]:
    """Build a catalog of `count` products and time the queries; the figures."""
    path = folder / f"bench-{count}.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    db = Database(url)
    generate(db, count)
    shop = load_shop(DEFAULT_SHOP)
    gc.collect()
    before = resident_mb()
    started = time.perf_counter()
    with db.session() as s:
        current_index(s)
    build = time.perf_counter() - started
    memory = resident_mb() - before
    timings: list[float] = []
    cpu: list[float] = []
    found = 0
    with db.session() as s:
        for _ in range(rounds):
            for query, locale in QUERIES:
                started, used = time.perf_counter(), time.thread_time()
                result = search(s, query, locale=locale, currency=CURRENCY[locale], shop=shop)
                cpu.append((time.thread_time() - used) * 1000)
                timings.append((time.perf_counter() - started) * 1000)
                found += bool(result.hits)
    db.dispose()
    return {"products": count, "build_s": build, "index_mb": memory,
            "p50_ms": statistics.median(timings), "p99_ms": percentile(timings, 0.99),
            "max_ms": max(timings), "cpu_p50_ms": statistics.median(cpu),
            "cpu_p99_ms": percentile(cpu, 0.99), "queries": len(timings),
            "answered": found / len(timings)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each size asked and print one line of figures per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the query mix")
    args = parser.parse_args(argv)
    print(f"{len(QUERIES)} queries x {args.rounds} rounds per size, one thread, SQLite file; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'products':>9} {'build s':>8} {'index MB':>9} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'cpu p50':>8} {'cpu p99':>8} {'answered':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for count in args.sizes:
            r = bench(count, args.rounds, Path(folder))
            print(f"{r['products']:>9,} {r['build_s']:>8.2f} {r['index_mb']:>9.0f} "
                  f"{r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['max_ms']:>7.2f} "
                  f"{r['cpu_p50_ms']:>8.2f} {r['cpu_p99_ms']:>8.2f} {r['answered']:>9.0%}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
