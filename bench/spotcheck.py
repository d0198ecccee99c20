"""Drawing a stratified sample of 1 % of the national sites (target < 2 s).

    .venv/bin/python bench/national.py --sites && .venv/bin/python bench/spotcheck.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/spotcheck.py

As the national office, on ~86,000 sites: a 1 % draw stratified by region,
level and site class (the service: population query, grouping, seeded draws,
storing the sample), median of 5 draws; then a redraw with the same seed to
show it reproduces the sample.
"""

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402
from national import ensure_national_sites  # noqa: E402

from sitecensus.accounts import roles  # noqa: E402
from sitecensus.accounts.models import User  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.spotcheck import services  # noqa: E402
from sitecensus.spotcheck.models import Batch  # noqa: E402


def main():
    _setup.migrate()
    ensure_national_sites()
    root = Unit.objects.get(depth=1)
    actor, _ = User.objects.get_or_create(username="bench_national", defaults={
        "unit": root, "role": roles.NATIONAL_ADMIN, "must_change_password": False})
    batch = services.create_batch(actor=actor, name="基准抽查", strata_by=["region", "level", "site_class"],
                                  ratio="1", seed=2016, window_start=date(2016, 4, 1), window_end=date(2016, 6, 30))
    population = services.population(batch).count()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        services.draw(actor=actor, batch=batch)
        times.append(time.perf_counter() - started)
    first = sorted(batch.sites.values_list("website_id", flat=True))
    services.draw(actor=actor, batch=batch)
    again = sorted(batch.sites.values_list("website_id", flat=True))
    batch.refresh_from_db()
    print(f"database: {_setup.describe_database()}")
    print(f"1 % stratified draw of {population:,} sites into {len(batch.strata):,} strata, {len(first):,} sampled: "
          f"median {sorted(times)[len(times) // 2]:.2f} s, max {max(times):.2f} s (target < 2 s); "
          f"same seed, same sample: {first == again}")
    Batch.objects.filter(pk=batch.pk).delete()


if __name__ == "__main__":
    main()
