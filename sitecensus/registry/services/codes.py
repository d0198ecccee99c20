"""Identifier codes: the next code of an organizing unit (exactly once), the
verification code, the site's code login and the mail that carries both."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from sitecensus.accounts import services as account_services
from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidState
from sitecensus.orgs import policy as orgs_policy
from sitecensus.orgs.models import Unit

from .. import policy
from ..models import CodeSequence, Website
from .chain import locked

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def allocate_code(organizer: Unit) -> str:
    """The next code of an organizing unit: exactly once, unique under concurrency
    (the sequence row is locked; SQLite serializes writers anyway)."""
    CodeSequence.objects.get_or_create(organizer=organizer)
    sequence = CodeSequence.objects.select_for_update().get(organizer=organizer)
    if sequence.last >= 9999:
        raise InvalidState(f"“{organizer.name}”的网站标识码已用尽")
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{organizer.org_code}{sequence.last:04d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8))


def issue_site_login(website: Website, verification: str, actor=None, request=None) -> None:
    """The site's identifier-code login, issued by accounts' own service (audited)."""
    account_services.issue_site_account(
        website=website, verification=verification, actor=actor, request=request,
        active=not website.is_gone)


def mail_codes(website: Website, verification: str) -> None:
    data = website.data or {}
    recipients = [data.get(k) for k in ("principal_email", "contact1_email", "contact2_email", "contact3_email")]
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    body = (f"您单位报送的政府网站“{website.name}”（{website.homepage_url}）已通过审核。\n\n"
            f"网站标识码：{website.site_code}\n校验码：{verification}\n\n"
            f"请妥善保管。可使用网站标识码和校验码登录全国政府网站信息报送系统，对该网站进行自查。")
    transaction.on_commit(lambda: send_mail(f"网站标识码：{website.site_code}", body,
                                            settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True))


@transaction.atomic
def reset_verification_code(*, actor, website: Website, request=None) -> str:
    website = locked(website.pk)
    if not policy.may_reset_code(actor, website):
        if policy.is_owner(actor, website):  # the site's own unit and login ask their organizing unit
            raise policy.RESET_CODE.refuse()
        orgs_policy.check_manage_unit(actor, website.unit)
        raise policy.RESET_CODE.refuse()
    if not website.site_code:
        raise InvalidState("该网站尚未获得网站标识码")
    verification = new_verification_code()
    website.save(update_fields=["updated_at"])
    issue_site_login(website, verification, actor, request)
    mail_codes(website, verification)
    record("verification_reset", actor=actor, request=request, obj=website)
    return verification
