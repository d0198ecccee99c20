"""The progress page of a job and its JSON status (the page polls it)."""

from django.http import JsonResponse
from django.shortcuts import redirect, render

from .services import get_job


def job_page(request, pk):
    job = get_job(request.user, pk)
    if job.status == job.Status.DONE and job.next_url and request.GET.get("stay") != "1":
        return redirect(job.next_url)
    return render(request, "jobs/job.html", {"job": job})


def job_status(request, pk):
    job = get_job(request.user, pk)
    return JsonResponse({"status": job.status, "label": job.get_status_display(), "done": job.done,
                         "total": job.total, "message": job.message, "error": job.error,
                         "next": job.next_url if job.status == job.Status.DONE else "",
                         "result": job.result if job.finished else {}})
