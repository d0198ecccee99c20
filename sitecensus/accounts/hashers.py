"""Argon2 with memory bounded under a flood: OWASP's parameters (19 MiB, 2
passes, 1 lane) instead of Django's 100 MiB, and at most ARGON2_MAX_CONCURRENT
hashes at a time per process (a flood queues instead of multiplying memory).
Hashes made with other parameters still verify and are upgraded at next login."""

import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_slots = None
_lock = threading.Lock()


def _semaphore():
    global _slots
    with _lock:
        if _slots is None:
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
