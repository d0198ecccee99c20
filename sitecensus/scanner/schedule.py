"""The probe and scan schedule. Each site gets PROBES_PER_DAY probes a day at
its own offset (spread over the interval, so load is even) plus jitter, and one
full scan a day spread over the scan hour."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings

SPREAD = 2654435761  # Knuth's multiplicative hash: site ids → evenly spread offsets


def probe_interval() -> int:
    return max(60, 86400 // settings.PROBES_PER_DAY)


def offset(site_id: int, interval: int) -> int:
    return (site_id * SPREAD) % interval


def due(site_ids, start: datetime, end: datetime, interval: int) -> list[int]:
    """Sites whose slot falls in (start, end]."""
    a, b = start.timestamp(), end.timestamp()
    out = []
    for site_id in site_ids:
        off = offset(site_id, interval)
        # The first slot after a: a slot is off + k*interval.
        k = int((a - off) // interval) + 1
        if off + k * interval <= b:
            out.append(site_id)
    return out


def due_slots(site_ids, start: datetime, end: datetime, interval: int, *, catch_up: int = 86400) -> dict[str, list[int]]:
    """Every probe slot in (start, end], by round: a late tick (the scheduler was busy or
    down) still probes each missed slot, one round each, never collapsing them into one.
    At most `catch_up` seconds are made up."""
    a, b = max(start.timestamp(), end.timestamp() - catch_up), end.timestamp()
    rounds: dict[str, list[int]] = {}
    for site_id in site_ids:
        off = offset(site_id, interval)
        k = int((a - off) // interval) + 1
        while off + k * interval <= b:
            # The slot's own round (its time // interval): every vantage point probing it shares the id.
            rounds.setdefault(str(int((off + k * interval) // interval)), []).append(site_id)
            k += 1
    return rounds


def round_id(now: datetime, interval: int) -> str:
    """Probes of the same round from several vantage points share this id."""
    return f"{int(now.timestamp() // interval)}"


def jitter(interval: int, rng=random) -> float:
    return rng.uniform(0, min(60.0, interval * 0.05))


def scan_due(site_ids, start: datetime, end: datetime) -> list[int]:
    """Daily scans spread over SCAN_HOUR."""
    out = []
    for day in {start.date(), end.date()}:
        base = datetime.combine(day, datetime.min.time(), tzinfo=start.tzinfo) + timedelta(hours=settings.SCAN_HOUR)
        for site_id in site_ids:
            at = base + timedelta(seconds=offset(site_id, 3600))
            if start < at <= end:
                out.append(site_id)
    return sorted(set(out))
