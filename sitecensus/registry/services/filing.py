"""Online filing: a draft saved and edited, a corrected file replacing a version
still pending at the importer's own level, submission into review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle
from sitecensus.core.errors import CensusError, Duplicate, InvalidInput, InvalidState
from sitecensus.orgs.models import Unit

from .. import policy
from ..formspec.spec import check_filed, load_forms
from ..models import ReviewEvent, Website, WebsiteColumn, WebsiteDomain, WebsiteVersion
from .chain import locked, responsible_organizer, review_chain
from .deadlines import check_window
from .records import (COLUMN_CODES, COLUMN_FIELDS, Filing, check_first_status, check_identity, check_site_class,
                      columns_snapshot, find_clashes, hold_keys, new_version, ordered_columns, replace_columns,
                      site_fields, sync_domains)

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


def completeness_problems(website: Website, snapshot: list[dict] | None = None) -> list[str]:
    """The whole rule set on a saved record (a draft may be incomplete): each
    problem names its field, and its column row. ``snapshot``: its columns as stored
    (``columns_snapshot``), when the caller has just written them."""
    forms = load_forms()
    codes = {stored: code for code, stored in COLUMN_CODES.items()}
    snapshot = columns_snapshot(website) if snapshot is None else snapshot
    columns = [{codes[k]: v for k, v in column.items() if k in codes} for column in snapshot]
    problems = []
    for number, code, message in check_filed(forms, website.data or {}, columns):
        if number is None:
            problems.append(f"“{forms['basic_info'].field(code).label}”：{message}")
        else:
            problems.append(f"栏目第 {number} 行“{forms['columns'].field(code).label}”：{message}")
    return problems


def check_complete(website: Website, snapshot: list[dict] | None = None) -> None:
    problems = completeness_problems(website, snapshot)
    if problems:
        shown = "；".join(problems[:20]) + (f"；等共 {len(problems)} 处" if len(problems) > 20 else "")
        raise InvalidInput(f"尚未填写完整，不能报送：{shown}。请修改后再报送", field="basic")


def save_draft(*, actor, unit: Unit, filing: Filing, website: Website | None = None, request=None) -> Website:
    """Checked: a person's own filing (page, API) — only its unit's own filer may save it."""
    if not policy.may_file_for(actor, unit):
        raise policy.FILE.refuse("只能填报本单位的网站")
    return do_save_draft(actor=actor, unit=unit, filing=filing, website=website, request=request, via="online")


@transaction.atomic
def do_save_draft(*, actor, unit: Unit, filing: Filing, website: Website | None = None, request=None,
                  via: str) -> Website:
    """Trusted: create or edit a record that is not in review (draft or returned), for a caller that has
    checked the actor's right itself (a workbook import checks the importer's right over each unit; `via`
    is recorded as the source). A draft is saved as typed, complete or not; submission applies the whole
    rule set."""
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
def submit(*, actor, website: Website, request=None) -> Website:
    """Checked: a person submits its own unit's record."""
    website = Website.objects.select_for_update(of=("self",)).select_related("unit").get(pk=website.pk)
    if not policy.may_file_for(actor, website.unit):
        raise policy.FILE.refuse("只能报送本单位的网站")
    return do_submit(actor=actor, website=website, request=request, via="online")


@transaction.atomic
def do_submit(*, actor, website: Website, request=None, via: str) -> Website:
    """Trusted: submit a draft or returned record into review at its organizing unit, for a caller that
    has checked the actor's right itself (see do_save_draft)."""
    website = Website.objects.select_for_update(of=("self",)).select_related("unit").get(pk=website.pk)
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


