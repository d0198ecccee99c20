"""Supervision rounds (issue 24): plans of recurring rounds with per-stratum ratios and every portal
drawn; a province's own round reported up; 国办's re-check of a sub-sample of its passed results with
the agreement in the notice; accountability per problem site; the previous round followed up."""

from datetime import date, timedelta

import pytest

from sitecensus.accounts.models import User
from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import selectors, services
from sitecensus.spotcheck.models import Accountability, Batch, RoundReport, Schedule
from sitecensus.spotcheck.services import cadence, reverify, strata
from sitecensus.spotcheck.services.sampling import draw_ids, population

pytestmark = pytest.mark.django_db
TODAY = date.today()
PASS = {"A2": {"count": 1}}
FAIL = {"V2": {"veto": True, "evidence": ["http://x.gov.cn/"]}}


def second_person(users, name="hebei_fh"):
    """A second operator of the province's office (the demo has one), to sign off its round."""
    return User.objects.create(username=name, unit=users["hebei"].unit, role="organizer", first_name="复核")


def review_all(batch, reviewer, signer, verdicts=None):
    """Every site scored by `reviewer` (FAIL for the sites named in `verdicts`) and signed by `signer`."""
    verdicts = verdicts or {}
    services.start(actor=reviewer, batch=batch)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")
    batch.refresh_from_db()
    for bsite in batch.sites.select_related("website"):
        card = services.review_card(actor=reviewer, bsite=bsite)
        scoring.submit_card(actor=reviewer, card=card, raw_entries=verdicts.get(bsite.website_id, PASS))
        services.sign_off(actor=signer, bsite=bsite)
    return services.compose_notice(actor=reviewer, batch=batch)


def province_round(users, signer, *, fail=(), ratio="100"):
    hebei = users["hebei"]
    plan = services.create_schedule(actor=hebei, name="河北省季度抽查", cadence="quarterly", strata_by=["level"],
                                    ratio=ratio)
    batch = services.open_round(actor=hebei, schedule=plan, seed=11)
    failing = {w: FAIL for w in batch.sites.values_list("website_id", flat=True)[: len(fail)]} if fail else {}
    notice = review_all(batch, hebei, signer, failing)
    services.publish(actor=hebei, notice=notice)
    return batch


# ---------------------------------------------------------------- cadence

def test_periods_of_each_cadence():
    assert cadence.period_of("monthly", date(2026, 2, 10)) == ("2026年2月", date(2026, 2, 1), date(2026, 2, 28))
    assert cadence.period_of("quarterly", date(2026, 11, 5)) == ("2026年第4季度", date(2026, 10, 1),
                                                                 date(2026, 12, 31))
    assert cadence.period_of("half_yearly", date(2026, 3, 1)) == ("2026年上半年", date(2026, 1, 1),
                                                                  date(2026, 6, 30))
    with pytest.raises(InvalidInput, match="未知的抽查频次"):
        cadence.period_of("weekly", TODAY)


def test_a_plan_draws_every_portal_and_its_per_stratum_ratios(demo_users):
    guoban = demo_users["guoban"]
    plan = services.create_schedule(actor=guoban, name="全国季度抽查", cadence="quarterly", strata_by=["site_class"],
                                    ratio="1", stratum_ratios="乡镇街道网站=100\n", every_portal=True)
    assert plan.every_classes == cadence.portal_classes() and plan.stratum_ratios == {"乡镇街道网站": "100"}
    batch = services.open_round(actor=guoban, schedule=plan, seed=5)
    label, start, end = cadence.period_of("quarterly", TODAY)
    assert batch.period == label and (batch.window_start, batch.window_end) == (start, end)
    # 国办's plan makes the period's campaign round under the current census.
    assert batch.round == Campaign.objects.get(name=f"{label}抽查", kind=Campaign.Kind.ROUND)
    drawn = set(batch.sites.values_list("website_id", flat=True))
    everyone = population(batch)
    portals = set(everyone.filter(site_class__in=cadence.portal_classes()).values_list("id", flat=True))
    towns = set(everyone.filter(site_class="乡镇街道网站").values_list("id", flat=True))
    assert portals and portals <= drawn  # every portal, always
    assert towns and towns <= drawn  # its own ratio: 100 %
    others = everyone.exclude(site_class__in=[*cadence.portal_classes(), "乡镇街道网站"])
    for site_class in set(others.values_list("site_class", flat=True)):
        # 1 % of a small stratum is one site
        assert batch.sites.filter(website__site_class=site_class).count() == 1
    assert all(k.startswith("全部抽取|") for k in batch.strata if k.split("|")[-1] in cadence.portal_classes())
    assert draw_ids(batch)[0] == draw_ids(batch)[0]  # the recorded seed draws the same sample
    with pytest.raises(InvalidState, match="已生成"):
        services.open_round(actor=guoban, schedule=plan)
    assert AuditEvent.objects.filter(action="spotcheck_schedule_round", object_id=str(batch.pk)).exists()


