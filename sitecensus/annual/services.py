"""Every write of the annual reports: generating (pre-filling) the work reports, filling,
submitting, approving, returning and publishing them, checking that homepages link them; the
31 January deadline and its reminders; generating, approving and publishing the supervision
reports and recording trainings. Each owns its transaction, its audit event and its typed error."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core import lifecycle, publiccache
from sitecensus.core.dates import cn_date
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.inbox.models import Message
from sitecensus.inbox.services import notify
from sitecensus.orgs.models import Unit
from sitecensus.registry import campaigns
from sitecensus.registry.models import Phase, Website
from sitecensus.scanner.engine.annual import check_report_links_sync
from sitecensus.scanner.services import engine_config

from . import items, policy, prefill, sources
from .models import SiteReport, SupervisionReport, TrainingEntry

CHUNK = 1000


def default_year(today: date | None = None) -> int:
    """The year being reported: last year in January (the month reports are due), else this year."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month == 1 else today.year


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput("请填写报表年度", field="year") from None
    if not 2015 <= year <= timezone.localdate().year:
        raise InvalidInput(f"报表年度须在 2015 年至 {timezone.localdate().year} 年之间", field="year")
    return year


# ---------------------------------------------------------------- generating the work reports

def sites_in_scope(root: Unit | None):
    """Coded sites still running (closed and merged sites publish no report)."""
    qs = Website.objects.open().filter(site_code__isnull=False)
    return qs.filter(unit__path__startswith=root.path) if root is not None else qs


def _write_chunk(rows: list[dict], year: int) -> tuple[int, int, int, int]:
    """One chunk of sites: (created, refreshed, unchanged, kept as the unit sent them on)."""
    proposals = prefill.proposals(rows, year)
    paths = {p for r in rows for p in (prefill.approver_path(r["unit__path"]), prefill.region_path(r["unit__path"]))}
    unit_ids = prefill.unit_ids_by_path(paths)
    existing = {r.website_id: r for r in SiteReport.objects.filter(year=year, website_id__in=[r["id"] for r in rows])
                .only("id", "website_id", "status", "values", "prefilled")}
    new, refreshed, unchanged, kept = [], [], 0, 0
    now = timezone.now()
    for row in rows:
        proposed = proposals.get(row["id"], {})
        report = existing.get(row["id"])
        if report is None:
            new.append(SiteReport(website_id=row["id"], year=year, unit_id=row["unit_id"],
                                  approver_id=unit_ids[prefill.approver_path(row["unit__path"])],
                                  region_id=unit_ids[prefill.region_path(row["unit__path"])],
                                  values=dict(proposed), prefilled=proposed, generated_at=now))
        elif report.is_editable:
            # What the unit changed stays; what it left as proposed follows the new proposal.
            values = dict(report.values)
            for code, value in proposed.items():
                if values.get(code) in (None, "", report.prefilled.get(code)):
                    values[code] = value
            if values == report.values and proposed == report.prefilled:
                unchanged += 1  # nothing new: no write
                continue
            report.values, report.prefilled, report.generated_at = values, proposed, now
            refreshed.append(report)
        else:
            kept += 1
    with transaction.atomic():
        SiteReport.objects.bulk_create(new, batch_size=CHUNK)
        SiteReport.objects.bulk_update(refreshed, ["values", "prefilled", "generated_at"], batch_size=200)
    return len(new), len(refreshed), unchanged, kept


def generate(*, actor, year, root: Unit | None = None, progress=None, chunk: int = CHUNK, request=None) -> dict:
    """Pre-fill every running site's work report of `year` in the actor's scope (the national
    office: the whole country). Keyset pages of `chunk` sites, each written in its own
    transaction with bulk writes: memory stays bounded by the chunk, whatever the scope."""
    policy.GENERATE.check(policy.may_generate(actor))
    year = _check_year(year)
    if root is None and not policy.generates_nationwide(actor):
        root = actor.unit
    policy.GENERATE.check(policy.may_generate_under(actor, root))
    scope = sites_in_scope(root)
    total = scope.count()
    done = last = 0
    counts = [0, 0, 0, 0]
    while True:
        rows = list(scope.filter(id__gt=last).order_by("id").values(*prefill.SITE_FIELDS)[:chunk])
        if not rows:
            break
        counts = [a + b for a, b in zip(counts, _write_chunk(rows, year))]
        last, done = rows[-1]["id"], done + len(rows)
        if progress is not None:
            progress(done, total)
    result = {"year": year, "sites": done, "created": counts[0], "refreshed": counts[1], "unchanged": counts[2],
              "kept": counts[3]}
    record("annual_reports_generated", actor=actor, request=request, obj=root, **result)
    return result


