"""Login throttling that a stranger cannot turn against a real user.

Counted in the "throttle" cache alias — never the page cache, which anonymous
page views fill and evict (shared between processes when REDIS_URL is set),
keyed on the real client address (core/clientip.py, trusted proxies):
- every login attempt per address, checked BEFORE any password is hashed:
  past LOGIN_RATE_PER_ADDRESS a minute the address waits (HTTP 429);
- failures per (username, address), per username and per address: past their
  thresholds the login form asks for a captcha as well — except that failures
  elsewhere never touch an address the owner has logged in from before. Nothing is ever locked
  outright: the owner with the right password (and, after failures, the
  captcha) gets in from their office whatever a stranger did elsewhere.
- the old-password check on the change-password page is throttled per account."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import caches

from sitecensus.core.clientip import client_ip

MINUTE = 60


class _Throttle:
    """The "throttle" cache alias, looked up at use (tests swap settings)."""

    def __getattr__(self, name):
        return getattr(caches["throttle"], name)


cache = _Throttle()


def _key(*parts) -> str:
    return "thr:" + hashlib.sha256("|".join(str(p).lower() for p in parts).encode()).hexdigest()[:40]


def _window() -> int:
    return int(settings.LOGIN_FAILURE_WINDOW_MINUTES) * MINUTE


def _incr(key: str, ttl: int) -> int:
    if cache.add(key, 1, ttl):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, ttl)
        return 1


def address_over_rate(request) -> bool:
    """One more login attempt from this address: over the per-minute rate?"""
    ip = client_ip(request) or "-"
    bucket = int(time.time() // MINUTE)
    return _incr(_key("rate", ip, bucket), 2 * MINUTE) > settings.LOGIN_RATE_PER_ADDRESS


KNOWN_DAYS = 90


def captcha_required(request, username: str) -> bool:
    """Failures of this username at this address always count; failures of the
    username elsewhere, or of this address with other usernames, do not count
    against an address the owner has logged in from before (their office)."""
    ip = client_ip(request) or "-"
    if cache.get(_key("pair", username, ip), 0) >= settings.LOGIN_CAPTCHA_AFTER_PAIR:
        return True
    if cache.get(_key("known", username, ip)):
        return False
    return (cache.get(_key("user", username), 0) >= settings.LOGIN_CAPTCHA_AFTER_USER
            or cache.get(_key("addr", ip), 0) >= settings.LOGIN_CAPTCHA_AFTER_ADDRESS)


def failed(request, username: str) -> None:
    ip = client_ip(request) or "-"
    for key in (_key("pair", username, ip), _key("user", username), _key("addr", ip)):
        _incr(key, _window())


def succeeded(request, username: str) -> None:
    ip = client_ip(request) or "-"
    cache.delete(_key("pair", username, ip))
    cache.set(_key("known", username, ip), 1, KNOWN_DAYS * 24 * 3600)


def password_check_allowed(user) -> bool:
    return cache.get(_key("pwchange", user.pk), 0) < settings.PASSWORD_CHECK_FAILURES


def password_check_failed(user) -> None:
    _incr(_key("pwchange", user.pk), _window())


def clear_user(username: str) -> None:
    """The security administrator lifts the per-username captcha requirement."""
    cache.delete(_key("user", username))


# ------------------------------------------------------------ second-factor codes
# django-otp's own throttle is per device: anyone holding the password could keep the
# owner's authenticator locked. Instead failures count per (account, address) — and per
# account only at addresses where the owner has never passed the second factor.

def otp_allowed(request, user) -> bool:
    ip = client_ip(request) or "-"
    if cache.get(_key("otp-pair", user.pk, ip), 0) >= settings.OTP_FAILURES_PER_ADDRESS:
        return False
    if cache.get(_key("otp-known", user.pk, ip)):
        return True
    return cache.get(_key("otp-user", user.pk), 0) < settings.OTP_FAILURES_PER_ACCOUNT


def otp_failed(request, user) -> None:
    ip = client_ip(request) or "-"
    _incr(_key("otp-pair", user.pk, ip), _window())
    _incr(_key("otp-user", user.pk), _window())


def otp_succeeded(request, user) -> None:
    ip = client_ip(request) or "-"
    cache.delete(_key("otp-pair", user.pk, ip))
    cache.set(_key("otp-known", user.pk, ip), 1, KNOWN_DAYS * 24 * 3600)