def test_plan_input_is_checked(demo_users):
    guoban = demo_users["guoban"]
    with pytest.raises(InvalidInput, match="第 2 行"):
        services.create_schedule(actor=guoban, name="x", cadence="monthly", strata_by=[], ratio="5",
                                 stratum_ratios="乡级=5\n县级")
    with pytest.raises(InvalidInput, match="不超过 100"):
        services.create_schedule(actor=guoban, name="x", cadence="monthly", strata_by=[], ratio="500")
    with pytest.raises(InvalidInput, match="频次"):
        services.create_schedule(actor=guoban, name="x", cadence="daily", strata_by=[], ratio="5")
    with pytest.raises(NotAllowed):
        services.create_schedule(actor=demo_users["laishui"], name="x", cadence="monthly", strata_by=[], ratio="5")
    plan = services.create_schedule(actor=guoban, name="按省", cadence="monthly", strata_by=["region"], ratio="5",
                                    stratum_ratios="河北省=50")
    assert plan.stratum_ratios == {"13": "50"}  # as the strata keys hold a region


def test_a_province_plan_is_a_round_of_its_own_in_its_region(demo_users):
    hebei = demo_users["hebei"]
    plan = services.create_schedule(actor=hebei, name="河北省月度抽查", cadence="monthly", strata_by=[], ratio="100")
    batch = services.open_round(actor=hebei, schedule=plan)
    assert batch.organizer == hebei.unit and batch.period == cadence.period_of("monthly", TODAY)[0]
    assert not batch.sites.exclude(website__unit__path__startswith=hebei.unit.path).exists()
    assert not batch.sites.filter(website__unit__system__isnull=False).exists()  # vertical systems never count
    with pytest.raises(InvalidState, match="本单位"):
        services.open_round(actor=demo_users["guoban"], schedule=plan)
    assert Schedule.objects.count() == 1
    made = services.open_due_rounds(TODAY + timedelta(days=40))  # the daily run: the next month's round
    assert [b.schedule for b in made] == [plan] and services.open_due_rounds(TODAY + timedelta(days=40)) == []
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("open_rounds", date=(TODAY + timedelta(days=80)).isoformat(), stdout=out)
    assert "已生成：河北省人民政府办公厅" in out.getvalue()
    call_command("open_rounds", date=(TODAY + timedelta(days=80)).isoformat(), stdout=out)
    assert "本期轮次均已生成" in out.getvalue()


# ---------------------------------------------------------------- report up and re-verification

