"""The second factor (TOTP with recovery codes), on django-otp.

Which roles need it is a setting (OTP_REQUIRED_ROLES: by default the three
separated administrators, 国办 and organizing-unit accounts). An account that
needs it enrols on its first login (a TOTP device shown as a QR code made here,
offline, with segno) and gets ten one-time recovery codes. A clerk who lost the
device: the organizing unit above (or the security administrator) resets the
device in 账号发放; the next login enrols a new one. Privileged accounts: only
through the two-person reset or `sitecensus reset-password --reset-device`."""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sitecensus.audit.services import record

from . import policy

RECOVERY_CODES = 10
ISSUER = "全国政府网站信息报送系统"


def required_for(user) -> bool:
    return policy.needs_second_factor(user)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


PENDING_SESSION_KEY = "otp_pending_device"
SWAP_SESSION_KEY = "otp_swap_allowed_at"


def may_enrol(user) -> bool:
    """Only the holder enrols: never while the one-time (initial or reset) password,
    which others have handled, is still the password."""
    return required_for(user) and not user.must_change_password


def new_pending_device(request) -> TOTPDevice:
    """A fresh secret for this session, shown once: any earlier unconfirmed secret of the
    account is discarded (a copy seen by someone else is worthless)."""
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=request.user, name="动态口令", confirmed=False)
    request.session[PENDING_SESSION_KEY] = device.pk
    return device


def _enrol_window():
    from datetime import timedelta

    return timedelta(minutes=settings.OTP_ENROL_MINUTES)


def allow_swap(request, token: str) -> bool:
    """Changing the authenticator of an enrolled account needs a current code (or an
    unused recovery code) first, whatever the session."""
    device = _match(request, token)
    if device is None:
        record("otp_failed", actor=request.user, request=request, outcome="failure", step="swap")
        return False
    from django.utils import timezone

    request.session[SWAP_SESSION_KEY] = timezone.now().timestamp()
    return True


def swap_allowed(request) -> bool:
    from django.utils import timezone

    at = request.session.get(SWAP_SESSION_KEY)
    return at is not None and timezone.now().timestamp() - at < _enrol_window().total_seconds()


def secret_b32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").png_data_uri(scale=4, border=2)


class EnrolmentExpired(Exception):
    pass


def confirm_enrolment(request, token: str) -> list[str] | None:
    """The first code from the new device confirms it; returns the recovery codes.
    Only the secret shown in this session, within OTP_ENROL_MINUTES; raises
    EnrolmentExpired when it is gone or too old (a new one must be shown)."""
    from django.utils import timezone

    user = request.user
    if not may_enrol(user) or (has_device(user) and not swap_allowed(request)):
        raise EnrolmentExpired()
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(PENDING_SESSION_KEY) or 0).first()
    if device is None:
        raise EnrolmentExpired()
    if device.created_at is None or timezone.now() - device.created_at > _enrol_window():
        with transaction.atomic():
            TOTPDevice.objects.filter(pk=device.pk, confirmed=False).delete()
            record("otp_failed", actor=user, request=request, outcome="failure", step="enrol_expired")
        request.session.pop(PENDING_SESSION_KEY, None)
        raise EnrolmentExpired()
    with transaction.atomic():
        return _confirm(request, device, token)


def _confirm(request, device, token):
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
    if device is None:
        raise EnrolmentExpired()
    if not device.verify_token((token or "").strip()):
        record("otp_failed", actor=user, request=request, outcome="failure", step="enrol")
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        static.token_set.create(token=code)
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(SWAP_SESSION_KEY, None)
    otp_login(request, device)
    request.session.cycle_key()  # a cookie copied before the second factor opens nothing
    record("otp_enrolled", actor=user, request=request, obj=user)
    return codes


def _match(request, token: str):
    """The device a code belongs to, or None; failures throttled per account and address
    (accounts/throttle.py), never per device."""
    from . import throttle

    token = (token or "").strip().replace(" ", "")
    if not token or not throttle.otp_allowed(request, request.user):
        return None
    device = match_token(request.user, token)
    if device is None:
        throttle.otp_failed(request, request.user)
    else:
        throttle.otp_succeeded(request, request.user)
    return device


def verify(request, token: str) -> bool:
    """A code from the device or an unused recovery code (each used once).
    django-otp refuses replayed codes; failures are throttled per account and address."""
    device = _match(request, token)
    if device is None:
        record("otp_failed", actor=request.user, request=request, outcome="failure", step="verify")
        return False
    otp_login(request, device)
    request.session.cycle_key()  # a cookie copied before the second factor opens nothing
    recovery = isinstance(device, StaticDevice)
    record("otp_recovery_used" if recovery else "otp_verified", actor=request.user, request=request,
           obj=request.user)
    return True


def reset_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# ------------------------------------------------------------ demo and tests
# The demo accounts' devices share one published key so the demo (and the test
# suite) can compute the codes; never used outside the demo loader and tests.
DEMO_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def install_demo_device(user) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="演示动态口令", key=DEMO_KEY_HEX, confirmed=True,
                                     tolerance=1)


def demo_code(drift: int = 0) -> str:
    """The demo devices' current code (as an authenticator app would show it)."""
    return f"{totp(bytes.fromhex(DEMO_KEY_HEX), drift=drift):06d}"


def demo_code_for(user) -> str:
    """The next code the user's demo device accepts (django-otp refuses a code
    of a time step already used, so a second login in the same 30 s takes the next)."""
    import time

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    key = device.bin_key if device is not None else bytes.fromhex(DEMO_KEY_HEX)
    while True:
        now_t = int(time.time()) // 30
        drift = max(0, (device.last_t + 1 - now_t) if device is not None else 0)
        if drift <= (device.tolerance if device is not None else 0):
            return f"{totp(key, drift=drift):06d}"
        time.sleep(1)
