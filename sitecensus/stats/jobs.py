"""The statistics' long job (registered with sitecensus.jobs from StatsConfig.ready)."""

from __future__ import annotations

from sitecensus.core.db import background
from sitecensus.jobs.registry import job

from .selectors import warm_cache, warm_scopes, warming
from .services import refresh_tallies


@job("statistics_refresh")
def statistics_refresh(job) -> dict:
    scopes = warm_scopes()
    with background(), warming(scopes) as held:
        at = refresh_tallies(force=True)
        return {"refreshed_at": at.isoformat(), "scopes_warmed": warm_cache(scopes, held)}
