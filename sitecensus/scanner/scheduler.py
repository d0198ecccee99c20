"""The scheduler's tick, one code path for both modes.

Each tick probes every slot that fell since the last tick (missed slots are made
up, one round each), starts the day's scans and queues the statistics rebuild when
due. Scaled out, probe rounds go to every vantage point's queue and scans to the scan
queue; embedded, probes run in the scheduler's own thread and scans on a separate
scan thread, so a long scan never delays a probe."""

from __future__ import annotations

import logging

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sitecensus.jobs.registry import DAILY

from . import schedule
from .tasks import scan_task, send_probes

log = logging.getLogger(__name__)
CACHE_KEY = "scanner:scheduler:last"
DAILY_KEY = "scanner:scheduler:daily"


def _site_ids() -> list[int]:
    from . import services

    return list(services.sites_to_scan().values_list("id", flat=True))


class Scheduler:
    def __init__(self, *, last: datetime | None = None, tick_seconds: int = 60,
                 site_ids: Callable[[], list[int]] = _site_ids, clock: Callable[[], datetime] = timezone.now):
        self.last, self.tick_seconds, self.site_ids, self.clock = last, tick_seconds, site_ids, clock
        self._scans: ThreadPoolExecutor | None = None
        self.scans_started: list = []

    @classmethod
    def from_cache(cls) -> Scheduler:
        from django.core.cache import cache

        return cls(last=cache.get(CACHE_KEY))

    def tick(self, now: datetime | None = None) -> dict:
        from sitecensus.jobs.services import mode
        from sitecensus.stats.services import start_refresh, statistics_due

        now = now or self.clock()
        last = self.last or now - timedelta(seconds=self.tick_seconds)
        interval = schedule.probe_interval()
        ids = self.site_ids()
        rounds = schedule.due_slots(ids, last, now, interval)
        scans = schedule.scan_due(ids, last, now)
        scaled = mode() == "celery"
        for round_id, site_ids in sorted(rounds.items()):
            for start in range(0, len(site_ids), 500):
                self.probe(site_ids[start:start + 500], round_id, scaled=scaled)
        for start in range(0, len(scans), settings.SCANNER_BATCH):
            self.scan(scans[start:start + settings.SCANNER_BATCH], scaled=scaled)
        life_due = not scaled and settings.SITE_LIFE_DAILY and self._life_due(now)  # scaled out, celery beat sends scanner.daily_life
        if life_due:
            self.scan_job(_life_in_thread)
        daily_due = not scaled and settings.DAILY_JOBS and self._daily_due(now)  # scaled out, celery beat sends jobs.daily per name
        if daily_due:
            self.scan_job(_daily_in_thread)
        refreshed = False
        if statistics_due(now):
            start_refresh()
            refreshed = True
        self.last = now
        if scaled:
            from django.core.cache import cache

            cache.set(CACHE_KEY, now, 86400)
        return {"probes": sum(len(v) for v in rounds.values()), "rounds": len(rounds), "scans": len(scans),
                "statistics": refreshed, "life": life_due, "daily": daily_due}

    def _life_due(self, now) -> bool:
        from .life import daily_due

        return daily_due(now)

    def _daily_due(self, now) -> bool:
        """The apps' daily work (sitecensus.jobs.registry.DAILY), once a day from DAILY_JOBS_HOUR."""
        from django.core.cache import cache

        local = timezone.localtime(now)
        if local.hour < settings.DAILY_JOBS_HOUR:
            return False
        return cache.add(f"{DAILY_KEY}:{local.date().isoformat()}", True, 2 * 86400)

    def scan_job(self, fn, *args) -> None:
        """Long work on the scan thread (never delays a probe)."""
        if self._scans is None:
            self._scans = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitecensus-scan")
        self.scans_started.append(self._scans.submit(fn, *args))

    def probe(self, site_ids: list[int], round_id: str, *, scaled: bool) -> None:
        from . import services

        if scaled:
            send_probes(site_ids, round_id)
        else:
            services.probe(site_ids, round_id=round_id)

    def scan(self, site_ids: list[int], *, scaled: bool) -> None:
        if scaled:
            scan_task.apply_async(args=[site_ids], queue=settings.SCAN_QUEUE)
            return
        self.scan_job(_scan_in_thread, site_ids)

    def wait_for_scans(self) -> None:
        if self._scans is not None:
            self._scans.shutdown(wait=True)
            self._scans = None


@shared_task(name="scanner.tick")
def tick_task() -> dict:
    """The scheduler's tick under Celery beat (every minute); the last tick's time is kept
    in the cache (Redis) so a late tick makes up the slots it missed. (Here, not in tasks.py:
    the scheduler sends the tasks, the tasks never reach back to the scheduler.)"""
    return Scheduler.from_cache().tick()


def _scan_in_thread(site_ids: list[int]) -> int:
    from . import services

    try:
        return services.scan(site_ids, trigger="schedule").pk
    except Exception:  # noqa: BLE001 - recorded on the run; the next day's scan tries again
        log.exception("scheduled scan failed")
        return 0
    finally:
        connection.close()


def _daily_in_thread() -> dict:
    """Each app's daily work in turn; one failing is logged and does not stop the others."""
    done = {}
    try:
        for name, fn in DAILY.items():
            try:
                done[name] = fn()
            except Exception:  # noqa: BLE001 - logged; tomorrow's run tries again
                log.exception("daily job %s failed", name)
        return done
    finally:
        connection.close()


def _life_in_thread() -> dict:
    from . import life

    try:
        return life.daily()
    except Exception:  # noqa: BLE001 - logged; tomorrow's run tries again
        log.exception("daily site-life check failed")
        return {}
    finally:
        connection.close()


def run_forever(tick_seconds: int = 60, stdout=None, once: bool = False) -> None:
    import time

    scheduler = Scheduler(tick_seconds=tick_seconds)
    while True:
        outcome = scheduler.tick()
        if stdout is not None:
            stdout.write(f"{timezone.localtime(scheduler.last):%Y-%m-%d %H:%M:%S} 探测 {outcome['probes']} 次"
                         f"（{outcome['rounds']} 轮），扫描 {outcome['scans']} 个网站"
                         + ("，刷新统计" if outcome["statistics"] else ""))
        if once:
            scheduler.wait_for_scans()
            return
        time.sleep(tick_seconds + schedule.jitter(schedule.probe_interval()))



