"""Job kinds → the function that does the work. A job function takes the Job and
its params and calls `progress(done, total, message)` as it goes; what it returns
(a dict) is stored as the job's result."""

from __future__ import annotations

from collections.abc import Callable

JOBS: dict[str, Callable] = {}


def job(kind: str):
    def register(func):
        JOBS[kind] = func
        return func
    return register
