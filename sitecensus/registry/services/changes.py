"""After approval: change requests and life changes (关停, 整合, 迁移, 例外), each a
new version through the same review; what an approved version does to the record."""

from __future__ import annotations

from django.db import transaction

from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState

from .. import policy
from ..formspec.spec import _check_url, normalize_url
from ..models import ReviewEvent, Website, WebsiteVersion
from . import life as life_steps
from .chain import locked, responsible_organizer, review_chain
from .records import (Filing, check_identity, check_site_class, is_unchanged, new_version, ordered_columns,
                      replace_columns, site_fields, sync_domains)

A = ReviewEvent.Action
LIFE_CHANGES = {Website.Life.CLOSED, Website.Life.MERGED, Website.Life.MIGRATED, Website.Life.EXCEPTION,
                Website.Life.OPEN}


def _start_review(actor, website: Website, version: WebsiteVersion, action: str, request, transition: str):
    chain = review_chain(website.unit)
    website.pending_at = chain[0]
    website.return_reason = ""
    website.version = version.number
    lifecycle.fire(website, transition, actor=actor, request=request, version=version.number)
    website.save(update_fields=["status", "pending_at", "return_reason", "version", "updated_at"])
    ReviewEvent.objects.create(website=website, version=version.number, action=action, actor=actor,
                               level=chain[0], reason=version.note)
    return website


@transaction.atomic
def request_change(*, actor, website: Website, filing: Filing, note: str = "", request=None) -> Website:
    """Checked: a person asks for a change of a site it may change."""
    policy.check_change(actor, locked(website.pk))
    return do_request_change(actor=actor, website=website, filing=filing, note=note, request=request)


@transaction.atomic
def do_request_change(*, actor, website: Website, filing: Filing, note: str = "", request=None) -> Website:
    """Trusted: any edit after approval, a new version through the same review, for a caller that has
    checked the actor's right itself (a workbook import; a discovery decision by the office that may
    decide it)."""
    website = locked(website.pk)
    if not website.site_code or not website.is_approved:
        raise InvalidState("只有已通过审核且没有待审变更的网站可以提交变更")
    if website.is_gone:
        raise InvalidState(f"该网站已{website.get_life_display()}，不能提交变更")
    status = filing.basic.get("running_status")
    if status and LIFE_BY_LABEL.get(status, website.form_life) != website.form_life:
        raise InvalidInput(f"运行状态由“{website.get_form_life_display()}”改为“{status}”须申请运行状态变更（说明原因，"
                           f"逐级审核），不能作为信息变更提交", field="running_status")
    filing = Filing(basic={k: v for k, v in filing.basic.items() if k not in LIFE_FIELDS}, columns=filing.columns)
    fields = site_fields(filing.basic)
    check_identity(website.unit, filing.basic, exclude_pk=website.pk)
    check_site_class(website.unit, fields["site_class"])
    columns = ordered_columns(filing.columns)
    if is_unchanged(website, filing):
        raise InvalidState("内容没有变化")
    version = new_version(website, actor=actor, data=dict(filing.basic), columns=columns, source="change",
                          note=note or "变更申请")
    return _start_review(actor, website, version, A.CHANGE, request, "request_change")


LIFE_BY_LABEL = {label: value for value, label in Website.Life.choices}  # 运行状态 in the form ↔ the lifecycle
LIFE_FIELDS = ("life_reason", "merged_into", "new_url")
FIRST_LIVES = {"正常运行": Website.Life.OPEN, "例外": Website.Life.EXCEPTION}  # a record without a code yet  # the form's fields that only carry a life-change request


def life_request(website: Website, *, life: str, reason: str, merged_into: Website | None = None,
                 new_url: str = "") -> dict:
    """A life change checked (the online form, the workbook's 运行状态 and the API alike): the
    version data it will be reviewed as, or InvalidInput naming the field."""
    if not website.site_code or not website.is_approved:
        raise InvalidState("只有已通过审核且没有待审变更的网站可以申请状态变更")
    if not website.may_request_life_change:
        raise InvalidState(f"网站“{website.name}”当前运行状态为“{website.get_life_display()}”，不能申请运行状态变更")
    if life not in LIFE_CHANGES or life == website.life:
        raise InvalidInput("请选择新的运行状态", field="life")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写状态变更的原因", field="reason")
    if life == Website.Life.MERGED:
        if merged_into is None or not merged_into.site_code or merged_into.pk == website.pk:
            raise InvalidInput("整合须指定已有标识码的目标网站", field="merged_into")
        if merged_into.is_gone:
            raise InvalidInput(f"目标网站“{merged_into.name}”已{merged_into.get_life_display()}", field="merged_into")
        organizer = responsible_organizer(website.unit)
        if not merged_into.unit.path.startswith(organizer.path):
            raise InvalidInput(f"只能整合到“{organizer.name}”范围内的网站；“{merged_into.name}”"
                               f"（{merged_into.unit.name}）不在范围内，请由双方的组织单位协商办理", field="merged_into")
    data = {"life": life, "life_reason": reason[:300], "merged_into": merged_into.pk if merged_into else None}
    if life == Website.Life.MIGRATED:
        clean, _hint = _check_url(str(new_url or "").strip())
        if not clean:
            raise InvalidInput("迁移须填写迁移后的首页网址（以 http:// 或 https:// 开头）", field="new_url")
        if normalize_url(clean) == website.url_key:
            raise InvalidInput("迁移后的首页网址与原网址相同", field="new_url")
        check_identity(website.unit, {"homepage_url": clean}, exclude_pk=website.pk)
        data["new_url"] = clean
    return data


@transaction.atomic
def request_life_change(*, actor, website: Website, life: str, reason: str,
                        merged_into: Website | None = None, new_url: str = "", request=None) -> Website:
    """Checked: a person asks for a life change of a site it may change."""
    policy.check_change(actor, locked(website.pk))
    return do_request_life_change(actor=actor, website=website, life=life, reason=reason,
                                  merged_into=merged_into, new_url=new_url, request=request)


@transaction.atomic
def do_request_life_change(*, actor, website: Website, life: str, reason: str,
                           merged_into: Website | None = None, new_url: str = "", request=None) -> Website:
    """Trusted: 关停, 整合, 迁移, 例外, approved like any change (the code is kept), for a caller that has
    checked the actor's right itself (the workbook's 运行状态: the import checks the importer's right)."""
    website = locked(website.pk)
    data = life_request(website, life=life, reason=reason, merged_into=merged_into, new_url=new_url)
    version = new_version(website, actor=actor, data=data, columns=[], source="life",
                          note=f"申请{Website.Life(life).label}：{data['life_reason']}")
    return _start_review(actor, website, version, A.LIFE, request, "request_life_change")


def apply_version(website: Website, version: WebsiteVersion, *, actor=None, request=None) -> None:
    """What an approved version does to the record (the caller saves it). A life change starts its
    declared steps (关停, 整合, 迁移: the notice period first — registry.services.life)."""
    data = dict(version.data)
    if version.source == "life":
        life_steps.start_life_change(website, data, actor=actor, request=request)
        return
    for key, value in site_fields(data).items():
        setattr(website, key, value)
    if not website.site_code:  # a first approval: the reviewed 运行状态 is where its lifecycle starts
        life_steps.go_live_at_final_approval(website, actor=actor, request=request)
        if FIRST_LIVES.get(data.get("running_status")) == Website.Life.EXCEPTION:
            lifecycle.fire(website, "declare_exception", actor=actor, request=request)
    website.data = data
    replace_columns(website, version.columns)
    sync_domains(website)