def test_reverification_of_a_province_round_reports_the_agreement(demo_users):
    hebei, guoban, fh = demo_users["hebei"], demo_users["guoban"], demo_users["guoban_fh"]
    signer = second_person(demo_users)
    batch = province_round(demo_users, signer)
    with pytest.raises(NotAllowed):
        services.report_up(actor=guoban, batch=batch)
    report = services.report_up(actor=hebei, batch=batch)
    assert report.status == "reported" and report.summary["checked"] == batch.sites.count()
    assert report.summary["passed"] == batch.sites.count() and report.summary["period"] == batch.period
    with pytest.raises(InvalidState, match="已上报"):
        services.report_up(actor=hebei, batch=batch)
    with pytest.raises(NotAllowed):
        services.create_reverification(actor=hebei, report=report, ratio="50")

    recheck = services.create_reverification(actor=guoban, report=report, ratio="50", seed=7)
    passed = batch.sites.count()
    n = max(1, round(passed * 0.5))
    assert recheck.reverifies == batch and recheck.seed == 7 and recheck.sites.count() == n
    assert set(recheck.sites.values_list("website_id", flat=True)) <= set(batch.sites.values_list("website_id",
                                                                                                    flat=True))
    assert draw_ids(recheck)[0] == strata.reverification_ids(recheck)[0]  # the seed reproduces the sub-sample
    report.refresh_from_db()
    assert report.status == "reverifying" and report.reverification == recheck
    with pytest.raises(InvalidState):
        services.create_reverification(actor=guoban, report=report, ratio="50")

    disagree = recheck.sites.order_by("website_id").first().website_id
    notice = review_all(recheck, guoban, fh, {disagree: FAIL})
    found = notice.figures["reverification"]
    assert found["checked"] == n and found["agreed"] == n - 1
    assert found["rate"] == round((n - 1) * 100 / n, 1)
    assert [d["site_code"] for d in found["disagreements"]] == [Website.objects.get(pk=disagree).site_code]
    assert found["disagreements"][0]["lower"] == "合格" and found["disagreements"][0]["higher"] == "单项否决"
    report.refresh_from_db()
    assert report.status == "reverified" and report.agreement["rate"] == found["rate"]
    import io

    from pypdf import PdfReader

    from sitecensus.spotcheck.pdf import notice_pdf

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(notice_pdf(notice))).pages)
    assert "下级抽查结果复核情况" in text and f"一致率 {found['rate']}%" in text
    assert AuditEvent.objects.filter(action="reverification_concluded", object_id=str(report.pk)).exists()


def test_a_round_is_reported_up_only_after_its_notice_is_published(demo_users):
    hebei = demo_users["hebei"]
    plan = services.create_schedule(actor=hebei, name="河北省半年抽查", cadence="half_yearly", strata_by=[],
                                    ratio="100")
    batch = services.open_round(actor=hebei, schedule=plan)
    with pytest.raises(InvalidState, match="通报尚未发布"):
        services.report_up(actor=hebei, batch=batch)
    assert not RoundReport.objects.exists()


# ---------------------------------------------------------------- accountability

def test_accountability_is_recorded_by_the_organizer_counted_and_shown(demo_users, client):
    hebei, guoban = demo_users["hebei"], demo_users["guoban"]
    signer = second_person(demo_users)
    batch = province_round(demo_users, signer, fail=[1])
    failed = batch.sites.exclude(scorecard__result="合格").select_related("website__unit").get()
    site = failed.website
    a = services.record_measure(actor=hebei, website=site, measure="约谈", note="主要负责人约谈", batch_site=failed,
                                decided_at=TODAY)
    services.record_measure(actor=hebei, website=site, measure="通报批评", persons=2)
    assert a.unit == site.unit and a.recorded_by == hebei and a.recorder_unit == hebei.unit
    with pytest.raises(InvalidInput, match="问责方式"):
        services.record_measure(actor=hebei, website=site, measure="罚款")
    with pytest.raises(InvalidInput, match="晚于今天"):
        services.record_measure(actor=hebei, website=site, measure="约谈", decided_at=TODAY + timedelta(days=1))
    outside = Website.objects.filter(unit__system__isnull=False, site_code__isnull=False).first()
    with pytest.raises(NotAllowed):
        services.record_measure(actor=hebei, website=outside, measure="约谈")
    with pytest.raises(NotAllowed):
        services.record_measure(actor=demo_users["laishui"], website=site, measure="约谈")
    with pytest.raises(InvalidInput, match="抽查记录"):
        services.record_measure(actor=guoban, website=site, measure="约谈", batch_site=failed)
    assert AuditEvent.objects.filter(action="accountability_recorded").count() == 2

    counts = selectors.accountability_counts(hebei.unit, TODAY.year)
    assert counts == {**dict.fromkeys(Accountability.Measure.values, 0), "约谈": 1, "通报批评": 1}
    assert selectors.accountability_counts(hebei.unit, TODAY.year - 1)["约谈"] == 0
    assert selectors.accountability_counts(guoban.unit, TODAY.year)["约谈"] == 1  # the country includes Hebei
    assert selectors.accountability_persons(hebei.unit, TODAY.year) == 3
    tax = Website.objects.filter(unit__system__isnull=False).first().unit
    assert selectors.accountability_counts(tax, TODAY.year)["约谈"] == 0

    # On the notice (live: recorded after publication) and on the site's page.
    client.force_login(hebei)
    page = client.get(f"/spotcheck/{batch.pk}/notice/").content.decode()
    assert 'data-testid="notice-accountability-totals">约谈 1 起' in page and "主要负责人约谈" in page
    public = client.get(f"/pucha/notices/{batch.notice.pk}/").content.decode()
    assert "主要负责人约谈" in public
    site_page = client.get(f"/spotcheck/site/{failed.pk}/").content.decode()
    assert 'data-testid="site-accountability"' in site_page and "通报批评" in site_page
    response = client.post(f"/spotcheck/site/{failed.pk}/accountability/",
                           {"measure": "书面检查", "persons": "1", "decided_at": TODAY.isoformat(), "note": "书面检查"})
    assert response.status_code == 302 and Accountability.objects.filter(measure="书面检查").exists()


