"""Notices actionable on arrival: a unit answers a spot-check rectification notice the
day it is published, although the round's 整改 phase opens weeks later (the phase sets
the deadline, not the opening)."""

from datetime import date, timedelta

from playwright.sync_api import expect

from sitecensus.portal.demo import DEMO_PASSWORD

from .conftest import login

D = timedelta(days=1)


def _publish_a_spot_check_notice():
    from sitecensus.accounts.models import User
    from sitecensus.registry import campaigns
    from sitecensus.scoring.models import Rectification
    from sitecensus.spotcheck import services as spot
    from sitecensus.spotcheck.testing import signed_one_site_batch

    today = date.today()
    guoban = User.objects.get(username="guoban")
    name, phases = campaigns.default_round(campaigns.active_campaign(), today)
    round_ = campaigns.create_round(actor=guoban, parent=campaigns.active_campaign(), name=name, phases=phases)
    rectify = round_.phases.get(kind="rectification")
    assert rectify.opens_on > today  # the default round: 整改 opens after the spot check
    batch, card = signed_one_site_batch(
        guoban=guoban, second=User.objects.get(username="guoban_fh"), name="到达即可反馈抽查",
        entries={"V2": {"veto": True, "evidence": ["http://lsz.laishui.gov.cn/"]}})
    spot.publish(actor=guoban, notice=spot.compose_notice(actor=guoban, batch=batch))
    notice = Rectification.objects.get(scorecard=card, indicator="V2")
    assert notice.deadline == rectify.closes_on
    return notice


def test_a_unit_answers_a_spot_check_notice_the_day_it_arrives(page, site):
    notice = _publish_a_spot_check_notice()
    login(page, site, "laishui_lsz", DEMO_PASSWORD)
    page.goto(f"{site}/checks/rectifications/{notice.pk}/")
    expect(page.get_by_test_id("rect-phase")).to_contain_text("下发之日起即可反馈")
    page.get_by_label("整改情况").fill("已恢复网站首页的可访问性，整改完成。")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator(".messages")).to_contain_text("整改情况已反馈")
    expect(page.get_by_test_id("rect-status")).to_have_text("已反馈")
    notice.refresh_from_db()
    assert notice.status == "answered" and not notice.is_late


def test_the_published_notice_pdf_is_laid_out_as_an_official_document(page, site):
    import io
    import re

    from pypdf import PdfReader

    from sitecensus.core.dates import cn_date

    from sitecensus.spotcheck.models import Notice

    _publish_a_spot_check_notice()
    notice = Notice.objects.get(status="published", corrects__isnull=True)
    page.goto(f"{site}/pucha/notices/{notice.pk}/")
    href = page.locator(f"a[href$='/pucha/notices/{notice.pk}/pdf/']").first.get_attribute("href")
    response = page.request.get(f"{site}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    flat = re.sub(r"\s+", "", text)
    day = cn_date(date.today())
    parts = [("发文机关标志", "国务院办公厅文件"), ("发文字号", f"国务院办公厅〔{date.today().year}〕1号"),
             ("标题", re.sub(r"\s+", "", notice.title)),
             ("主送机关", "各省、自治区、直辖市人民政府办公厅"), ("正文", "一、抽查情况"),
             ("落款", f"国务院办公厅{day}"), ("印发", f"国务院办公厅{day}印发")]
    at = -1
    for name, expected in parts:
        found = flat.find(expected, at + 1)
        assert found > at, (name, expected, flat[:400])
        at = found
    assert not re.search(r"年0\d|月0\d", flat)  # dates without leading zeros
