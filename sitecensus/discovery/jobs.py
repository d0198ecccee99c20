"""Discovery's background jobs (registered with the jobs app when Django starts): the national run and
an imported list's candidates read and attributed, each with its progress."""

from sitecensus.jobs.registry import job
from sitecensus.jobs.services import progress
from sitecensus.scanner.engine.discover import Named

from . import services
from .models import Source


@job("discovery_run")
def discovery_run(job) -> dict:
    return services.run_discovery(actor=job.requested_by,
                                  progress=lambda done, total, message: progress(job, done, total, message))


@job("discovery_import")
def discovery_import(job, *, filename: str, named: list) -> dict:
    counts = services.import_named(actor=job.requested_by, filename=filename,
                                   named=[Named(key, url, Source.Kind.IMPORT, detail) for key, url, detail in named])
    read = services.read_and_attribute(progress=lambda done, total, message: progress(job, done, total, message))
    return {**counts, "read": read.get("read", 0)}
