"""Discovery (摸清底数) at national scale: time and peak memory of each pass on a generated set.

    .venv/bin/python bench/discovery.py --sites 88000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitecensus_bench .venv/bin/python bench/discovery.py

Generated once into the bench database (its own, never the demo's): `--sites` registered sites, each with
one stored scan whose homepage links to `--links` other hosts (registered sites, unregistered government
hosts, non-government hosts) and redirects one site in 50 to a new host. Then, each timed:

1. harvest: every stored scan's outbound links and redirects → candidates (chunked upserts);
2. DNS guesses: the common host names under every registered domain, through a host-map resolver
   (one name in 40 resolves; no DNS is asked);
3. attribution: the index built from the registry, then `--read` homepages parsed and attributed (the
   engine: extractors and matching; the HTTP reads are the scanner's own throughput, see bench/scan_engine.py);
4. the discovery queue's deep keyset page.

Printed: rows, seconds, and the process's peak resident memory after each pass (it must stay flat as the
candidates grow: every pass works in chunks). Also the heuristics' corpus scores (tuning / held-out).
"""

import argparse
from datetime import timedelta
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from sitecensus.discovery import services  # noqa: E402
from sitecensus.discovery.models import Candidate  # noqa: E402
from sitecensus.orgs.models import Unit  # noqa: E402
from sitecensus.registry.formspec.identity import normalize_url, site_key  # noqa: E402
from sitecensus.registry.models import Website, WebsiteDomain  # noqa: E402
from sitecensus.scanner.engine import discover  # noqa: E402
from sitecensus.scanner.models import SiteScan  # noqa: E402

MARK = "基准摸清底数组织单位"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, links: int) -> None:
    if Unit.objects.filter(name=MARK).exists():
        return
    from sitecensus.orgs.services import create_national_office

    root = create_national_office()
    org = root.add_child(name=MARK, kind=Unit.Kind.PROVINCIAL_OFFICE, level=Unit.Level.PROVINCE, is_organizer=True,
                         org_code="990000")
    unit = Unit.objects.get(pk=org.pk).add_child(name="基准填报单位", kind=Unit.Kind.DEPARTMENT,
                                                 level=Unit.Level.PROVINCE)
    now = timezone.now()
    for start in range(0, n, 2000):
        with transaction.atomic():
            sites = [Website(unit=unit, organizer=org, name=f"基准网站{i}", homepage_url=f"http://www.d{i}.gov.cn",
                             url_key=normalize_url(f"http://www.d{i}.gov.cn"), status=Website.Status.APPROVED,
                             site_code=f"99{i:08d}", approved_at=now, data={}) for i in range(start, min(n, start + 2000))]
            Website.objects.bulk_create(sites)
            sites = list(Website.objects.filter(site_code__in=[s.site_code for s in sites]))
            WebsiteDomain.objects.bulk_create([WebsiteDomain(website=s, key=site_key(s.homepage_url),
                                                             field="homepage_url") for s in sites])
            scans = []
            for s in sites:
                i = int(s.site_code[2:])
                out = []
                for j in range(links):
                    kind = j % 4
                    if kind == 0:
                        out.append(f"http://www.d{(i * 7 + j) % n}.gov.cn/")          # registered
                    elif kind == 1:
                        out.append(f"http://xxgk{j}.d{i}.gov.cn/")                   # unregistered government
                    elif kind == 2:
                        out.append(f"http://m{j % 3}.d{(i + j) % n}.gov.cn/")        # shared by neighbours
                    else:
                        out.append(f"http://shop{j}.example{i % 500}.com/")          # never government
                final = f"http://new.d{i}.gov.cn/" if i % 50 == 0 else s.homepage_url + "/"
                home = {"url": s.homepage_url + "/", "final_url": final, "redirects": [], "outbound": out}
                scans.append(SiteScan(website=s, at=now, as_of=now.date(), reachable=True, summary={"homepage": home}))
            SiteScan.objects.bulk_create(scans)


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    shown = result if isinstance(result, dict) else type(result).__name__
    print(f"{label}: {seconds:.1f} s, peak RSS {peak_mb():.0f} MB — {shown}")
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=88000)
    ap.add_argument("--links", type=int, default=20)
    ap.add_argument("--read", type=int, default=20000)
    a = ap.parse_args()
    _setup.migrate()
    print(f"database: {_setup.describe_database()}")
    t0 = time.perf_counter()
    generate(a.sites, a.links)
    n = Website.objects.count()
    print(f"generated set: {n:,} registered sites, {SiteScan.objects.count():,} stored scans "
          f"({a.links} links each), {time.perf_counter() - t0:.0f} s; peak RSS {peak_mb():.0f} MB")
    Candidate.objects.all().delete()
    timed("1. harvest (links and redirects)", lambda: services.harvest_scans(
        since=timezone.now() - timedelta(days=1)))
    settings.DISCOVERY_SYSTEM_DNS = False
    names = services.host_names()
    settings.SCANNER_HOST_MAP = {f"{names[i % len(names)]}.d{i}.gov.cn": "127.0.0.1" for i in range(0, n, 40)}
    timed(f"2. DNS guesses ({len(names)} names per domain, host map)", lambda: services.guess_dns())
    ix = timed("3a. attribution index from the registry", services.build_index)
    print(f"    index: {len(ix.sites):,} codes, {len(ix.units):,} unit names, {len(ix.domains):,} domains")

    def attribute_all():
        kinds = {}
        for i in range(a.read):
            html = (f"<html><body><p>新闻</p><div>主办单位：基准填报单位 网站标识码：99{i % n:08d}</div></body></html>"
                    if i % 3 == 0 else "<html><body><p>欢迎</p></body></html>")
            got = discover.attribute(discover.read_page(f"http://xxgk1.d{i % n}.gov.cn/", html.encode()), ix)
            kinds[got.kind] = kinds.get(got.kind, 0) + 1
        return kinds
    timed(f"3b. {a.read:,} homepages parsed and attributed (engine)", attribute_all)
    from django.test import Client
    from sitecensus.accounts.models import User

    _setup.serve_pages()
    user, _ = User.objects.get_or_create(username="bench_discovery", defaults={
        "unit": Unit.objects.get(depth=1), "role": "national_admin", "must_change_password": False})
    client = Client()
    client.force_login(user)
    last = Candidate.objects.order_by("-id").values_list("id", flat=True)[60]
    from sitecensus.core.paging import encode

    ms, queries = _setup.measure(lambda: client.get("/discovery/", {"after": encode([last])}), runs=5)
    print(f"4. queue keyset page near the end of {Candidate.objects.count():,} candidates: median {ms:.0f} ms, "
          f"{queries} queries")
    print(f"candidates: {Candidate.objects.count():,}; non-government among them: "
          f"{Candidate.objects.filter(key__contains='example').count()}")
    corpus = Path(__file__).resolve().parent.parent / "sitecensus/scanner/engine/tests/fixtures/discover"
    sys.path.insert(0, str(corpus.parents[1]))
    from test_discover import score  # noqa: E402

    for part in ("tuning", "heldout"):
        data = json.loads((corpus / f"{part}.json").read_text("utf-8"))
        hosts, pages = score(data)
        print(f"heuristics {part}: domain filter {len(data['hosts']) - len(hosts)}/{len(data['hosts'])}, "
              f"attribution {len(data['pages']) - len(pages)}/{len(data['pages'])}")


if __name__ == "__main__":
    main()