# ---------------------------------------------------------------- follow-up

def test_the_notice_follows_up_the_previous_rounds_failures(demo_users):
    guoban, fh = demo_users["guoban"], demo_users["guoban_fh"]
    plan = services.create_schedule(actor=guoban, name="月度", cadence="monthly", strata_by=[], ratio="100")
    first = services.open_round(actor=guoban, schedule=plan, day=TODAY - timedelta(days=40), seed=1)
    first.sites.exclude(pk__in=first.sites.order_by("id").values("pk")[:3]).delete()
    ids = list(first.sites.order_by("id").values_list("website_id", flat=True))
    services.publish(actor=guoban, notice=review_all(first, guoban, fh, {ids[0]: FAIL, ids[1]: FAIL}))
    second = services.open_round(actor=guoban, schedule=plan, day=TODAY, seed=2)
    second.sites.exclude(website_id=ids[0]).delete()  # only the first failed site is checked again
    notice = review_all(second, guoban, fh)
    follow = notice.figures["follow_up"]
    assert follow["previous"] == first.name and len(follow["sites"]) == 2
    states = {r["name"]: r for r in follow["sites"]}
    again = Website.objects.get(pk=ids[0]).name
    assert states[again]["state"] == "本轮复查合格" and states[again]["rectification"].startswith("待整改")
    other = Website.objects.get(pk=ids[1]).name
    assert states[other]["state"] == "本轮未复查"
    assert follow["still_failing"] == 0


def test_the_plans_page_makes_a_plan_and_its_round_and_reads_names(demo_users, client):
    client.force_login(demo_users["hebei"])
    response = client.post("/spotcheck/schedules/", {"name": "河北省月度抽查", "cadence": "monthly",
                                                      "strata_by": ["region"], "ratio": "10",
                                                      "stratum_ratios": "河北省=50", "every_portal": "1"})
    assert response.status_code == 302
    page = client.get("/spotcheck/schedules/").content.decode()
    assert "河北省=50.00%" in page or "河北省=50%" in page
    assert "13=" not in page  # a region by its name, never its code
    plan = Schedule.objects.get(name="河北省月度抽查")
    opened = client.post("/spotcheck/schedules/", {"action": "open", "schedule": plan.pk, "seed": "9"})
    batch = Batch.objects.get(schedule=plan)
    assert opened.status_code == 302 and batch.seed == 9 and batch.sites.exists()
    bad = client.post("/spotcheck/schedules/", {"name": "x", "cadence": "monthly", "ratio": "abc"})
    assert bad.status_code == 400 and "不是数字" in bad.content.decode()


def test_the_recheck_ratio_defaults_to_the_data_file(demo_users):
    from decimal import Decimal

    batch = province_round(demo_users, second_person(demo_users))
    report = services.report_up(actor=demo_users["hebei"], batch=batch)
    recheck = services.create_reverification(actor=demo_users["guoban"], report=report)
    assert recheck.ratio == Decimal(str(cadence.rules()["reverify_ratio"])) and recheck.seed is not None
    assert AuditEvent.objects.filter(action="reverification_drawn", object_id=str(report.pk)).exists()