def generate_one(*, actor, website: Website, year, request=None) -> SiteReport:
    """A unit pre-fills its own site's report (or an organizing unit one site below it)."""
    year = _check_year(year)
    policy.FILL.check(policy.may_prefill_site(actor, website))
    if not website.site_code or website.is_gone:
        raise InvalidState(f"网站“{website.name}”尚无网站标识码或已关停、整合，不编制年度报表")
    row = sites_in_scope(None).filter(pk=website.pk).values(*prefill.SITE_FIELDS)
    created, refreshed, unchanged, kept = _write_chunk(list(row), year)
    report = SiteReport.objects.get(website=website, year=year)
    record("annual_reports_generated", actor=actor, request=request, obj=report, year=year, sites=1,
           created=created, refreshed=refreshed, unchanged=unchanged, kept=kept)
    return report


# ---------------------------------------------------------------- the work report's lifecycle

def _locked(report: SiteReport) -> SiteReport:
    return SiteReport.objects.select_for_update(of=("self",)).select_related("website", "unit", "approver").get(
        pk=report.pk)


@transaction.atomic
def save_values(*, actor, report: SiteReport, data, request=None) -> SiteReport:
    report = _locked(report)
    policy.check_fill(actor, report)
    if not report.is_editable:
        raise InvalidState(f"年度报表当前状态为“{report.get_status_display()}”，不能修改")
    report.values = items.clean(data, items.items())
    report.save(update_fields=["values"])
    record("annual_report_saved", actor=actor, request=request, obj=report, year=report.year)
    return report


@transaction.atomic
def submit(*, actor, report: SiteReport, request=None) -> SiteReport:
    report = _locked(report)
    policy.check_fill(actor, report)
    error = lifecycle.refusal(report, "submit")
    if error is not None and report.is_editable:
        error.message = f"{error.message}：{'、'.join(items.missing(report.values))}"
    if error is not None:
        raise error
    lifecycle.fire(report, "submit", actor=actor, request=request, year=report.year)
    report.save(update_fields=["status", "submitted_at", "return_reason"])
    return report


@transaction.atomic
def approve(*, actor, report: SiteReport, request=None) -> SiteReport:
    report = _locked(report)
    policy.check_approve(actor, report)
    lifecycle.fire(report, "approve", actor=actor, request=request, year=report.year)
    report.save(update_fields=["status", "approved_at", "approved_by"])
    return report


