"""Fixtures for the annual reports' tests: a province's year of spot checks in two rounds."""

from __future__ import annotations

from datetime import date, timedelta

from sitecensus.accounts.models import User
from sitecensus.registry import campaigns
from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import services as spot
from sitecensus.spotcheck.models import Batch

VETO = {"V2": {"veto": True, "evidence": ["http://lsz.laishui.gov.cn/"]}}


def second_hebei_operator(users) -> User:
    """A second operator of 河北省人民政府办公厅 (the second reviewer who signs off)."""
    hebei = users["hebei"]
    second, _ = User.objects.get_or_create(username="hebei_fh", defaults={
        "unit": hebei.unit, "role": hebei.role, "email": "hebei_fh@example.gov.cn", "first_name": "孙敏"})
    return second


def province_two_rounds(users, *, today: date | None = None) -> list[Batch]:
    """Hebei samples its own sites in two rounds of this year: round one checks two sites (one
    passes, one fails on a veto), round two one site that passes. Every result signed off."""
    today = today or date.today()
    guoban, hebei = users["guoban"], users["hebei"]
    second = second_hebei_operator(users)
    census = campaigns.active_campaign()
    plan = [("第一季度抽查", [("涞水县人民政府", {}), ("涞水镇人民政府网站", VETO)]),
            ("第二季度抽查", [("保定市人民政府", {})])]
    batches = []
    for n, (name, sites) in enumerate(plan):
        start = date(today.year, 1 + 3 * n, 1)
        round_ = campaigns.create_round(actor=guoban, parent=census, name=f"{today.year}年{name}",
                                        phases={"spotcheck": (start, start + timedelta(days=30))})
        batch = spot.create_batch(actor=hebei, name=f"河北省{today.year}年{name}", strata_by=[], ratio="1",
                                  window_start=start, window_end=start + timedelta(days=7), campaign_round=round_)
        batch.sites.all().delete()
        for site_name, _ in sites:
            spot.add_site(actor=hebei, batch=batch, website=Website.objects.get(name=site_name))
        spot.start(actor=hebei, batch=batch)
        Batch.objects.filter(pk=batch.pk).update(status="scanned")
        for bsite, (_, entries) in zip(batch.sites.order_by("id"), sites):
            card = spot.review_card(actor=hebei, bsite=bsite)
            scoring.submit_card(actor=hebei, card=card, raw_entries=entries)
            spot.sign_off(actor=second, bsite=bsite)
        batches.append(batch)
    return batches


def published_site_report(users, site_code: str = "1306230002"):
    """涞水镇's site report of this year, filled by its unit, approved by 涞水县 and published."""
    from sitecensus.annual import items, services

    site = Website.objects.get(site_code=site_code)
    filer = users["laishui_lsz"] if site_code == "1306230002" else None
    report = services.generate_one(actor=filer or users["guoban"], website=site, year=date.today().year)
    data = {i["code"]: {"int": "1", "bool": "是", "choice": (i.get("choices") or [""])[0]}.get(i["type"], "说明")
            for i in items.items()}
    report = services.save_values(actor=filer, report=report, data={**data, **{
        k: str(v) for k, v in report.values.items() if v is not None}})
    services.submit(actor=filer, report=report)
    services.approve(actor=users["laishui"], report=report)
    return services.publish(actor=filer, report=report)


def matrix_objects(kind: str, users) -> tuple[dict | None, dict | None]:
    """The permission matrix's annual objects: (in scope of 涞水县 / 涞水镇, out of scope)."""
    from sitecensus.annual import services

    year = date.today().year
    if kind == "annual_report":
        inside = services.generate_one(actor=users["laishui_lsz"], website=Website.objects.get(site_code="1306230002"),
                                       year=year)
        outside = services.generate_one(actor=users["guoban"], website=Website.objects.get(site_code="bm01040001"),
                                        year=year)
        return {"pk": inside.pk}, {"pk": outside.pk}
    if kind == "supervision":
        return {"pk": services.generate_supervision(actor=users["hebei"], unit=users["hebei"].unit, year=year).pk}, None
    if kind == "annual_published":
        report = published_site_report(users)
        return {"site_code": report.website.site_code, "year": year}, None
    if kind == "annual_column":
        return {"region_pk": users["hebei"].unit_id, "year": year}, None
    if kind == "supervision_published":
        report = services.generate_supervision(actor=users["hebei"], unit=users["hebei"].unit, year=year)
        services.supervision_step(actor=users["hebei"], report=report, name="approve")
        services.supervision_step(actor=users["hebei"], report=report, name="publish")
        return {"pk": report.pk}, None
    raise AssertionError(kind)


MATRIX_KINDS = {"annual_report", "supervision", "annual_published", "annual_column", "supervision_published"}