def test_open_rounds_runs_daily_in_both_modes(demo_users, settings, monkeypatch):
    """`sitecensus open-rounds` is daily work: celery beat sends it (jobs.daily), the embedded scheduler's
    tick runs it once a day from DAILY_JOBS_HOUR, and the task opens every plan's due round once."""
    from datetime import datetime

    from django.core.cache import cache
    from django.utils import timezone

    from sitecensus.celery import app
    from sitecensus.jobs.registry import DAILY
    from sitecensus.jobs.tasks import run_daily
    from sitecensus.scanner import scheduler

    beat = app.conf.beat_schedule["spotcheck-open-rounds-daily"]
    assert beat["task"] == run_daily.name == "jobs.daily" and beat["args"] == ["spotcheck_open_rounds"]
    assert "spotcheck_open_rounds" in DAILY
    # Embedded: the tick runs the daily work once a day, from the hour.
    settings.DAILY_JOBS, settings.DAILY_JOBS_HOUR = True, 1
    ran = []
    monkeypatch.setattr(scheduler, "_daily_in_thread", lambda: ran.append(1))
    monkeypatch.setattr(scheduler, "_life_in_thread", lambda: None)
    cache.clear()
    tz = timezone.get_current_timezone()
    clock = scheduler.Scheduler(site_ids=lambda: [])
    assert not clock.tick(datetime(2026, 12, 7, 0, 30, tzinfo=tz))["daily"]  # before the hour
    assert clock.tick(datetime(2026, 12, 7, 1, 5, tzinfo=tz))["daily"]
    assert not clock.tick(datetime(2026, 12, 7, 9, 0, tzinfo=tz))["daily"]  # once that day
    assert clock.tick(datetime(2026, 12, 8, 4, 0, tzinfo=tz))["daily"]
    clock.wait_for_scans()
    assert len(ran) == 2
    # The task opens every plan's round of the current period, once.
    hebei = demo_users["hebei"]
    plan = services.create_schedule(actor=hebei, name="河北省月度抽查", cadence="monthly", strata_by=[], ratio="100")
    result = run_daily("spotcheck_open_rounds")
    batch = Batch.objects.get(schedule=plan)
    assert result == {"opened": [batch.name]} and batch.period == cadence.period_of("monthly", TODAY)[0]
    assert batch.sites.exists() and run_daily("spotcheck_open_rounds") == {"opened": []}


def test_a_state_council_department_runs_reports_up_and_is_rechecked(demo_users):
    """A State Council department's office (国家税务总局办公厅) runs its own round over its sites, its vertical
    system's included, reports it up, and 国办 re-checks a sub-sample like a province's."""
    tax, guoban = demo_users["shuiwu"], demo_users["guoban"]
    signer = User.objects.create(username="shuiwu_fh", unit=tax.unit, role="organizer", first_name="复核")
    plan = services.create_schedule(actor=tax, name="税务系统季度抽查", cadence="quarterly", strata_by=[], ratio="100")
    batch = services.open_round(actor=tax, schedule=plan, seed=3)
    drawn = set(batch.sites.values_list("website_id", flat=True))
    own = set(Website.objects.filter(unit__path__startswith=tax.unit.path, site_code__isnull=False)
              .values_list("id", flat=True))
    assert drawn and drawn == own  # the system's sites (国家税务总局涞水县税务局's) are the department's
    assert batch.organizer == tax.unit
    notice = review_all(batch, tax, signer)
    services.publish(actor=tax, notice=notice)
    report = services.report_up(actor=tax, batch=batch)
    assert report.status == "reported" and report.organizer == tax.unit
    assert report.summary["passed"] == report.summary["checked"] == len(drawn)
    with pytest.raises(NotAllowed):  # the department re-checks nobody
        services.create_reverification(actor=tax, report=report, ratio="100")
    recheck = services.create_reverification(actor=guoban, report=report, ratio="100", seed=9)
    assert set(recheck.sites.values_list("website_id", flat=True)) == drawn
    fh = demo_users["guoban_fh"]
    disagree = min(drawn)
    found = review_all(recheck, guoban, fh, {disagree: FAIL}).figures["reverification"]
    assert found["organizer"] == "国家税务总局办公厅" and found["checked"] == len(drawn)
    assert found["agreed"] == len(drawn) - 1
    report.refresh_from_db()
    assert report.status == "reverified" and report.agreement["rate"] == found["rate"]
    # A department's unit below its office organizes nothing.
    with pytest.raises(NotAllowed):
        services.create_schedule(actor=demo_users["hebei_tax"], name="x", cadence="monthly", strata_by=[], ratio="5")
