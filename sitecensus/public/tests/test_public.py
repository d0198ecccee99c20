import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from sitecensus.core.errors import InvalidInput, NotAllowed, NotFound
from sitecensus.public import selectors, services
from sitecensus.public.models import NewsPost, PublicReport
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db
UNLISTED = ["涞水县教育局", "永阳镇人民政府网站", "义安镇人民政府网站", "石亭镇人民政府网站", "河北省教育厅",
            "三坡镇人民政府网站"]  # submitted, submitted, returned, draft, submitted, closed


@pytest.fixture
def captcha_ok(settings):
    settings.CAPTCHA_TEST_MODE = True
    return "passed"


def site(name="涞水镇人民政府网站"):
    return Website.objects.get(name=name)


def post_report(client, website, **extra):
    data = {"category": "stale", "description": "首页通知公告栏目半年未更新", "contact": "",
            "page_url": "", "captcha_0": "x", "captcha_1": "passed", **extra}
    return client.post(f"/pucha/sites/{website.pk}/report/", data, REMOTE_ADDR=extra.pop("ip", "10.0.0.1"))


# ---------------------------------------------------------------- public pages, approved data only

def test_home_shows_progress_by_province_from_approved_data_only(client):
    page = client.get("/pucha/")
    body = page.content.decode()
    assert page.status_code == 200
    progress = selectors.progress_by_province()
    hebei = next(r for r in progress["rows"] if r["name"] == "河北省")
    approved_hebei = Website.objects.filter(site_code__isnull=False, unit__path__startswith=Website.objects.get(
        name="河北省人民政府").unit.path, unit__system__isnull=True)
    assert hebei["approved"] == approved_hebei.count()
    assert hebei["active"] == approved_hebei.exclude(life__in=["closed", "merged"]).count()
    # The tax system's county site is not Hebei's.
    assert any(r["name"] == selectors.DEPARTMENTS_LABEL for r in progress["rows"])
    # The summary tables give the live figures.
    assert progress == selectors.progress_by_province(live=True)
    assert "河北省" in body and "暂无通报" in body


def test_directory_lists_only_approved_open_sites(client):
    body = client.get("/pucha/sites/").content.decode()
    assert "涞水县人民政府" in body and site().site_code in body
    for name in UNLISTED:
        assert name not in body, name
    search = client.get("/pucha/sites/", {"q": "涞水镇"}).content.decode()
    assert "涞水镇人民政府网站" in search and "保定市人民政府" not in search
    by_code = client.get("/pucha/sites/", {"q": site().site_code}).content.decode()
    assert "涞水镇人民政府网站" in by_code
    assert client.get("/pucha/sites/", {"q": "\x00<script>", "page": "999"}).status_code == 200


def test_directory_pages(client):
    from sitecensus.public import views

    assert views.PAGE == 20
    page = client.get("/pucha/sites/", {"page": "abc"})
    assert page.status_code == 200


@pytest.mark.parametrize("name", UNLISTED)
def test_unlisted_sites_take_no_reports(client, captcha_ok, name):
    response = post_report(client, site(name))
    assert response.status_code == 404
    assert client.get(f"/pucha/sites/{site(name).pk}/report/").status_code == 404


