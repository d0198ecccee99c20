"""Writes to the website database: online filing, submission, level-by-level
review (DHIS2's approval rules), identifier codes, change requests and life
status. Each one transaction, one audit event, a typed error on refusal."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sitecensus.accounts import services as account_services
from sitecensus.audit.services import record
from sitecensus.orgs import policy as orgs_policy
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.models import Unit

from . import campaigns, policy
from .formspec.spec import check_site_rules, load_forms
from .formspec.spec import normalize_url  # noqa: F401  (the one identity of a homepage)
from .models import CodeSequence, Phase, ReviewEvent, Website, WebsiteColumn, WebsiteVersion, WindowException
from .selectors import pending_version

S = Website.Status
A = ReviewEvent.Action
COLUMN_FIELDS = ("name", "url", "parent_name", "is_homepage", "column_class", "update_period", "remarks")
VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


# ---------------------------------------------------------------- the chain

def responsible_organizer(unit: Unit) -> Unit:
    """The organizing unit that reviews a unit's sites and whose code prefixes them."""
    if unit.is_organizer:
        return unit
    return Unit.objects.get(path=unit.parent_path)


def review_chain(unit: Unit) -> list[Unit]:
    """Organizing units that review a site, nearest first; the last gives final
    approval: the province's general office or the State Council department's."""
    organizer = responsible_organizer(unit)
    if organizer.depth <= 2:
        return [organizer]
    paths = [organizer.path[: organizer.steplen * d] for d in range(2, organizer.depth + 1)]
    chain = list(Unit.objects.filter(path__in=paths, is_organizer=True).order_by("-depth"))
    return chain


# ---------------------------------------------------------------- deadlines

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
                    request=None) -> WindowException:
    orgs_policy.check_manage_unit(actor, unit)
    phase = campaign_phase(kind)
    if phase is None:
        raise InvalidState("当前普查没有这个阶段" if campaigns.active_campaign() else "当前没有进行中的普查")
    if not (reason or "").strip():
        raise InvalidInput("请填写补报原因", field="reason")
    if until < timezone.localdate():
        raise InvalidInput("补报截止日期不能早于今天", field="until")
    exc = WindowException.objects.create(phase=phase, unit=unit, until=until, reason=reason.strip()[:300],
                                         granted_by=actor)
    record("window_exception", actor=actor, request=request, obj=unit, until=str(until), reason=reason, phase=kind)
    return exc


# ---------------------------------------------------------------- filing

@dataclass
class Filing:
    """Clean form values (validated by the web form or the workbook parser)."""

    basic: dict
    columns: list[dict] = field(default_factory=list)


def _site_fields(basic: dict) -> dict:
    return {
        "name": str(basic.get("site_name", "")).strip()[:100],
        "homepage_url": str(basic.get("homepage_url", "")).strip()[:500],
        "url_key": normalize_url(basic.get("homepage_url", "")),
        "site_class": basic.get("site_class") or "",
        "is_portal": bool(basic.get("is_portal")),
    }


def _ordered_columns(columns: list[dict]) -> list[dict]:
    """Homepage columns first, the given order otherwise."""
    clean = [{k: c.get(k, "" if k != "is_homepage" else False) for k in COLUMN_FIELDS} for c in columns]
    return sorted(clean, key=lambda c: not c["is_homepage"])


def _replace_columns(website: Website, columns: list[dict]) -> None:
    website.columns.all().delete()
    WebsiteColumn.objects.bulk_create(
        [WebsiteColumn(website=website, position=i, **{k: (c[k] if c[k] is not None else "") for k in COLUMN_FIELDS})
         for i, c in enumerate(columns, start=1)], batch_size=2000)


def _columns_snapshot(website: Website) -> list[dict]:
    return [{k: getattr(c, k) for k in COLUMN_FIELDS} for c in website.columns.order_by("position")]


def _empty_is_empty(value):
    return None if value in (None, "", [], ()) else value


