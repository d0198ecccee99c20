"""Test-suite helpers kept in the package so that every app's tests share them."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2 (same code path, same 'argon2' prefix), with a small memory
    cost so that suites creating many accounts stay fast."""

    memory_cost = 1024
    parallelism = 1
    time_cost = 1
