"""Writes on new-media accounts: filing (online and by workbook), the level-by-level review
through the websites' review chain (registry.services.chain), the registry number, and the
life changes (变更 / 关停 / 注销) as requests with reasons. Each write owns its transaction,
its audit event (the declared transition's) and its typed error."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.orgs.models import Unit
from sitecensus.registry.formspec.parser import read_form_sheet
from sitecensus.registry.formspec.spec import validate_value
from sitecensus.registry.imports import unit_by_code
from sitecensus.registry.services.chain import responsible_organizer, review_chain

from . import policy, rules
from .models import MediaAccount, MediaEvent, MediaSequence

A = MediaEvent.Action
L = MediaAccount.Life
FIELDS = tuple(f.code for f in rules.form().fields)
REQUEST_LIFE = {"change": L.CHANGED, "close": L.CLOSED, "cancel": L.CANCELLED}


# ---------------------------------------------------------------- values

def clean(values: dict, *, required: bool = True) -> tuple[dict, list[tuple[str, str]]]:
    """The form's values, each checked by its field's definition (formspec.validate_value):
    (clean values, [(field code, Chinese message naming the field)])."""
    out, errors = {}, []
    for spec in rules.form().fields:
        value, message = validate_value(spec, values.get(spec.code), required=required and spec.required)
        if message:
            errors.append((spec.code, f"“{spec.label}”：{message}"))
        out[spec.code] = value
    return out, errors


def _check(values: dict, *, required: bool) -> dict:
    cleaned, errors = clean(values, required=required)
    if errors:
        code, message = errors[0]
        raise InvalidInput("；".join(m for _c, m in errors), field=code)
    return cleaned


def _apply(account: MediaAccount, values: dict) -> None:
    for code in FIELDS:
        value = values.get(code)
        if code == "opened_on":
            value = dt.date.fromisoformat(value) if value else None
        elif code == "is_certified":
            value = bool(value)
        else:
            value = value or ""
        setattr(account, code, value)


def as_values(account: MediaAccount) -> dict:
    """The account's filed values by field code (what the form and the workbook show)."""
    values = {code: getattr(account, code) for code in FIELDS}
    values["opened_on"] = account.opened_on.isoformat() if account.opened_on else None
    return values


def _locked(pk) -> MediaAccount:
    return MediaAccount.objects.select_for_update(of=("self",)).select_related("unit", "pending_at").get(pk=pk)


# ---------------------------------------------------------------- filing

@transaction.atomic
def save_draft(*, actor, unit: Unit, values: dict, account: MediaAccount | None = None, request=None,
               source: str = "online") -> MediaAccount:
    """Save what is typed (each value typed is checked for its format; nothing is required yet)."""
    policy.check_file(actor, unit)
    cleaned = _check(values, required=False)
    if account is None:
        account = MediaAccount(unit=unit, organizer=responsible_organizer(unit), source=source)
    else:
        account = _locked(account.pk)
        if account.unit_id != unit.pk or not account.is_editable:
            raise InvalidState(f"政务新媒体“{account}”当前状态为“{account.get_status_display()}”，不能修改")
    _apply(account, cleaned)
    account.save()
    return account


def _into_review(actor, account: MediaAccount, request, *, name: str, **details) -> None:
    chain = review_chain(account.unit)
    account.pending_at = chain[0]
    account.submitted_at = timezone.now()
    account.return_reason = ""
    lifecycle.fire(account, name, actor=actor, request=request, **details)
    account.save()


@transaction.atomic
def submit(*, actor, account: MediaAccount, request=None) -> MediaAccount:
    """报送: the whole rule set on the saved record, then into review at the organizing unit above."""
    account = _locked(account.pk)
    if not policy.may_file_for(actor, account.unit) and not policy.may_import_for(actor, account.unit):
        raise policy.FILE.refuse()
    _check(as_values(account), required=True)
    _into_review(actor, account, request, name="submit")
    MediaEvent.objects.create(account=account, action=A.SUBMIT, actor=actor)
    return account


def file_account(*, actor, unit: Unit, values: dict, request=None) -> MediaAccount:
    """File an account online in one step: saved, then submitted."""
    with transaction.atomic():
        account = save_draft(actor=actor, unit=unit, values=values, request=request)
        return submit(actor=actor, account=account, request=request)


