"""Job kinds → the function that does the work. A job function takes the Job and
its params and calls `progress(done, total, message)` as it goes; what it returns
(a dict) is stored as the job's result."""

from __future__ import annotations

from collections.abc import Callable

JOBS: dict[str, Callable] = {}
# Work run once a day, name → function (no arguments, returns a dict): scaled out, celery beat sends
# `jobs.daily` with the name (sitecensus/celery.py); embedded, the scheduler's tick calls each once a day
# from DAILY_JOBS_HOUR (scanner.scheduler).
DAILY: dict[str, Callable] = {}


def job(kind: str):
    def register(func):
        JOBS[kind] = func
        return func
    return register


def daily(name: str):
    def register(func):
        DAILY[name] = func
        return func
    return register
