"""Demo self-checks, an inspection with a difference and a rectification."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sitecensus.registry.models import Website

from . import services

EVIDENCE = ["http://lsz.laishui.gov.cn/"]


def load_scoring_demo(users: dict) -> None:
    services.load_rubric_table()
    site = Website.objects.get
    # Self-checks submitted: these sites wait in their inspectors' queues.
    town = site(name="涞水镇人民政府网站")
    card = services.open_self_check(actor=users["laishui_lsz"], website=town)
    services.submit_card(actor=users["laishui_lsz"], card=card,
                         raw_entries={"A2": {"count": 1}, "D2": {"count": 2}})
    portal = site(name="涞水县人民政府")
    card = services.open_self_check(actor=users["laishui"], website=portal)
    services.submit_card(actor=users["laishui"], card=card, raw_entries={})
    bd_edu = site(name="保定市教育局")
    card = services.open_self_check(actor=users["baoding_jyj"], website=bd_edu)
    services.save_entries(actor=users["baoding_jyj"], card=card, raw_entries={"A2": {"count": 2}})  # a draft
    # Laishui inspects its town's site and finds more than the town did.
    inspection = services.open_inspection(actor=users["laishui"], website=town)
    services.submit_card(actor=users["laishui"], card=inspection, raw_entries={
        "A2": {"count": 3}, "D2": {"count": 2}, "C1": {"count": 1, "note": "政务咨询栏目不可用"}})
    services.issue_rectification(actor=users["laishui"], card=inspection, indicator="C1",
                                 requirement="恢复政务咨询栏目的留言功能，并答复积压留言",
                                 deadline=timezone.localdate() + timedelta(days=15))
