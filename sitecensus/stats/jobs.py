"""The statistics' long job (registered with sitecensus.jobs from StatsConfig.ready)."""

from __future__ import annotations

from sitecensus.core.db import background
from sitecensus.jobs.registry import job

from .selectors import warm_cache
from .services import refresh_tallies


@job("statistics_refresh")
def statistics_refresh(job) -> dict:
    with background():
        at = refresh_tallies(force=True)
        return {"refreshed_at": at.isoformat(), "scopes_warmed": warm_cache()}