def same_data(a: dict, b: dict) -> bool:
    """Filed data compared as the clerk sees it: an empty cell, an empty text and
    an empty list are the same nothing (a workbook reads back None for all)."""
    return all(_empty_is_empty(a.get(k)) == _empty_is_empty(b.get(k)) for k in set(a) | set(b))


def is_unchanged(website: Website, filing: Filing, *, data: dict | None = None, columns: list | None = None) -> bool:
    """Does the filing say what the record (or the given version) already says?"""
    data = website.data if data is None else data
    columns = _columns_snapshot(website) if columns is None else columns
    return same_data(filing.basic, data) and _ordered_columns(filing.columns) == _ordered_columns(columns)


@transaction.atomic
def replace_pending(*, actor, website: Website, filing: Filing, request=None) -> Website:
    """A corrected file re-imported while the record still waits at the importer's
    own level: the new data replaces the pending version (nobody has approved it)."""
    website = _locked(website.pk)
    if website.site_code or website.status != S.SUBMITTED or website.pending_at_id != actor.unit_id:
        raise InvalidState("该网站正在上级审核中，不能导入覆盖")
    if ReviewEvent.objects.filter(website=website, version=website.version, action=A.APPROVE).exists():
        raise InvalidState("该网站已有审核通过记录，请先撤销审核或退回后再导入")
    fields = _site_fields(filing.basic)
    _check_identity(website.unit, fields["url_key"], exclude_pk=website.pk)
    for key, value in fields.items():
        setattr(website, key, value)
    website.data = dict(filing.basic)
    website.save()
    columns = _ordered_columns(filing.columns)
    _replace_columns(website, columns)
    WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.PENDING).update(
        data=website.data, columns=columns, source="import")
    ReviewEvent.objects.create(website=website, version=website.version, action=A.IMPORT, actor=actor,
                               level=actor.unit, reason="导入更正后的数据")
    record("website_saved", actor=actor, request=request, obj=website, via="import")
    return website


def registered_elsewhere(url_key: str, *, exclude_pk=None) -> Website | None:
    """Another open site (not closed, not merged) with the same normalised
    homepage URL: one site, one record, one code."""
    if not url_key:
        return None
    rest = url_key.split("://", 1)[-1]
    keys = [f"http://{rest}", f"https://{rest}"]  # the same site over http and https
    return (Website.objects.filter(url_key__in=keys).exclude(pk=exclude_pk)
            .exclude(life__in=[Website.Life.CLOSED, Website.Life.MERGED])
            .select_related("unit").order_by(F("site_code").asc(nulls_last=True), "id").first())


def clash_message(clash: Website) -> str:
    code = f"（网站标识码 {clash.site_code}）" if clash.site_code else f"（{clash.get_status_display()}）"
    return (f"首页网址已由“{clash.unit.name}”登记为“{clash.name}”{code}，同一网站只能登记一次、"
            f"只有一个网站标识码；如是同一网站，请由其主管单位办理")


def _check_identity(unit: Unit, url_key: str, exclude_pk=None) -> None:
    if not url_key:
        raise InvalidInput("请填写首页网址", field="homepage_url")
    clash = Website.objects.filter(unit=unit, url_key=url_key).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise Duplicate(f"本单位已登记首页网址相同的网站“{clash.name}”", field="homepage_url")
    clash = registered_elsewhere(url_key, exclude_pk=exclude_pk)
    if clash is not None and clash.site_code:
        raise Duplicate(clash_message(clash), field="homepage_url")


