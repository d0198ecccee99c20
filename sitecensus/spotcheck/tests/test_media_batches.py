"""政务新媒体 in spot checks: a batch draws accounts beside its websites (strata by platform and level,
reproducible from the seed), a reviewer scores each on the new-media table, a second person signs off
or returns it, and the notice carries a new-media section with counts, pass rates and problem accounts."""

from datetime import date, timedelta

import pytest

from sitecensus.core.errors import InvalidState, NotAllowed
from sitecensus.newmedia import services as media
from sitecensus.newmedia.testing import sample_values, without_demo_accounts
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()
TODAY = date.today()


def approved_accounts(u):
    made = []
    for who, platform in (("laishui_lsz", "微信公众号"), ("laishui_lsz", "抖音"), ("laishui_jyj", "微博")):
        clerk = u[who]
        account = media.file_account(actor=clerk, unit=clerk.unit, values=sample_values(
            unit_name=clerk.unit.name, platform=platform))
        for level in ("laishui", "baoding", "hebei"):
            account = media.approve(actor=u[level], account=account)
        made.append(account)
    return made


def test_draw_review_sign_and_notice(demo_users):
    u = demo_users
    accounts = approved_accounts(u)
    batch = services.create_batch(actor=u["guoban"], name="2026年第四季度抽查", strata_by=["region"], ratio="100",
                                  window_start=TODAY - timedelta(days=7), window_end=TODAY, seed=7)
    services.draw(actor=u["guoban"], batch=batch)
    draw = services.draw_accounts(actor=u["guoban"], batch=batch, per_stratum=5)
    assert set(draw.strata) == {"微信公众号|乡级", "抖音|乡级", "微博|县级"}
    assert sorted(batch.accounts.values_list("account_id", flat=True)) == sorted(a.pk for a in accounts)
    again = services.draw_accounts(actor=u["guoban"], batch=batch, per_stratum=5)
    assert again.strata == draw.strata
    with pytest.raises(NotAllowed):
        services.draw_accounts(actor=u["hebei"], batch=batch, ratio="50")
    services.start(actor=u["guoban"], batch=batch)
    with pytest.raises(InvalidState, match="不能重新抽取"):
        services.draw_accounts(actor=u["guoban"], batch=batch, ratio="50")
    wechat, douyin, weibo = (batch.accounts.get(account=a) for a in accounts)
    services.review_account(actor=u["guoban"], baccount=wechat, raw_entries={})
    services.review_account(actor=u["guoban"], baccount=douyin, raw_entries={
        "MV2": {"veto": True, "evidence": ["https://douyin.example.cn/lsz"]}})
    services.review_account(actor=u["guoban"], baccount=weibo, raw_entries={"MD1": {"count": 1}})
    with pytest.raises(NotAllowed, match="第二人"):
        services.sign_off_account(actor=u["guoban"], baccount=wechat)
    services.return_account(actor=u["guoban_fh"], baccount=weibo, reason="请核实更新情况")
    weibo.refresh_from_db()
    assert weibo.scorecard_id is None and weibo.status == "pending"
    services.review_account(actor=u["guoban"], baccount=weibo, raw_entries={"MD1": {"count": 1}})
    for b in (wechat, douyin, weibo):
        services.sign_off_account(actor=u["guoban_fh"], baccount=b)
    for bsite in batch.sites.all():
        card = services.review_card(actor=u["guoban"], bsite=bsite)
        from sitecensus.scoring import services as scoring

        scoring.submit_card(actor=u["guoban"], card=card, raw_entries={})
        services.sign_off(actor=u["guoban_fh"], bsite=bsite)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")  # (the scan itself is the scanner's tests')
    batch.refresh_from_db()
    notice = services.compose_notice(actor=u["guoban"], batch=batch)
    section = notice.figures["media"]
    assert (section["sampled"], section["checked"], section["passed"], section["pass_rate"]) == (3, 3, 2, 66.7)
    assert {r["key"]: r["rate"] for r in section["by_platform"]} == {"微信公众号": 100.0, "抖音": 0.0, "微博": 100.0}
    (problem,) = section["problem_accounts"]
    assert problem["platform"] == "抖音" and problem["problems"] == ["内容不更新"] and problem["result"] == "单项否决"
    # The PDF carries the same section as the HTML and public notice.
    import io

    from pypdf import PdfReader

    from sitecensus.spotcheck.pdf import notice_pdf

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(notice_pdf(notice))).pages).replace("\n", "")
    assert "四、政务新媒体抽查情况" in text
    assert "抽查政务新媒体 3 个，复核 3 个，合格 2 个，合格率 66.7%" in text
    assert problem["media_code"] in text and problem["name"] in text and "内容不更新" in text


def test_notice_waits_for_every_account_to_be_signed(demo_users):
    u = demo_users
    approved_accounts(u)
    batch = services.create_batch(actor=u["guoban"], name="抽查", strata_by=[], ratio="1",
                                  window_start=TODAY - timedelta(days=7), window_end=TODAY)
    services.draw(actor=u["guoban"], batch=batch)
    batch.sites.all().delete()
    services.draw_accounts(actor=u["guoban"], batch=batch, ratio="100")
    services.start(actor=u["guoban"], batch=batch)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")
    with pytest.raises(InvalidState, match="政务新媒体未完成复核签发"):
        services.compose_notice(actor=u["guoban"], batch=Batch.objects.get(pk=batch.pk))