@transaction.atomic
def return_report(*, actor, report: SiteReport, reason: str, request=None) -> SiteReport:
    report = _locked(report)
    policy.check_approve(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写退回原因", field="reason")
    lifecycle.fire(report, "return_report", actor=actor, request=request, reason=reason)
    report.save(update_fields=["status", "return_reason"])
    return report


def annual_phase() -> Phase | None:
    return campaigns.campaign_phase(Phase.Kind.ANNUAL)


def _late(today: date | None = None) -> bool:
    phase = annual_phase()
    return bool(phase and (today or timezone.localdate()) > phase.closes_on)


@transaction.atomic
def publish(*, actor, report: SiteReport, request=None) -> SiteReport:
    """Public in its region's 专栏 at once; after the deadline it is marked late."""
    report = _locked(report)
    policy.check_publish(actor, report)
    lifecycle.fire(report, "publish", actor=actor, request=request, year=report.year)
    report.is_late = _late()
    report.save(update_fields=["status", "published_at", "is_late"])
    publiccache.changed()
    return report


def report_url(report: SiteReport) -> str:
    """The published report's address, as a homepage must link it (ANNUAL_PUBLIC_BASE_URL: the
    public pages' own origin; unset, any host with this path counts)."""
    path = reverse("annual_public:site_report", args=[report.website.site_code, report.year])
    return getattr(settings, "ANNUAL_PUBLIC_BASE_URL", "").rstrip("/") + path


def check_links(*, actor, reports, progress=None, total: int | None = None, request=None) -> dict:
    """Read each published report's site homepage: does it link the report? Linked, absent or
    无法判定 (with the reason), each with its evidence; 200 sites per scanner pass, so any number
    of reports is read in bounded memory."""
    tally = {"linked": 0, "absent": 0, "undetermined": 0}
    config = engine_config(retries=0)
    done, part = 0, []

    def flush():
        nonlocal done
        found = check_report_links_sync([(r.pk, r.website.homepage_url, report_url(r)) for r in part], config)
        now = timezone.now()
        for report in part:
            verdict = found[report.pk]
            tally[verdict.verdict] += 1
            SiteReport.objects.filter(pk=report.pk).update(
                link_verdict=verdict.verdict, link_reason=verdict.reason[:300], link_evidence=verdict.evidence[:10],
                link_checked_at=now)
        done += len(part)
        part.clear()
        if progress is not None:
            progress(done, total if total is not None else done)

    for report in reports:
        policy.check_check_link(actor, report)
        if not report.is_published:
            raise InvalidState(f"“{report}”尚未发布，不能检查首页链接")
        part.append(report)
        if len(part) == 200:
            flush()
    if part:
        flush()
    record("annual_link_checked", actor=actor, request=request, reports=done, **tally)
    return tally


def check_links_in_scope(*, actor, year, progress=None, request=None) -> dict:
    """Every published report of the year whose approving unit is in the actor's subtree (the
    national office: all)."""
    policy.GENERATE.check(policy.may_generate(actor))
    reports = SiteReport.objects.filter(year=_check_year(year), status=SiteReport.Status.PUBLISHED).select_related(
        "website", "approver")
    if not policy.generates_nationwide(actor):
        reports = reports.filter(approver__path__startswith=actor.unit.path)
    return check_links(actor=actor, reports=reports.order_by("id").iterator(chunk_size=200), progress=progress,
                       total=reports.count(), request=request)


# ---------------------------------------------------------------- deadline and reminders

@transaction.atomic
def set_deadline(*, actor, year, request=None) -> Phase:
    """The 年度报表 phase of the current census: from the data file's opening in the report year
    to 31 January of the next (国办函〔2018〕12号)."""
    policy.check_set_deadline(actor)
    year = _check_year(year)
    census = campaigns.active_campaign()
    if census is None:
        raise InvalidState("当前没有进行中的普查，请先在普查日程中设置当前普查")
    spec = items.spec()["deadline"]
    opens = date(year, *map(int, spec["opens"].split("-")))
    closes = date(year + 1, *map(int, spec["closes"].split("-")))
    phase, _ = Phase.objects.update_or_create(campaign=census, kind=Phase.Kind.ANNUAL,
                                              defaults={"opens_on": opens, "closes_on": closes})
    record("annual_deadline_set", actor=actor, request=request, obj=census, year=year, opens=str(opens),
           closes=str(closes))
    return phase


def remind(*, actor, year, request=None) -> tuple[int, int]:
    """催办: every unit in the actor's scope with a report of the year not yet published gets an
    inbox message and mail naming the deadline."""
    policy.GENERATE.check(policy.may_generate(actor))
    year = _check_year(year)
    pending = SiteReport.objects.filter(year=year).exclude(status=SiteReport.Status.PUBLISHED)
    if not policy.generates_nationwide(actor):
        pending = pending.filter(unit__path__startswith=actor.unit.path)
    units = Unit.objects.filter(pk__in=pending.values("unit_id"))
    phase = annual_phase()
    deadline = f"{cn_date(phase.closes_on)}前" if phase else "1月31日前"
    counts = notify(units=units, kind=Message.Kind.REMIND_ANNUAL, title=f"请按时发布{year}年度政府网站工作年度报表",
                    body=f"{{unit}}：请于{deadline}完成本单位政府网站{year}年度工作年度报表的填写、报送审核和发布，"
                         f"并在网站首页显著位置链接。", link=reverse("annual:index") + f"?year={year}", sender=actor)
    record("annual_reminders_sent", actor=actor, request=request, year=year, units=counts[0], emails=counts[1])
    return counts


# ---------------------------------------------------------------- the supervision report

def supervision_figures(unit: Unit, year: int) -> dict:
    rounds = sources.spotcheck_rounds(unit, year)
    keys = ("batches", "sampled", "checked", "passed", "failed", "problems")
    total = {k: sum(r[k] for r in rounds) for k in keys}
    # 国办's rounds that sampled the unit's sites: a part of their own, never added to the unit's total.
    national = sources.national_spotchecks(unit, year)
    reports = SiteReport.objects.filter(region=unit, year=year)
    return {"sites": sources.running_sites(unit), "rounds": rounds, "total": total,
            "national": {"rounds": national, "total": {k: sum(r[k] for r in national) for k in keys}},
            "life": sources.life_changes(unit, year), "zhaocuo": sources.zhaocuo(unit, year),
            "accountability": sources.accountability_counts(unit, year), "training": sources.training(unit, year),
            "site_reports": {"reports": reports.count(),
                             "published": reports.filter(status=SiteReport.Status.PUBLISHED).count()}}


@transaction.atomic
def generate_supervision(*, actor, unit: Unit, year, request=None) -> SupervisionReport:
    """(Re)generate the figures of a province's or ministry's supervision report; only a draft
    is regenerated (an approved report is withdrawn first, a published one is final)."""
    policy.check_compile(actor, unit)
    year = _check_year(year)
    report = SupervisionReport.objects.select_for_update().filter(unit=unit, year=year).first()
    if report is not None and not report.is_draft:
        raise InvalidState(f"监管年度报表当前状态为“{report.get_status_display()}”，不能重新生成"
                           + ("（请先撤回审定）" if report.is_approved else ""))
    figures = supervision_figures(unit, year)
    if report is None:
        report = SupervisionReport.objects.create(unit=unit, year=year, figures=figures)
    else:
        report.figures, report.generated_at = figures, timezone.now()
        report.save(update_fields=["figures", "generated_at"])
    record("supervision_report_generated", actor=actor, request=request, obj=report, year=year,
           sampled=figures["total"]["sampled"])
    return report


def _locked_supervision(report) -> SupervisionReport:
    return SupervisionReport.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)