@transaction.atomic
def save_draft(*, actor, unit: Unit, filing: Filing, website: Website | None = None, request=None,
               via: str = "online") -> Website:
    """Create or edit a record that is not in review (draft or returned)."""
    if via == "online" and not policy.may_file_for(actor, unit):
        raise NotAllowed("只能填报本单位的网站")
    if website is not None:
        website = Website.objects.select_for_update().get(pk=website.pk)
        if website.unit_id != unit.pk:
            raise InvalidInput("网站不属于该单位")
        if website.status not in (S.DRAFT, S.RETURNED) or website.site_code:
            raise InvalidState("该网站正在审核或已通过审核，不能直接修改；已通过的网站请提交变更申请")
    check_window(unit)
    fields = _site_fields(filing.basic)
    _check_identity(unit, fields["url_key"], exclude_pk=website.pk if website else None)
    if website is None:
        website = Website(unit=unit, organizer=responsible_organizer(unit), status=S.DRAFT)
    for key, value in fields.items():
        setattr(website, key, value)
    website.data = dict(filing.basic)
    website.save()
    _replace_columns(website, _ordered_columns(filing.columns))
    record("website_saved", actor=actor, request=request, obj=website, via=via)
    return website


def _new_version(website: Website, *, actor, data: dict, columns: list[dict], source: str, note: str = ""):
    number = (WebsiteVersion.objects.filter(website=website).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    return WebsiteVersion.objects.create(website=website, number=number, data=data, columns=columns,
                                         source=source, note=note[:300], created_by=actor)


@transaction.atomic
def submit(*, actor, website: Website, request=None, via: str = "online") -> Website:
    """Submit a draft or returned record into review at its organizing unit."""
    website = Website.objects.select_for_update(of=("self",)).select_related("unit").get(pk=website.pk)
    if via == "online" and not policy.may_file_for(actor, website.unit):
        raise NotAllowed("只能报送本单位的网站")
    if website.status not in (S.DRAFT, S.RETURNED) or website.site_code:
        raise InvalidState(f"该网站当前状态为“{website.get_status_display()}”，不能报送")
    for code, message in check_site_rules(load_forms()["basic_info"], column_count=website.columns.count()):
        raise InvalidInput(message, field=code if code != "homepage_url" else "columns")
    late = check_window(website.unit)
    version = _new_version(website, actor=actor, data=website.data, columns=_columns_snapshot(website),
                           source=via)
    chain = review_chain(website.unit)
    website.status = S.SUBMITTED
    website.pending_at = chain[0]
    website.return_reason = ""
    website.submitted_at = timezone.now()
    website.is_late = website.is_late or late
    website.version = version.number
    website.save()
    ReviewEvent.objects.create(website=website, version=version.number, action=A.SUBMIT, actor=actor,
                               level=chain[0], reason="逾期报送" if late else "")
    record("website_submitted", actor=actor, request=request, obj=website, late=late)
    return website


# ---------------------------------------------------------------- review

def _check_reviewer(actor, website: Website) -> None:
    policy.check_review(actor)
    if website.status != S.SUBMITTED or website.pending_at_id is None:
        raise InvalidState(f"该网站当前状态为“{website.get_status_display()}”，没有待审核的内容")
    if website.pending_at_id != actor.unit_id:
        chain = review_chain(website.unit)
        levels = [u.pk for u in chain]
        if actor.unit_id in levels and levels.index(actor.unit_id) > levels.index(website.pending_at_id):
            raise InvalidState(f"下级“{website.pending_at.name}”尚未审核通过，本级暂不能审核")
        raise InvalidState("该网站已由本级审核，正在上级审核中")


def _locked(pk) -> Website:
    return Website.objects.select_for_update(of=("self",)).select_related("unit", "pending_at").get(pk=pk)


def _allocate_code(organizer: Unit) -> str:
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


def _site_account(website: Website, verification: str, actor=None, request=None) -> None:
    """The site's identifier-code login, issued by accounts' own service (audited)."""
    account_services.issue_site_account(
        website=website, verification=verification, actor=actor, request=request,
        active=website.life not in (Website.Life.CLOSED, Website.Life.MERGED))


def _mail_codes(website: Website, verification: str) -> None:
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


def _apply_version(website: Website, version: WebsiteVersion) -> None:
    data = dict(version.data)
    if version.source == "life":
        website.life = data.get("life", website.life)
        website.life_reason = data.get("life_reason", "")
        website.merged_into_id = data.get("merged_into") or None
        if data.get("new_url"):  # 迁移: the site carries on at its new address, with its code
            website.homepage_url = data["new_url"][:500]
            website.url_key = normalize_url(data["new_url"])
            website.data = {**website.data, "homepage_url": data["new_url"]}
        if website.life in (Website.Life.CLOSED, Website.Life.MERGED) and website.site_code:
            account_services.set_site_account_active(site_code=website.site_code, active=False)
        return
    for key, value in _site_fields(data).items():
        setattr(website, key, value)
    website.data = data
    _replace_columns(website, version.columns)


@transaction.atomic
def approve(*, actor, website: Website, request=None) -> Website:
    website = _locked(website.pk)
    _check_reviewer(actor, website)
    chain = review_chain(website.unit)
    levels = [u.pk for u in chain]
    here = levels.index(actor.unit_id)
    version = pending_version(website)
    if here + 1 < len(chain):
        website.pending_at = chain[here + 1]
        website.save(update_fields=["pending_at", "updated_at"])
        ReviewEvent.objects.create(website=website, version=website.version, action=A.APPROVE, actor=actor,
                                   level=actor.unit)
        record("website_approved", actor=actor, request=request, obj=website, level=actor.unit.name)
        return website
    # Final approval: the record is locked; a first approval gives the codes.
    if version is not None and version.source != "life":
        new_key = normalize_url(version.data.get("homepage_url", ""))
    elif version is not None and version.data.get("new_url"):
        new_key = normalize_url(version.data["new_url"])
    else:
        new_key = website.url_key
    clash = registered_elsewhere(new_key, exclude_pk=website.pk)
    if clash is not None and clash.site_code:
        raise Duplicate(clash_message(clash), field="homepage_url")
    WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.CURRENT).update(
        state=WebsiteVersion.State.SUPERSEDED)
    if version is not None:
        version.state = WebsiteVersion.State.CURRENT
        version.save(update_fields=["state"])
        _apply_version(website, version)
    verification = None
    if not website.site_code:
        website.site_code = _allocate_code(website.organizer)
        verification = new_verification_code()
        website.verification_hash = make_password(verification)
    website.status = S.APPROVED
    website.pending_at = None
    website.approved_at = timezone.now()
    website.save()
    ReviewEvent.objects.create(website=website, version=website.version, action=A.FINAL, actor=actor,
                               level=actor.unit, reason=f"网站标识码 {website.site_code}" if verification else "")
    if verification:
        _site_account(website, verification, actor, request)
        _mail_codes(website, verification)
    record("website_final_approved", actor=actor, request=request, obj=website, site_code=website.site_code)
    return website


