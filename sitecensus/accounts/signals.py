"""Authentication events into the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.orgs.signals import unit_closed

from .services import disable_accounts_of_unit

LOGIN_AT = "login_at"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = timezone.now().timestamp()
    record("login", actor=user, request=request, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("logout", actor=user, request=request, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record("login_failed", request=request, outcome="failure",
           username=str((credentials or {}).get("username", ""))[:150])


@receiver(user_locked_out)
def on_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    record("lockout", request=request, outcome="failure", username=str(username or "")[:150])


@receiver(unit_closed)
def on_unit_closed(sender, unit, **kwargs):
    """A closed unit's accounts stop working, in the same transaction."""
    disable_accounts_of_unit(unit=unit)
