"""The progress page of a job and its JSON status (the page polls it)."""

from django.conf import settings
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render

from sitecensus.core.errors import NotFound

from .services import get_job


def job_page(request, pk):
    job = get_job(request.user, pk)
    if job.is_done and job.next_url and request.GET.get("stay") != "1":
        return redirect(job.next_url)
    return render(request, "jobs/job.html", {"job": job})


def job_status(request, pk):
    job = get_job(request.user, pk)
    return JsonResponse({"status": job.status, "label": job.get_status_display(), "done": job.done,
                         "total": job.total, "message": job.message, "error": job.error,
                         "next": job.next_url if job.is_done else "",
                         "result": job.result if job.finished else {}})


def job_file(request, pk):
    """The file a job wrote (an export), for the user who asked for it."""
    job = get_job(request.user, pk)
    name = (job.result or {}).get("file", "")
    path = settings.VAR_DIR / "exports" / name
    if not job.is_done or not name or "/" in name or not path.exists():
        raise NotFound("文件不存在或已过期")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result.get("filename", name),  # noqa: SIM115
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