@transaction.atomic
def return_record(*, actor, website: Website, reason: str, request=None) -> Website:
    """Return to the reporting unit with a reason (any level while it waits there;
    records approved below are returned with it)."""
    website = _locked(website.pk)
    _check_reviewer(actor, website)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    version = pending_version(website)
    if version is not None:
        version.state = WebsiteVersion.State.REJECTED
        version.save(update_fields=["state"])
    # A change request that is returned leaves the approved record as it was.
    website.status = S.APPROVED if website.site_code else S.RETURNED
    website.pending_at = None
    website.return_reason = reason[:500]
    website.save(update_fields=["status", "pending_at", "return_reason", "updated_at"])
    ReviewEvent.objects.create(website=website, version=website.version, action=A.RETURN, actor=actor,
                               level=actor.unit, reason=reason[:500])
    record("website_returned", actor=actor, request=request, obj=website, reason=reason)
    return website


def may_undo(actor, website: Website, chain: list[Unit] | None = None) -> bool:
    """The actor's level approved and the level just above has not decided yet."""
    if website.status != S.SUBMITTED:
        return False
    return policy.may_undo(actor, website, [u.pk for u in (chain if chain is not None else review_chain(website.unit))])


@transaction.atomic
def undo_approval(*, actor, website: Website, request=None) -> Website:
    """A level may undo its approval while the level above has not decided."""
    website = _locked(website.pk)
    if website.status != S.SUBMITTED or website.pending_at_id is None:
        raise InvalidState("只有审核中的网站可以撤销审核")
    if not may_undo(actor, website):
        raise InvalidState("上级已审核或本级未审核该网站，不能撤销审核")
    website.pending_at = actor.unit
    website.save(update_fields=["pending_at", "updated_at"])
    ReviewEvent.objects.create(website=website, version=website.version, action=A.UNDO, actor=actor,
                               level=actor.unit)
    record("website_approval_undone", actor=actor, request=request, obj=website)
    return website


