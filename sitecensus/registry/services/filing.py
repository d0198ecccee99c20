"""Online filing: a draft saved and edited, a corrected file replacing a version
still pending at the importer's own level, submission into review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.orgs.models import Unit

from .. import policy
from ..formspec.spec import check_filed, load_forms
from ..models import ReviewEvent, Website, WebsiteVersion
from .chain import locked, responsible_organizer, review_chain
from .deadlines import check_window
from .records import (COLUMN_CODES, Filing, check_first_status, check_identity, check_site_class, columns_snapshot,
                      new_version, ordered_columns, replace_columns, site_fields, sync_domains)

S = Website.Status
A = ReviewEvent.Action


@transaction.atomic
def replace_pending(*, actor, website: Website, filing: Filing, request=None) -> Website:
    """A corrected file re-imported while the record still waits at the importer's
    own level: the new data replaces the pending version (nobody has approved it)."""
    website = locked(website.pk)
    if website.site_code or not website.in_review or website.pending_at_id != actor.unit_id:
        raise InvalidState("该网站正在上级审核中，不能导入覆盖")
    if ReviewEvent.objects.filter(website=website, version=website.version, action=A.APPROVE).exists():
        raise InvalidState("该网站已有审核通过记录，请先撤销审核或退回后再导入")
    fields = site_fields(filing.basic, filing.keys)
    check_first_status(filing.basic)
    check_identity(website.unit, filing.basic, exclude_pk=website.pk, keys=filing.keys)
    check_site_class(website.unit, fields["site_class"])
    for key, value in fields.items():
        setattr(website, key, value)
    website.data = dict(filing.basic)
    website.save()
    sync_domains(website, filing.keys)
    columns = ordered_columns(filing.columns)
    replace_columns(website, columns)
    WebsiteVersion.objects.filter(website=website, state=WebsiteVersion.State.PENDING).update(
        data=website.data, columns=columns, source="import")
    ReviewEvent.objects.create(website=website, version=website.version, action=A.IMPORT, actor=actor,
                               level=actor.unit, reason="导入更正后的数据")
    record("website_saved", actor=actor, request=request, obj=website, via="import")
    return website


def completeness_problems(website: Website) -> list[str]:
    """The whole rule set on a saved record (a draft may be incomplete): each
    problem names its field, and its column row."""
    forms = load_forms()
    codes = {stored: code for code, stored in COLUMN_CODES.items()}
    columns = [{codes[k]: v for k, v in column.items() if k in codes} for column in columns_snapshot(website)]
    problems = []
    for number, code, message in check_filed(forms, website.data or {}, columns):
        if number is None:
            problems.append(f"“{forms['basic_info'].field(code).label}”：{message}")
        else:
            problems.append(f"栏目第 {number} 行“{forms['columns'].field(code).label}”：{message}")
    return problems


def check_complete(website: Website) -> None:
    problems = completeness_problems(website)
    if problems:
        shown = "；".join(problems[:20]) + (f"；等共 {len(problems)} 处" if len(problems) > 20 else "")
        raise InvalidInput(f"尚未填写完整，不能报送：{shown}。请修改后再报送", field="basic")


@transaction.atomic
def save_draft(*, actor, unit: Unit, filing: Filing, website: Website | None = None, request=None,
               via: str = "online") -> Website:
    """Create or edit a record that is not in review (draft or returned). A draft
    is saved as typed, complete or not; submission applies the whole rule set."""
    if via == "online" and not policy.may_file_for(actor, unit):
        raise NotAllowed("只能填报本单位的网站")
    if website is not None:
        website = Website.objects.select_for_update().get(pk=website.pk)
        if website.unit_id != unit.pk:
            raise InvalidInput("网站不属于该单位")
        if not website.is_editable or website.site_code:
            raise InvalidState("该网站正在审核或已通过审核，不能直接修改；已通过的网站请提交变更申请")
    check_window(unit)
    fields = site_fields(filing.basic, filing.keys)
    check_first_status(filing.basic)
    check_identity(unit, filing.basic, exclude_pk=website.pk if website else None, keys=filing.keys)
    check_site_class(unit, fields["site_class"])
    if website is None:
        website = Website(unit=unit, organizer=responsible_organizer(unit), status=S.DRAFT)
    for key, value in fields.items():
        setattr(website, key, value)
    website.data = dict(filing.basic)
    website.save()
    sync_domains(website, filing.keys)
    replace_columns(website, ordered_columns(filing.columns))
    record("website_saved", actor=actor, request=request, obj=website, via=via)
    return website


@transaction.atomic
def submit(*, actor, website: Website, request=None, via: str = "online") -> Website:
    """Submit a draft or returned record into review at its organizing unit."""
    website = Website.objects.select_for_update(of=("self",)).select_related("unit").get(pk=website.pk)
    if via == "online" and not policy.may_file_for(actor, website.unit):
        raise NotAllowed("只能报送本单位的网站")
    if not website.is_editable or website.site_code:
        raise InvalidState(f"该网站当前状态为“{website.get_status_display()}”，不能报送")
    check_complete(website)
    late = check_window(website.unit)
    version = new_version(website, actor=actor, data=website.data, columns=columns_snapshot(website), source=via)
    chain = review_chain(website.unit)
    website.pending_at = chain[0]
    website.return_reason = ""
    website.submitted_at = timezone.now()
    website.is_late = website.is_late or late
    website.version = version.number
    lifecycle.fire(website, "submit", actor=actor, request=request, late=late)
    website.save()
    ReviewEvent.objects.create(website=website, version=version.number, action=A.SUBMIT, actor=actor,
                               level=chain[0], reason="逾期报送" if late else "")
    return website