def file_new_sites(*, actor, filings: list[tuple[Unit, Filing]], request=None,
                   via: str = "import") -> list[Website | CensusError]:
    """Many new records saved and submitted at once (an import's confirm): for each filing what
    ``save_draft`` then ``submit`` do for one — the same checks (the window, the first status,
    identity under the held keys, the site class, the whole rule set), the same rows written
    (record, keys, columns, version 1, the submission's review event) and the same audit events
    (website_saved, website_submitted) — with the registry read and written in a few queries
    whatever the number of filings. Returns, in order, each filing's saved record or the typed
    error that refused it (a refused filing writes nothing; the others are written). Call inside
    the caller's transaction."""
    hold_keys([key for _unit, filing in filings for key in (filing.keys or {})])
    windows: dict[int, bool | CensusError] = {}
    organizers: dict[int, Unit] = {}
    chains: dict[int, list[Unit]] = {}
    url_keys = {site_fields(filing.basic, filing.keys)["url_key"] for _unit, filing in filings} - {""}
    same_unit = {(site.unit_id, site.url_key): site for site in
                 Website.objects.filter(url_key__in=url_keys).order_by("-pk")} if url_keys else {}
    clashes = find_clashes([(filing.keys or {}, None) for _unit, filing in filings])
    results: list[Website | CensusError] = []
    taken: dict[str, str] = {}
    for (unit, filing), clash in zip(filings, clashes):
        try:
            if unit.pk not in windows:
                try:
                    windows[unit.pk] = check_window(unit)
                except CensusError as error:
                    windows[unit.pk] = error
            if isinstance(windows[unit.pk], CensusError):
                raise windows[unit.pk]
            fields = site_fields(filing.basic, filing.keys)
            check_first_status(filing.basic)
            same = same_unit.get((unit.pk, fields["url_key"])) if filing.basic.get("homepage_url") else None
            if same is not None:
                state = f"网站标识码 {same.site_code}" if same.site_code else same.get_status_display()
                raise Duplicate(f"首页网址“{filing.basic.get('homepage_url')}”：本单位已登记首页网址相同的网站"
                                f"“{same.name}”（{state}），同一网站只登记一次", field="homepage_url")
            if clash is not None:
                raise Duplicate(clash.message, field=clash.field)
            for key, (field, value) in (filing.keys or {}).items():
                if key in taken:  # two of these filings are one site: the first is saved
                    raise Duplicate(f"{'首页网址' if field == 'homepage_url' else '其他域名'}“{value}”"
                                    f"已由本次导入的“{taken[key]}”登记，同一网站只能登记一次", field=field)
            check_site_class(unit, fields["site_class"])
            website = Website(unit=unit, status=S.DRAFT, data=dict(filing.basic), **fields)
            columns = ordered_columns(filing.columns)
            snapshot = [{k: (c[k] if c[k] is not None else "") for k in COLUMN_FIELDS} for c in columns]
            check_complete(website, snapshot)
        except CensusError as error:
            results.append(error)
            continue
        if unit.pk not in organizers:
            organizers[unit.pk] = responsible_organizer(unit)
            chains[unit.pk] = review_chain(unit)
        website.organizer = organizers[unit.pk]
        website._import_snapshot = snapshot
        for key in filing.keys or {}:
            taken[key] = website.name
        results.append(website)
    written = [(w, filing) for w, (_unit, filing) in zip(results, filings) if isinstance(w, Website)]
    if not written:
        return results
    Website.objects.bulk_create([w for w, _filing in written])
    WebsiteDomain.objects.bulk_create([WebsiteDomain(website=w, key=key[:500], field=field)
                                       for w, filing in written for key, (field, _v) in (filing.keys or {}).items()],
                                      batch_size=2000)
    WebsiteColumn.objects.bulk_create([WebsiteColumn(website=w, position=i, **column)
                                       for w, _filing in written for i, column in enumerate(w._import_snapshot, 1)],
                                      batch_size=2000)
    versions, events, now = [], [], timezone.now()
    for w, _filing in written:
        record("website_saved", actor=actor, request=request, obj=w, via=via)
        late = windows[w.unit_id]
        chain = chains[w.unit_id]
        versions.append(WebsiteVersion(website=w, number=1, data=w.data, columns=w._import_snapshot, source=via,
                                       note="", created_by=actor))
        w.pending_at = chain[0]
        w.return_reason = ""
        w.submitted_at = now
        w.is_late = w.is_late or late
        w.version = 1
        lifecycle.fire(w, "submit", actor=actor, request=request, late=late)
        events.append(ReviewEvent(website=w, version=1, action=A.SUBMIT, actor=actor, level=chain[0],
                                  reason="逾期报送" if late else ""))
    WebsiteVersion.objects.bulk_create(versions, batch_size=2000)
    # Submitted: the states the transitions set above, saved with one UPDATE per set of values (a
    # unit's sites share theirs), not bulk_update's CASE per row and field (most of the time of a commit).
    submitted: dict[tuple, list[Website]] = {}
    for w, _filing in written:
        submitted.setdefault((w.status, w.pending_at_id, w.return_reason, w.submitted_at, w.is_late, w.version),
                             []).append(w)
    for (status, pending_at, reason, submitted_at, late, number), sites in submitted.items():
        for w in sites:
            w.updated_at = now
        Website.objects.filter(pk__in=[w.pk for w in sites]).update(
            status=status, pending_at_id=pending_at, return_reason=reason, submitted_at=submitted_at, is_late=late,
            version=number, updated_at=now)
    ReviewEvent.objects.bulk_create(events, batch_size=2000)
    return results
