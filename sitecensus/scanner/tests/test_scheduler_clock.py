"""The embedded scheduler under a simulated clock: a whole day of one-minute ticks
(one of them three hours late, as if the machine had stalled) with the daily scans
running on their own thread meanwhile. Every site gets every one of its probe slots
(≥ 20 a day), missed slots are made up one by one, and probes go on while a scan runs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from sitecensus.scanner import schedule
from sitecensus.scanner.engine.testing.synthetic import SyntheticWeb, serve_in_thread
from sitecensus.scanner.models import Probe, ScanRun
from sitecensus.scanner.scheduler import Scheduler
from sitecensus.scanner.testing import register_synthetic


def test_missed_slots_are_made_up_not_collapsed(settings):
    settings.PROBES_PER_DAY = 24
    interval = schedule.probe_interval()
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    late = schedule.due_slots([1, 2, 3], start, start + timedelta(hours=3), interval)
    assert sum(len(ids) for ids in late.values()) == 9  # 3 sites × 3 missed slots, not 3 × 1
    assert all(len({r for r, ids in late.items() if s in ids}) == 3 for s in (1, 2, 3))
    assert schedule.due_slots([1], start, start + timedelta(days=5), interval, catch_up=86400).__len__() == 24


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the in-memory SQLite test database locks whole tables "
                    "between the scan thread and the probing thread")
def test_embedded_scheduler_probes_every_slot_while_scans_run(settings, live_demo):
    from sitecensus.accounts.models import User

    users = {u.username: u for u in User.objects.select_related("unit")}
    settings.PROBES_PER_DAY = 24
    settings.SCAN_HOUR = 2
    settings.SCANNER_ALLOW_PRIVATE = True
    synthetic = SyntheticWeb(n_sites=3, seed=5, slow_s=0.3)
    with serve_in_thread(synthetic) as web:
        settings.SCANNER_HOST_MAP = web.host_map()
        sites = register_synthetic(web, users["laishui_lsz"].unit, users["laishui"].unit)
        ids = [s.pk for s in sites]
        day = datetime(2026, 3, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
        scheduler = Scheduler(last=day, site_ids=lambda: ids)
        during_scan = 0
        now = day
        while now < day + timedelta(days=1):
            # One tick a minute, except a stall from 10:00 to 13:00 (one late tick covers it).
            now += timedelta(hours=3) if now == day + timedelta(hours=10) else timedelta(minutes=1)
            before = Probe.objects.count()
            scheduler.tick(now)
            if any(not f.done() for f in scheduler.scans_started) and Probe.objects.count() > before:
                during_scan += Probe.objects.count() - before
        scheduler.wait_for_scans()
    per_site = {s.pk: Probe.objects.filter(website=s).count() for s in sites}
    rounds = {s.pk: Probe.objects.filter(website=s).values("round").distinct().count() for s in sites}
    assert set(per_site.values()) == {24} and set(rounds.values()) == {24}, per_site  # ≥ 20 a day, none lost
    assert ScanRun.objects.filter(kind="scan", trigger="schedule", status="done").count() >= 1
    assert during_scan > 0, "no probe was made while a scan ran"
    print(f"probes per site {per_site}; probes made while a scan ran: {during_scan}")