@dataclass
class BulkResult:
    done: list[Website] = field(default_factory=list)
    refused: list[tuple[Website, str]] = field(default_factory=list)


def bulk(*, actor, websites, action: str, reason: str = "", request=None) -> BulkResult:
    """Approve or return many records; each succeeds or is refused on its own."""
    result = BulkResult()
    if action == "return" and not (reason or "").strip():
        raise InvalidInput("批量退回时请填写原因", field="reason")
    for website in websites:
        try:
            if action == "approve":
                result.done.append(approve(actor=actor, website=website, request=request))
            else:
                result.done.append(return_record(actor=actor, website=website, reason=reason, request=request))
        except (InvalidState, NotAllowed, InvalidInput) as error:
            result.refused.append((website, error.message))
    return result


# ---------------------------------------------------------------- after approval

def _check_owner(actor, website: Website) -> None:
    policy.check_change(actor, website)


def _start_review(actor, website: Website, version: WebsiteVersion, action: str, request, event: str):
    chain = review_chain(website.unit)
    website.status = S.SUBMITTED
    website.pending_at = chain[0]
    website.return_reason = ""
    website.version = version.number
    website.save(update_fields=["status", "pending_at", "return_reason", "version", "updated_at"])
    ReviewEvent.objects.create(website=website, version=version.number, action=action, actor=actor,
                               level=chain[0], reason=version.note)
    record(event, actor=actor, request=request, obj=website, version=version.number)
    return website


@transaction.atomic
def request_change(*, actor, website: Website, filing: Filing, note: str = "", request=None,
                   via: str = "online") -> Website:
    """Any edit after approval: a new version through the same review."""
    website = _locked(website.pk)
    if via == "online":
        _check_owner(actor, website)
    if not website.site_code or website.status != S.APPROVED:
        raise InvalidState("只有已通过审核且没有待审变更的网站可以提交变更")
    if website.life in (Website.Life.CLOSED, Website.Life.MERGED):
        raise InvalidState(f"该网站已{website.get_life_display()}，不能提交变更")
    fields = _site_fields(filing.basic)
    _check_identity(website.unit, fields["url_key"], exclude_pk=website.pk)
    columns = _ordered_columns(filing.columns)
    if is_unchanged(website, filing):
        raise InvalidState("内容没有变化")
    version = _new_version(website, actor=actor, data=dict(filing.basic), columns=columns, source="change",
                           note=note or "变更申请")
    return _start_review(actor, website, version, A.CHANGE, request, "website_change_requested")


LIFE_CHANGES = {Website.Life.CLOSED, Website.Life.MERGED, Website.Life.MIGRATED, Website.Life.EXCEPTION,
                Website.Life.OPEN}


