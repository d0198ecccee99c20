"""The inventory's deadlines: the active campaign's phases, the filing window, a
late-filing exception granted from above, and reminders to units that have not
reported."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sitecensus.accounts.models import User
from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.orgs import policy as orgs_policy
from sitecensus.orgs.models import Unit
from sitecensus.core.dates import cn_date

from .. import campaigns, policy
from ..selectors import units_not_reported
from ..models import Phase, WindowException


def campaign_phase(kind: str) -> Phase | None:
    """A phase of the active campaign (None when no campaign is configured)."""
    return campaigns.campaign_phase(kind)


def inventory_phase() -> Phase | None:
    return campaign_phase(Phase.Kind.INVENTORY)


def check_window(unit: Unit, *, today: date | None = None) -> bool:
    """May the unit write now? Returns whether the write is late; refuses after the
    close unless the organizing unit above granted an exception."""
    return campaigns.check_phase(Phase.Kind.INVENTORY, unit, today=today)


@transaction.atomic
def grant_exception(*, actor, unit: Unit, until: date, reason: str, kind: str = Phase.Kind.INVENTORY,
                    phase: Phase | None = None, request=None) -> WindowException:
    """The organizing unit above lets `unit` write after the phase closed (the active
    campaign's phase of `kind`, or the given `phase` of a round) until `until`."""
    orgs_policy.check_manage_unit(actor, unit)
    phase = phase or campaign_phase(kind)
    if phase is None:
        raise InvalidState("当前普查没有这个阶段" if campaigns.active_campaign() else "当前没有进行中的普查")
    if not (reason or "").strip():
        raise InvalidInput("请填写补报原因", field="reason")
    if until < timezone.localdate():
        raise InvalidInput("补报截止日期不能早于今天", field="until")
    exc = WindowException.objects.create(phase=phase, unit=unit, until=until, reason=reason.strip()[:300],
                                         granted_by=actor)
    record("window_exception", actor=actor, request=request, obj=unit, until=str(until), reason=reason,
           phase=phase.kind, campaign=phase.campaign_id)
    return exc


def remind_not_reported(*, actor, request=None) -> int:
    """E-mail the accounts of units below that have not reported yet."""
    policy.REMIND.check(policy.may_remind(actor))
    units = list(units_not_reported(actor.unit))
    phase = inventory_phase()
    deadline = f"{cn_date(phase.closes_on)}" if phase else "截止日期"
    sent = 0
    for account in User.objects.filter(unit__in=units, is_active=True).exclude(email=""):
        send_mail("请尽快报送政府网站基本信息",
                  f"{account.unit.name}：请于{deadline}前通过全国政府网站信息报送系统报送本单位政府网站的"
                  f"《政府网站基本信息表》和《政府网站栏目（系统）基本信息表》。——{actor.unit.name}",
                  settings.DEFAULT_FROM_EMAIL, [account.email], fail_silently=True)
        sent += 1
    record("reminders_sent", actor=actor, request=request, units=len(units), emails=sent)
    return sent