@transaction.atomic
def request_life(*, actor, account: MediaAccount, kind: str, reason: str, on=None, values: dict | None = None,
                 request=None) -> MediaAccount:
    """变更 / 关停 / 注销 as a request with its reason (and date), reviewed like a filing;
    a 变更 carries the changed values. The approved record stays until the request is approved."""
    account = _locked(account.pk)
    policy.check_change(actor, account)
    if kind not in REQUEST_LIFE:
        raise InvalidInput("请选择申请类型：变更、关停或注销", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"申请{MediaAccount.Request(kind).label}时请填写原因", field="reason")
    if kind == "close" and account.is_closed:
        raise InvalidState(f"政务新媒体“{account}”已关停")
    on_text = on.isoformat() if isinstance(on, dt.date) else (on or timezone.localdate().isoformat())
    try:
        dt.date.fromisoformat(on_text)
    except ValueError:
        raise InvalidInput(f"“日期”格式不正确：“{on_text}”，应为 2026-01-31 这样的日期", field="on") from None
    data = _check(values or {}, required=True) if kind == "change" else {}
    account.pending = {"kind": kind, "data": data, "reason": reason[:300], "on": on_text}
    _into_review(actor, account, request, name="request_change", kind=kind, reason=reason[:300])
    MediaEvent.objects.create(account=account, action=A.REQUEST, actor=actor,
                              reason=f"申请{MediaAccount.Request(kind).label}：{reason}"[:500])
    return account


# ---------------------------------------------------------------- review (the websites' chain and rules)

def _check_reviewer(actor, account: MediaAccount) -> list[int]:
    policy.check_review(actor)
    if not account.in_review or account.pending_at_id is None:
        raise InvalidState(f"政务新媒体“{account}”当前状态为“{account.get_status_display()}”，没有待审核的内容")
    levels = [u.pk for u in review_chain(account.unit)]
    if account.pending_at_id != actor.unit_id:
        if actor.unit_id in levels and levels.index(actor.unit_id) > levels.index(account.pending_at_id):
            raise InvalidState(f"下级“{account.pending_at.name}”尚未审核通过，本级暂不能审核")
        raise InvalidState("该账号不在本级待审，或已由本级审核、正在上级审核中")
    return levels


def allocate_code(organizer: Unit) -> str:
    """The next registry number of an organizing unit's new-media series: its code, the series
    letter and a sequence (rules.json: 'M' and 5 digits), exactly once (the sequence row is locked)."""
    series = rules.rules()["code_series"]
    MediaSequence.objects.get_or_create(organizer=organizer)
    sequence = MediaSequence.objects.select_for_update().get(organizer=organizer)
    if sequence.last >= 10 ** series["digits"] - 1:
        raise InvalidState(f"“{organizer.name}”的政务新媒体登记编号已用尽")
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{organizer.org_code}{series['letter']}{sequence.last:0{series['digits']}d}"


def _apply_request(account: MediaAccount) -> str:
    request = account.pending or {}
    kind = request.get("kind")
    if not kind:
        return ""
    if kind == "change":
        _apply(account, request.get("data") or {})
    account.life = REQUEST_LIFE[kind]
    account.life_reason = request.get("reason", "")[:300]
    account.life_on = dt.date.fromisoformat(request["on"]) if request.get("on") else timezone.localdate()
    account.pending = {}
    return f"{MediaAccount.Request(kind).label}：{account.life_reason}"


@transaction.atomic
def approve(*, actor, account: MediaAccount, request=None) -> MediaAccount:
    account = _locked(account.pk)
    levels = _check_reviewer(actor, account)
    here = levels.index(actor.unit_id)
    if here + 1 < len(levels):
        account.pending_at_id = levels[here + 1]
        lifecycle.fire(account, "approve_level", actor=actor, request=request, level=actor.unit.name)
        account.save()
        MediaEvent.objects.create(account=account, action=A.APPROVE, actor=actor, level=actor.unit)
        return account
    note = _apply_request(account)
    if not account.media_code:
        account.media_code = allocate_code(account.organizer)
        note = f"登记编号 {account.media_code}"
    account.pending_at = None
    account.approved_at = timezone.now()
    lifecycle.fire(account, "approve_final", actor=actor, request=request, media_code=account.media_code)
    account.save()
    MediaEvent.objects.create(account=account, action=A.FINAL, actor=actor, level=actor.unit, reason=note[:500])
    return account