@transaction.atomic
def request_life_change(*, actor, website: Website, life: str, reason: str,
                        merged_into: Website | None = None, new_url: str = "", request=None) -> Website:
    """关停, 整合, 迁移, 例外: approved like any change; the code is kept."""
    website = _locked(website.pk)
    _check_owner(actor, website)
    if not website.site_code or website.status != S.APPROVED:
        raise InvalidState("只有已通过审核且没有待审变更的网站可以申请状态变更")
    if life not in LIFE_CHANGES or life == website.life:
        raise InvalidInput("请选择新的运行状态", field="life")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写状态变更的原因", field="reason")
    if life == Website.Life.MERGED:
        if merged_into is None or not merged_into.site_code or merged_into.pk == website.pk:
            raise InvalidInput("整合须指定已有标识码的目标网站", field="merged_into")
        if merged_into.life in (Website.Life.CLOSED, Website.Life.MERGED):
            raise InvalidInput(f"目标网站“{merged_into.name}”已{merged_into.get_life_display()}", field="merged_into")
        organizer = responsible_organizer(website.unit)
        if not merged_into.unit.path.startswith(organizer.path):
            raise InvalidInput(f"只能整合到“{organizer.name}”范围内的网站；“{merged_into.name}”"
                               f"（{merged_into.unit.name}）不在范围内，请由双方的组织单位协商办理", field="merged_into")
    data = {"life": life, "life_reason": reason[:300], "merged_into": merged_into.pk if merged_into else None}
    if life == Website.Life.MIGRATED:
        from .formspec.spec import _check_url

        clean, _hint = _check_url(str(new_url or "").strip())
        if not clean:
            raise InvalidInput("迁移须填写迁移后的首页网址（以 http:// 或 https:// 开头）", field="new_url")
        if normalize_url(clean) == website.url_key:
            raise InvalidInput("迁移后的首页网址与原网址相同", field="new_url")
        _check_identity(website.unit, normalize_url(clean), exclude_pk=website.pk)
        data["new_url"] = clean
    version = _new_version(website, actor=actor, data=data, columns=[], source="life",
                           note=f"申请{Website.Life(life).label}：{reason}")
    return _start_review(actor, website, version, A.LIFE, request, "website_life_requested")


def active_websites():
    """Sites that take part in later phases: closed and merged ones drop out."""
    return Website.objects.filter(site_code__isnull=False).exclude(
        life__in=[Website.Life.CLOSED, Website.Life.MERGED])


@transaction.atomic
def reset_verification_code(*, actor, website: Website, request=None) -> str:
    website = _locked(website.pk)
    if not policy.may_reset_code(actor, website):
        if policy.is_owner(actor, website):  # the site's own unit and login ask their organizing unit
            raise policy.RESET_CODE.refuse()
        orgs_policy.check_manage_unit(actor, website.unit)
        raise policy.RESET_CODE.refuse()
    if not website.site_code:
        raise InvalidState("该网站尚未获得网站标识码")
    verification = new_verification_code()
    website.verification_hash = make_password(verification)
    website.save(update_fields=["verification_hash", "updated_at"])
    _site_account(website, verification, actor, request)
    _mail_codes(website, verification)
    record("verification_reset", actor=actor, request=request, obj=website)
    return verification


def remind_not_reported(*, actor, request=None) -> int:
    """E-mail the accounts of units below that have not reported yet."""
    from sitecensus.accounts.models import User

    from .selectors import units_not_reported

    policy.REMIND.check(policy.may_remind(actor))
    units = list(units_not_reported(actor.unit))
    phase = inventory_phase()
    deadline = f"{phase.closes_on:%Y年%m月%d日}" if phase else "截止日期"
    sent = 0
    for account in User.objects.filter(unit__in=units, is_active=True).exclude(email=""):
        send_mail("请尽快报送政府网站基本信息",
                  f"{account.unit.name}：请于{deadline}前通过全国政府网站信息报送系统报送本单位政府网站的"
                  f"《政府网站基本信息表》和《政府网站栏目（系统）基本信息表》。——{actor.unit.name}",
                  settings.DEFAULT_FROM_EMAIL, [account.email], fail_silently=True)
        sent += 1
    record("reminders_sent", actor=actor, request=request, units=len(units), emails=sent)
    return sent
