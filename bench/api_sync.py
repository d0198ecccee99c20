"""Syncing a province through the API, over real HTTP against a local server.

    python bench/national.py --sites     # once: the national data
    DATABASE_URL=postgres://... python bench/api_sync.py

The province whose subtree has closest to 3,000 websites; a token of its general
office; the worked client (examples/api_client.py) mirrors every site — the whole
census record: every field of the basic form and every column — with keyset pages
of 500 (full sync), then 100 sites change and it syncs again from the event feed,
fetching the sites it names by id (incremental sync); then it reads the office's
waiting list (first filings, change and life requests awaiting its decision).
Targets: full < 5 s, incremental < 200 ms."""

from __future__ import annotations

import importlib.util
import statistics
import threading
import time

import _setup
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db.models import Count

from sitecensus.core import roles
from sitecensus.accounts.models import User
from sitecensus.api import services
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def load_client():
    spec = importlib.util.spec_from_file_location("api_client", _setup.ROOT / "examples" / "api_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    _setup.migrate()
    _setup.serve_pages()
    print(f"database: {_setup.describe_database()}")
    if Website.objects.count() < 50000:
        raise SystemExit("run bench/national.py --sites first")
    offices = Unit.objects.filter(kind=Unit.Kind.PROVINCIAL_OFFICE)
    counts = {o: Website.objects.filter(unit__path__startswith=o.path).count() for o in offices}
    office = min(counts, key=lambda o: abs(counts[o] - 3000))
    user = User.objects.filter(unit=office, role=roles.ORGANIZER).first()
    if user is None:
        user = User.objects.create_user(username=f"bench_api_{office.pk}", password=None, unit=office,
                                        role=roles.ORGANIZER)
    raw = services.create_token(actor=user, name="bench", scopes=["registry:read", "scoring:read"], days=1)[1]
    columns = Website.objects.filter(unit__path__startswith=office.path).aggregate(n=Count("columns"))["n"]
    print(f"province: {office.name}, {counts[office]:,} websites, {columns:,} columns")

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    api_client = load_client()
    client = api_client.Client(base, raw)

    fulls, incrementals = [], []
    for run in range(3):
        state: dict = {}
        started = time.perf_counter()
        api_client.mirror(client, state)
        fulls.append(time.perf_counter() - started)
        assert len(state["sites"]) == counts[office], (len(state["sites"]), counts[office])
        changed = list(Website.objects.filter(unit__path__startswith=office.path).order_by("?")[:100])
        for site in changed:
            site.save(update_fields=["updated_at"])
        started = time.perf_counter()
        api_client.mirror(client, state)
        incrementals.append(time.perf_counter() - started)
        assert sorted(state["last_changed"]) == sorted(s.pk for s in changed), len(state["last_changed"])
        assert len([e for e in state["last_events"] if e[0] == "website"]) == 100
    full, incremental = statistics.median(fulls), statistics.median(incrementals)
    assert all(len(site["basic"]) == len(next(iter(state["sites"].values()))["basic"]) for site in state["sites"].values())
    started = time.perf_counter()
    waiting = api_client.waiting(client)
    print(f"waiting list of {office.name}: {len(waiting):,} items in {(time.perf_counter() - started) * 1000:,.0f} ms")
    print(f"full province sync ({counts[office]:,} sites, pages of 500): {full * 1000:,.0f} ms "
          f"(median of 3; target < 5,000 ms) {'OK' if full < 5 else 'SLOW'}")
    print(f"incremental sync after 100 changes (event feed + the sites it names by id): "
          f"{incremental * 1000:,.0f} ms (median of 3; target < 200 ms) {'OK' if incremental < 0.2 else 'SLOW'}")
    server.shutdown()


if __name__ == "__main__":
    main()
