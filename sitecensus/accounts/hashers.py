"""Argon2 with memory bounded under a flood: OWASP's parameters (19 MiB, 2
passes, 1 lane) instead of Django's 100 MiB, and at most ARGON2_MAX_CONCURRENT
hashes at a time per process (a flood queues instead of multiplying memory).
Hashes made with other parameters still verify and are upgraded at next login."""

import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_slots = None
_lock = threading.Lock()


def _return_memory_to_the_system() -> None:
    """glibc raises its mmap threshold after the first large free, so later 19 MiB Argon2
    buffers come from per-thread heap arenas and stay resident: a flood served by many
    threads (a fresh one per connection) grew the process to 800–950 MB. A fixed threshold
    (1 MiB) keeps every hash buffer in its own mapping, returned when the hash is done."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD (also turns the dynamic threshold off)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def _semaphore():
    global _slots
    with _lock:
        if _slots is None:
            _return_memory_to_the_system()
            _slots = threading.BoundedSemaphore(max(1, int(getattr(settings, "ARGON2_MAX_CONCURRENT", 4))))
    return _slots


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1

    def encode(self, password, salt):
        with _semaphore():
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with _semaphore():
            return super().verify(password, encoded)

    def harden_runtime(self, password, encoded):
        pass
