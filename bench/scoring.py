"""Inspection-phase benchmarks on the national-scale data (bench/national.py --sites).

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/scoring.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/scoring.py

1. An organizing unit's inspection queue of 3,000 sites (the Hebei office: 3,000
   coded sites of the units directly below it, each with a submitted self-check,
   added once to the benchmark database): the queue page rendered, median of 7,
   and its query count (target < 150 ms, constant number of queries).
2. Scoring 85,000 scorecards (target < 60 s): the pure scoring function over
   85,000 sets of entries in memory, then the same from the database — every
   approved site's self-check entries read in chunks and scored.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from national import QUEUE_PROVINCE, ensure_national_sites  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry.models import Website  # noqa: E402
from sitecensus.scoring import engine, selectors, services  # noqa: E402
from sitecensus.scoring.models import Scorecard, ScoreEntry  # noqa: E402
from sitecensus.scoring.rubric import load_rubric  # noqa: E402

QUEUE = 3000
CARDS = 85_000


def random_raw(rng, rubric):
    raw = {}
    for indicator in rubric.indicators:
        if indicator.kind == "veto":
            if rng.random() < 0.01:
                raw[indicator.code] = {"veto": True, "evidence": ["http://x.gov.cn/"]}
        elif indicator.kind == "veto_counts":
            raw[indicator.code] = {"counts": {c.code: rng.randint(0, 3) for c in indicator.counts}}
        elif indicator.kind == "band":
            raw[indicator.code] = {"value": str(round(rng.random() * 3, 2))}
        else:
            raw[indicator.code] = {"count": rng.randint(0, 4)}
    return raw


@transaction.atomic
def ensure_queue(office: Unit, operator: User) -> None:
    table = services.current_table()
    children = list(Unit.objects.filter(path__startswith=office.path, depth=office.depth + 1))
    have = selectors.inspection_queue(office).count()
    if have >= QUEUE:
        return
    rng = random.Random(3000)
    rubric = load_rubric(table.code)
    now = timezone.now()
    sites = [Website(unit=children[i % len(children)], organizer=office, name=f"检查队列网站{i}",
                     homepage_url=f"http://q{i}.hebei.gov.cn/", url_key=f"http://q{i}.hebei.gov.cn",
                     site_class="省级政府部门网站", status="approved", site_code=f"Q{i:09d}", approved_at=now)
             for i in range(QUEUE - have)]
    Website.objects.bulk_create(sites, batch_size=2000)
    cards, entries = [], []
    for site in sites:
        cards.append(Scorecard(website=site, stage="self", rubric=table, scorer_unit=site.unit, status="draft",
                               created_by=operator))
    Scorecard.objects.bulk_create(cards, batch_size=2000)
    for card in cards:
        for code, raw in random_raw(rng, rubric).items():
            entries.append(ScoreEntry(scorecard=card, indicator=code, data=raw))
    ScoreEntry.objects.bulk_create(entries, batch_size=5000)
    # Entries go in while the cards are drafts; submitting then locks them (the trigger refuses the reverse).
    Scorecard.objects.filter(pk__in=[c.pk for c in cards]).update(
        status="submitted", score=100, result="合格", submitted_by=operator, submitted_at=now)


@transaction.atomic
def ensure_stored_cards(operator: User) -> int:
    """85,000 stored scorecards: a self-check for every coded site, then
    inspections, until there are 85,000."""
    have = Scorecard.objects.count()
    if have >= CARDS:
        return have
    table = services.current_table()
    rubric = load_rubric(table.code)
    rng = random.Random(85000)
    with_cards = Scorecard.objects.values("website_id")
    sites = list(Website.objects.filter(site_code__isnull=False).exclude(pk__in=with_cards)
                 .values_list("id", "unit_id")[: CARDS - have])
    stage_sites = [("self", s) for s in sites]
    if have + len(stage_sites) < CARDS:
        inspected = Scorecard.objects.filter(stage="inspection").values("website_id")
        more = Website.objects.filter(site_code__isnull=False).exclude(pk__in=inspected).values_list("id", "unit_id")
        stage_sites += [("inspection", s) for s in more[: CARDS - have - len(stage_sites)]]
    for start in range(0, len(stage_sites), 5000):
        chunk = stage_sites[start:start + 5000]
        cards = [Scorecard(website_id=site_id, stage=stage, rubric=table, scorer_unit_id=unit_id, status="draft",
                           created_by=operator) for stage, (site_id, unit_id) in chunk]
        Scorecard.objects.bulk_create(cards)
        ScoreEntry.objects.bulk_create([ScoreEntry(scorecard=card, indicator=code, data=raw) for card in cards
                                        for code, raw in random_raw(rng, rubric).items()], batch_size=10000)
        Scorecard.objects.filter(pk__in=[c.pk for c in cards]).update(status="submitted", submitted_at=timezone.now())
    return Scorecard.objects.count()


def bench_queue():
    office = Unit.objects.get(org_code=QUEUE_PROVINCE)
    operator, _ = User.objects.get_or_create(username=f"bench_{office.pk}", defaults={
        "unit": office, "role": roles.ORGANIZER, "must_change_password": False})
    ensure_queue(office, operator)
    client = Client()
    client.force_login(operator)
    size = selectors.inspection_queue(office).count()
    first_ms, first_q = _setup.measure(lambda: client.get("/checks/"))
    last_ms, last_q = _setup.measure(lambda: client.get("/checks/", {"page": size // 50}))
    print(f"inspection queue of {office.name}: {size:,} sites waiting")
    print(f"  first page {first_ms:.1f} ms ({first_q} queries); page {size // 50} {last_ms:.1f} ms "
          f"({last_q} queries)  (target < 150 ms)")


def bench_scoring():
    rubric = load_rubric(settings.SCORING_RUBRIC)
    rng = random.Random(85)
    raws = [random_raw(rng, rubric) for _ in range(CARDS)]
    started = time.perf_counter()
    outcomes = {}
    for raw in raws:
        result = engine.score(rubric, services.clean_entries(rubric, raw), portal=rng.random() < 0.05)
        outcomes[result.result] = outcomes.get(result.result, 0) + 1
    pure_s = time.perf_counter() - started
    print(f"scoring {CARDS:,} scorecards in memory (validate + score): {pure_s:.1f} s (target < 60 s); {outcomes}")

    # From the database: every stored scorecard's entries, read in chunks.
    operator = User.objects.filter(role=roles.ORGANIZER).first()
    started = time.perf_counter()
    total = ensure_stored_cards(operator)
    print(f"  ({total:,} stored scorecards; made ready in {time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()
    scored, current = 0, {}
    rows = ScoreEntry.objects.order_by("scorecard_id").values_list("scorecard_id", "indicator", "data")
    last = None
    for card_id, indicator, data in rows.iterator(chunk_size=5000):
        if card_id != last and last is not None:
            engine.score(rubric, services.clean_entries(rubric, current))
            scored, current = scored + 1, {}
        last = card_id
        current[indicator] = data
    if current:
        engine.score(rubric, services.clean_entries(rubric, current))
        scored += 1
    db_s = time.perf_counter() - started
    rate = scored / db_s if db_s else 0
    print(f"scoring {scored:,} stored scorecards from the database (read + validate + score): {db_s:.1f} s "
          f"({rate:,.0f} per second)  (target < 60 s)")


def main():
    _setup.migrate()
    ensure_national_sites()
    _setup.serve_pages()
    print(f"database: {_setup.describe_database()}")
    bench_queue()
    bench_scoring()


if __name__ == "__main__":
    main()
