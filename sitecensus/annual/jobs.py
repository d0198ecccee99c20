"""The annual reports' background jobs (registered with the jobs app when the app is ready)."""

from __future__ import annotations

from sitecensus.jobs.registry import job
from sitecensus.jobs.services import progress
from sitecensus.orgs.models import Unit

from . import services


@job("annual_generate")
def annual_generate(job, *, year: int, root_id: int | None = None) -> dict:
    """Pre-fill every running site's work report in the requester's scope (the whole country for
    the national office: ~88,000 sites in keyset chunks)."""
    root = Unit.objects.get(pk=root_id) if root_id else None
    return services.generate(actor=job.requested_by, year=year, root=root, progress=lambda done, total: progress(
        job, done, total, f"已生成 {done} / {total} 个网站的年度报表"))


@job("annual_link_check")
def annual_link_check(job, *, year: int) -> dict:
    """Every published report in the requester's scope: is it linked from its site's homepage?"""
    return services.check_links_in_scope(actor=job.requested_by, year=year, progress=lambda done, total: progress(
        job, done, total, f"已检查 {done} / {total} 个网站首页"))