@transaction.atomic
def save_supervision_values(*, actor, report: SupervisionReport, data, request=None) -> SupervisionReport:
    report = _locked_supervision(report)
    policy.check_compile(actor, report.unit)
    if not report.is_draft:
        raise InvalidState("监管年度报表已审定，不能修改（请先撤回审定）")
    report.values = items.clean(data, items.typed_items())
    report.save(update_fields=["values"])
    record("supervision_report_saved", actor=actor, request=request, obj=report)
    return report


@transaction.atomic
def supervision_step(*, actor, report: SupervisionReport, name: str, request=None) -> SupervisionReport:
    """approve / reopen / publish (publishing after 31 January marks it late)."""
    if name not in ("approve", "reopen", "publish"):
        raise policy.STEP.refuse()
    report = _locked_supervision(report)
    policy.check_compile(actor, report.unit)
    lifecycle.fire(report, name, actor=actor, request=request, year=report.year)
    fields = {"approve": ["status", "approved_at", "approved_by"], "reopen": ["status", "approved_at", "approved_by"],
              "publish": ["status", "published_at", "is_late"]}[name]
    if name == "publish":
        report.is_late = _late()
        publiccache.changed()
    report.save(update_fields=fields)
    return report


@transaction.atomic
def record_training(*, actor, unit: Unit, held_on, title: str, participants, request=None) -> TrainingEntry:
    policy.check_compile(actor, unit)
    title = (title or "").strip()
    if not title:
        raise InvalidInput("请填写培训名称", field="title")
    if not isinstance(held_on, date):
        raise InvalidInput("请填写培训日期", field="held_on")
    if held_on > timezone.localdate():
        raise InvalidInput("培训日期不能晚于今天", field="held_on")
    try:
        participants = int(participants)
    except (TypeError, ValueError):
        raise InvalidInput("参训人数须为正整数", field="participants") from None
    if participants <= 0:
        raise InvalidInput("参训人数须为正整数", field="participants")
    entry = TrainingEntry.objects.create(unit=unit, held_on=held_on, title=title[:200], participants=participants,
                                         created_by=actor)
    record("training_recorded", actor=actor, request=request, obj=unit, title=entry.title,
           participants=participants)
    return entry