@transaction.atomic
def return_record(*, actor, account: MediaAccount, reason: str, request=None) -> MediaAccount:
    """Return with a reason (a request returned leaves the approved record as it was)."""
    account = _locked(account.pk)
    _check_reviewer(actor, account)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("退回时请填写原因", field="reason")
    account.pending_at = None
    account.pending = {}
    account.return_reason = reason[:500]
    lifecycle.fire(account, "return_change" if account.media_code else "return_filing", actor=actor,
                   request=request, reason=reason[:500])
    account.save()
    MediaEvent.objects.create(account=account, action=A.RETURN, actor=actor, level=actor.unit, reason=reason[:500])
    return account


@transaction.atomic
def undo_approval(*, actor, account: MediaAccount, request=None) -> MediaAccount:
    account = _locked(account.pk)
    levels = [u.pk for u in review_chain(account.unit)]
    if not policy.may_undo(actor, account, levels):
        raise InvalidState("上级已审核或本级未审核该账号，不能撤销审核")
    account.pending_at = actor.unit
    lifecycle.fire(account, "undo_approval", actor=actor, request=request)
    account.save()
    MediaEvent.objects.create(account=account, action=A.UNDO, actor=actor, level=actor.unit)
    return account


# ---------------------------------------------------------------- the workbook's 政务新媒体 sheet

class ImportRefused(InvalidInput):
    """A 政务新媒体 sheet that cannot be imported: every problem by file, sheet, row and column."""

    def __init__(self, message: str, *, problems: list, **where):
        super().__init__(message, **where)
        self.problems = problems


def _same(account: MediaAccount, values: dict) -> bool:
    return as_values(account) == {**values, "opened_on": values.get("opened_on")}


@transaction.atomic
def import_sheet(*, actor, data: bytes, filename: str, request=None) -> dict:
    """Import a unit's 政务新媒体 sheet: every row valid, or nothing saved (ImportRefused lists each
    problem by sheet, row and column). A row matching an account of the unit by platform and name
    updates its draft (or returned filing) and is submitted; an unchanged row is left alone."""
    sheet = read_form_sheet(data, filename=filename, form=rules.form())
    if sheet.errors:
        raise ImportRefused(f"文件“{filename}”有 {len(sheet.errors)} 处错误，未导入任何账号",
                            problems=sheet.errors, file=filename)
    unit = unit_by_code(sheet.meta.get("unit_code"))
    if unit is None:
        raise ImportRefused(f"文件“{filename}”的单位代码不是本系统的单位，未导入", problems=[], file=filename)
    policy.check_import(actor, unit)
    if not sheet.rows:
        raise ImportRefused(f"文件“{filename}”的工作表“{rules.form().sheet}”中没有填写任何账号", problems=[],
                            file=filename, sheet=rules.form().sheet)
    existing = {(a.platform, a.name): a for a in MediaAccount.objects.filter(unit=unit)}
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    seen = {}
    for row, values in sheet.rows:
        key = (values["platform"], values["name"])
        if key in seen:
            raise ImportRefused(f"文件“{filename}”工作表“{rules.form().sheet}”第 {row} 行与第 {seen[key]} 行是同一账号"
                                f"（{key[0]}“{key[1]}”），未导入", problems=[], file=filename, row=row)
        seen[key] = row
        account = existing.get(key)
        if account is not None and (not account.is_editable or _same(account, values)):
            counts["unchanged"] += 1
            continue
        account = save_draft(actor=actor, unit=unit, values=values, account=account, request=request,
                             source="import") if policy.may_file_for(actor, unit) else _draft_for(unit, values, account)
        counts["updated" if key in existing else "new"] += 1
        submit(actor=actor, account=account, request=request)
    record("media_imported", actor=actor, request=request, obj=unit, filename=filename[:200], **counts)
    return counts


def _draft_for(unit: Unit, values: dict, account: MediaAccount | None) -> MediaAccount:
    """The organizing unit above imports for the unit (its import right, checked by the caller)."""
    if account is None:
        account = MediaAccount(unit=unit, organizer=responsible_organizer(unit), source="import")
    _apply(account, values)
    account.save()
    return account


# ---------------------------------------------------------------- machine checks

@transaction.atomic
def record_check(*, account: MediaAccount, result: dict, latest: dt.date | None) -> MediaAccount:
    """A reading of the account's public page (scanner engine's media reader): its verdict and
    evidence; the latest post date when one was read (never erased by an unreadable page)."""
    account = _locked(account.pk)
    account.check_result = result
    account.last_checked_at = timezone.now()
    if latest is not None:
        account.last_post_on = latest
    account.save(update_fields=["check_result", "last_checked_at", "last_post_on", "updated_at"])
    return account