def test_news_unpublished_never_public(client, demo_users):
    draft = services.create_news(actor=demo_users["guoban"], title="内部草稿标题", body="草稿", publish=False)
    live = services.create_news(actor=demo_users["guoban"], title="普查工作部署会召开",
                                body="<script>alert(1)</script>\n第二段", publish=True)
    assert client.get(f"/pucha/news/{draft.pk}/").status_code == 404
    listing = client.get("/pucha/news/").content.decode()
    assert "内部草稿标题" not in listing and "普查工作部署会召开" in listing
    assert "内部草稿标题" not in client.get("/pucha/").content.decode()
    detail = client.get(f"/pucha/news/{live.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in detail and "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_news_editing_is_for_the_national_and_provincial_offices(client, demo_users):
    for outsider in ("baoding", "hebei_fgw", "laishui"):
        with pytest.raises(NotAllowed):
            services.create_news(actor=demo_users[outsider], title="t", body="b", publish=True)
    client.force_login(demo_users["baoding"])
    assert client.get("/pucha/news/new/").status_code == 403
    assert client.get("/pucha/news/manage/").status_code == 403
    client.force_login(demo_users["guoban"])
    response = client.post("/pucha/news/new/", {"title": "涞水县完成普查", "body": "正文", "publish": "on"})
    assert response.status_code == 302
    post = NewsPost.objects.get(title="涞水县完成普查")
    assert post.is_published and post.published_at and post.author == demo_users["guoban"]
    response = client.post(f"/pucha/news/{post.pk}/edit/", {"title": "涞水县完成普查", "body": "正文"})
    post.refresh_from_db()
    assert response.status_code == 302 and not post.is_published and post.published_at is None
    too_long = client.post("/pucha/news/new/", {"title": "长" * 101, "body": "b"})
    assert too_long.status_code == 400 and "标题不能超过 100 字" in too_long.content.decode()


def test_only_published_notices_are_public(client, demo_users):
    from sitecensus.spotcheck.models import Batch, Notice

    def notice(name, published_at):
        batch = Batch.objects.create(name=name, organizer=demo_users["guoban"].unit, seed=1,
                                     window_start=date(2026, 6, 1), window_end=date(2026, 6, 30),
                                     created_by=demo_users["guoban"])
        return Notice.objects.create(batch=batch, title=f"{name}通报", body="<b>正文</b>",
                                     unqualified=[{"site_code": "1306230001", "name": "某网站", "unit": "某单位",
                                                   "result": "不合格", "problems": ["首页不更新"]}],
                                     published_at=published_at)

    hidden = notice("未发布批次", None)
    shown = notice("第一批抽查", timezone.now())
    listing = client.get("/pucha/notices/").content.decode()
    assert "第一批抽查通报" in listing and "未发布批次通报" not in listing
    assert "未发布批次通报" not in client.get("/pucha/").content.decode()
    assert client.get(f"/pucha/notices/{hidden.pk}/").status_code == 404
    detail = client.get(f"/pucha/notices/{shown.pk}/").content.decode()
    assert "首页不更新" in detail and "&lt;b&gt;正文&lt;/b&gt;" in detail


def test_notices_placeholder_when_none_is_published(client, monkeypatch):
    monkeypatch.setattr(selectors, "_notice_model", lambda: None)  # as before the spot-check app existed
    assert selectors.published_notices() == []
    assert "暂无通报" in client.get("/pucha/notices/").content.decode()
    assert client.get("/pucha/notices/1/").status_code == 404


# ---------------------------------------------------------------- 我为政府网站找错

def test_report_gets_a_receipt_routed_to_the_unit_with_a_deadline(client, captcha_ok, demo_users):
    website = site()
    response = post_report(client, website, description="<script>alert('x')</script>错别字")
    body = response.content.decode()
    assert response.status_code == 200
    receipt = re.search(r'data-testid="receipt">(ZC\d{8}[A-Z0-9]{10})<', body).group(1)
    report = PublicReport.objects.get(receipt=receipt)
    assert report.unit == website.unit and report.status == "new"
    assert report.description == "<script>alert('x')</script>错别字"  # stored as text
    assert report.deadline == services.add_working_days(timezone.localdate(), 5)
    # The receipt is not in any URL (shown once in this response).
    assert receipt not in response.get("Location", "")
    # The unit answers; organizers up the tree see it; the reporter follows it.
    client.force_login(demo_users["laishui_lsz"])
    detail = client.get(f"/pucha/reports/{report.pk}/").content.decode()
    assert "&lt;script&gt;" in detail and "<script>alert('x')" not in detail
    answered = client.post(f"/pucha/reports/{report.pk}/", {"status": "done", "answer": "已更正"})
    assert answered.status_code == 302
    for organizer in ["laishui", "baoding", "hebei", "guoban"]:
        client.force_login(demo_users[organizer])
        assert receipt in client.get("/pucha/reports/").content.decode(), organizer
    client.logout()
    looked = client.post("/pucha/lookup/", {"receipt": receipt.lower()}).content.decode()
    assert "已办结" in looked and "已更正" not in looked and "答复内容经上级审核后公开" in looked
    # The public reads the answer once a higher office reviewed it (曝光).
    client.force_login(demo_users["baoding"])
    assert client.post(f"/pucha/reports/{report.pk}/", {"action": "review", "public_text": "已更正"}).status_code == 302
    client.logout()
    looked = client.post("/pucha/lookup/", {"receipt": receipt.lower()}).content.decode()
    assert "已办结" in looked and "已更正" in looked


def test_report_outside_scope_is_404_and_only_the_unit_answers(demo_users, client, captcha_ok):
    post_report(client, site())
    report = PublicReport.objects.latest("id")
    for outsider in ["laishui_jyj", "shuiwu", "hebei_fgw"]:
        client.force_login(demo_users[outsider])
        assert client.get(f"/pucha/reports/{report.pk}/").status_code == 404
        assert report.receipt not in client.get("/pucha/reports/").content.decode()
    with pytest.raises(NotAllowed):
        services.answer_report(actor=demo_users["laishui"], report=report, answer="x", status="done")
    with pytest.raises(NotFound):
        services.answer_report(actor=demo_users["laishui_jyj"], report=report, answer="x", status="done")
    client.force_login(demo_users["auditadmin"])
    assert client.get("/pucha/reports/").status_code == 403


def test_organizer_sees_overdue_reports(demo_users, client, captcha_ok):
    post_report(client, site())
    report = PublicReport.objects.latest("id")
    PublicReport.objects.filter(pk=report.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(demo_users["laishui"])
    page = client.get("/pucha/reports/", {"overdue": "1"}).content.decode()
    assert report.receipt in page and "逾期" in page
    assert selectors.report_counts(demo_users["baoding"])["overdue"] >= 1


def test_wrong_captcha_is_refused(client, captcha_ok):
    response = post_report(client, site(), captcha_1="wrong")
    assert response.status_code == 400 and "验证码错误" in response.content.decode()
    assert not PublicReport.objects.exists()


def test_captcha_is_checked_without_test_mode(client):
    response = post_report(client, site())  # "passed" is only accepted in test mode
    assert response.status_code == 400 and not PublicReport.objects.exists()


def test_captcha_image_is_served_to_anonymous_visitors(client):
    form = client.get(f"/pucha/sites/{site().pk}/report/").content.decode()
    image = re.search(r'src="(/captcha/image/\w+/)"', form).group(1)
    response = client.get(image)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_oversized_input_is_refused_with_a_clear_message(client, captcha_ok):
    response = post_report(client, site(), description="长" * 1001)
    assert response.status_code == 400 and "问题描述不能超过 1000 字" in response.content.decode()
    with pytest.raises(InvalidInput, match="1000"):
        services.submit_report(website_pk=site().pk, category="typo", description="x" * 1001)
    with pytest.raises(InvalidInput):
        services.submit_report(website_pk=site().pk, category="nonsense", description="x")
    assert not PublicReport.objects.exists()


def test_flood_is_bounded_by_the_rate_limit(client, captcha_ok, settings):
    settings.PUBLIC_REPORT_RATE = "3/h"
    for _ in range(3):
        assert post_report(client, site(), ip="10.9.9.9").status_code == 200
    flood = post_report(client, site(), ip="10.9.9.9")
    assert flood.status_code == 429 and "提交过于频繁" in flood.content.decode()
    assert PublicReport.objects.filter(ip="10.9.9.9").count() == 3
    assert post_report(client, site(), ip="10.9.9.10").status_code == 200  # another address
    PublicReport.objects.filter(ip="10.9.9.9").update(created_at=timezone.now() - timedelta(hours=2))
    assert post_report(client, site(), ip="10.9.9.9").status_code == 200  # the window moved on


def test_rate_setting_parsing(settings):
    settings.PUBLIC_REPORT_RATE = "10/m"
    assert services.report_rate() == (10, 60)
    settings.PUBLIC_REPORT_RATE = "2/30m"
    assert services.report_rate() == (2, 1800)
    settings.PUBLIC_REPORT_RATE = "garbage"
    assert services.report_rate() == (5, 3600)


def test_working_days_skip_weekends(settings):
    friday = date(2026, 11, 27)
    assert services.add_working_days(friday, 1) == date(2026, 11, 30)
    assert services.add_working_days(friday, 5) == date(2026, 12, 4)
    settings.PUBLIC_REPORT_DAYS = 3
    assert services.report_days() == 3


def test_lookup_with_bad_or_unknown_receipt(client):
    for receipt in ["ZC20261126AAAAAAAAAA", "<script>", "x" * 30, ""]:
        response = client.post("/pucha/lookup/", {"receipt": receipt})
        assert response.status_code in (400, 404)
        assert "<script>" not in response.content.decode().split("</header>")[-1].replace("&lt;script&gt;", "")


def test_receipts_are_unguessable():
    receipts = {services.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(re.fullmatch(r"ZC\d{8}[A-HJ-NP-Z2-9]{10}", r) for r in receipts)


def test_answer_validation(demo_users, client, captcha_ok):
    post_report(client, site())
    report = PublicReport.objects.latest("id")
    user = demo_users["laishui_lsz"]
    with pytest.raises(InvalidInput):
        services.answer_report(actor=user, report=report, answer="", status="done")
    with pytest.raises(InvalidInput):
        services.answer_report(actor=user, report=report, answer="x", status="new")
    services.answer_report(actor=user, report=report, answer="正在核实", status="processing")
    services.answer_report(actor=user, report=report, answer="已更正", status="done")
    from sitecensus.core.errors import InvalidState

    with pytest.raises(InvalidState):
        services.answer_report(actor=user, report=report, answer="再答", status="done")
    from sitecensus.audit.models import AuditEvent

    # 处理中 is the declared 受理 transition, 已办结 the 答复办结 one: one audit event each.
    assert AuditEvent.objects.filter(action="public_report_accepted", object_id=str(report.pk)).count() == 1
    assert AuditEvent.objects.filter(action="public_report_answered", object_id=str(report.pk)).count() == 1
    assert AuditEvent.objects.filter(action="public_report_submitted", object_id=str(report.pk)).exists()


def test_provinces_and_ministries_post_news_for_their_own_region(client, demo_users):
    hebei_post = services.create_news(actor=demo_users["hebei"], title="河北省完成统计摸底", body="正文", publish=True)
    tax_post = services.create_news(actor=demo_users["shuiwu"], title="税务系统网站普查进展", body="正文", publish=True)
    assert hebei_post.unit == demo_users["hebei"].unit and tax_post.unit == demo_users["shuiwu"].unit
    # Each edits its own posts only; the national office edits any.
    with pytest.raises(NotAllowed, match="本地区、本部门"):
        services.update_news(actor=demo_users["shuiwu"], post=hebei_post, title="x", body="y", publish=True)
    services.update_news(actor=demo_users["guoban"], post=hebei_post, title="河北省完成统计摸底", body="正文2",
                         publish=True)
    assert list(selectors.all_news(demo_users["hebei"])) == [hebei_post]
    client.logout()
    page = client.get(f"/pucha/news/{hebei_post.pk}/").content.decode()
    assert "河北省人民政府办公厅" in page
    assert "税务系统网站普查进展" in client.get("/pucha/news/").content.decode()


def test_progress_of_every_phase_by_province_zero_rows_included(client):
    from sitecensus.orgs.models import Division
    from sitecensus.scoring.models import Scorecard

    phases = selectors.phase_progress()
    assert len(phases["rows"]) == Division.objects.filter(level=1).count() + 1  # every province + departments
    hebei = next(r for r in phases["rows"] if r["name"] == "河北省")
    beijing = next(r for r in phases["rows"] if r["name"] == "北京市")
    assert beijing["approved"] == beijing["self_checked"] == beijing["inspected"] == 0
    assert hebei["self_checked"] == Scorecard.objects.filter(
        stage="self", status="submitted", website__unit__division__province_code="13",
        website__unit__system__isnull=True).count() > 0
    assert hebei["inspected"] >= 1 and hebei["rectifications"] >= 1 and hebei["reported"] is False
    # The approved count is the same rule as the rest of the public pages.
    assert hebei["approved"] == next(r for r in selectors.progress_by_province()["rows"]
                                     if r["name"] == "河北省")["approved"]
    page = client.get("/pucha/").content.decode()
    assert "北京市" in page and "已自查" in page and "未报送" in page
