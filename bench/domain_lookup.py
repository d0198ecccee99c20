"""One site, one code at national scale: the look-up of a homepage URL or other
domain (其他域名) against every open site's homepage URL and other domains.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench_domains .venv/bin/python bench/domain_lookup.py

Fills (once) SITES sites — each with its homepage URL and 0–3 other domains in the
lookup table, as the services keep it — then times (median of 7 runs) and counts the
queries of `find_clash` for a key held as a homepage, one held as an other domain,
and one held by nobody (what every save, dry-run row and final approval asks), and of
the review queue's first page with its "网址已登记" flag. Target: a few ms per look-up.
"""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402

from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry import selectors, services  # noqa: E402
from sitecensus.registry.formspec.spec import identity_keys, normalize_url  # noqa: E402
from sitecensus.registry.models import Website, WebsiteDomain  # noqa: E402

SITES = int(os.environ.get("SITES", "88000"))


class _Reviewer:
    def __init__(self, unit):
        self.unit = unit


def fill(organizer: Unit) -> None:
    have = Website.objects.count()
    rng = random.Random(13)
    batch, domains = [], []
    for i in range(have, SITES):
        url = f"http://www.site{i}.gov.cn/"
        others = [f"site{i}-{j}.gov.cn" for j in range(rng.randint(0, 3))]
        batch.append(Website(unit=organizer, organizer=organizer, name=f"网站{i}", homepage_url=url,
                             url_key=normalize_url(url), data={"homepage_url": url, "other_domains": others},
                             status=Website.Status.SUBMITTED if i % 50 == 0 else Website.Status.APPROVED,
                             pending_at=organizer if i % 50 == 0 else None,
                             site_code=None if i % 50 == 0 else f"9{i:09d}"))
        if len(batch) == 5000 or i == SITES - 1:
            for site in Website.objects.bulk_create(batch):
                domains += [WebsiteDomain(website=site, key=k, field=f) for k, (f, _v) in identity_keys(site.data).items()]
            WebsiteDomain.objects.bulk_create(domains, batch_size=5000)
            batch, domains = [], []


def main():
    _setup.migrate()
    organizer = Unit.objects.filter(depth=1).first() or Unit.add_root(name="基准测试组织单位", kind="national_office",
                                                                     level=1, is_organizer=True, org_code="999999")
    fill(organizer)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {_setup.describe_database()}; sites: {Website.objects.count():,}; "
          f"domain rows: {WebsiteDomain.objects.count():,}")
    other = WebsiteDomain.objects.filter(field="other_domains").order_by("-id").first()
    cases = {
        "homepage held as a homepage": {"homepage_url": f"https://www.site{SITES // 2}.gov.cn"},
        "other domain held as an other domain": {"homepage_url": "http://new.gov.cn", "other_domains": [other.key]},
        "nobody's (homepage + 3 other domains)": {"homepage_url": "http://nobody.gov.cn",
                                                  "other_domains": ["a.nobody.gov.cn", "b.nobody.gov.cn", "c.nobody.gov.cn"]},
    }
    print(f"{'find_clash':<42}{'ms':>8}{'queries':>9}  found")
    for label, values in cases.items():
        ms, queries = _setup.measure(lambda: services.find_clash(values))
        clash = services.find_clash(values)
        print(f"{label:<42}{ms:>8.2f}{queries:>9}  {clash.site.name if clash else '-'}")
    twin = {"homepage_url": f"http://site{SITES // 3}.gov.cn"}  # the bare domain of a www. site
    ms, queries = _setup.measure(lambda: services.possible_duplicates(twin))
    print(f"{'possible_duplicates (www. twin)':<42}{ms:>8.2f}{queries:>9}  "
          f"{len(services.possible_duplicates(twin))} found")
    reviewer = _Reviewer(organizer)
    ms, queries = _setup.measure(lambda: list(selectors.review_queue(reviewer)[:50]))
    print(f"{'review queue, first 50 with the flag':<42}{ms:>8.2f}{queries:>9}")

    def queue_page():
        page = list(selectors.review_queue(reviewer)[:50])
        selectors.mark_possible_duplicates(page)

    ms, queries = _setup.measure(queue_page)
    print(f"{'… and its possible-duplicate tags':<42}{ms:>8.2f}{queries:>9}")


if __name__ == "__main__":
    main()
