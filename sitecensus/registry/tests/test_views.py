import io

import openpyxl
import pytest
from django.core import mail

from sitecensus.accounts.models import User
from sitecensus.registry import services
from sitecensus.registry.models import Website

pytestmark = pytest.mark.django_db


def site(name):
    return Website.objects.get(name=name)


def filing_post(**overrides):
    data = {
        "basic-site_name": "龙门乡人民政府网站", "basic-homepage_url": "http://lmx.laishui.gov.cn/",
        "basic-competent_unit": "涞水镇人民政府", "basic-sponsor_unit": "涞水镇人民政府",
        "basic-site_class": "乡镇街道网站", "basic-is_portal": "否", "basic-principal_name": "王强",
        "basic-principal_post": "镇长", "basic-principal_phone": "0312-4512345",
        "basic-principal_mobile": "13812345678", "basic-principal_email": "wq@example.gov.cn",
        "basic-contact1_name": "赵敏", "basic-contact1_mobile": "13912345678",
        "basic-contact1_phone": "0312-4512399", "basic-contact1_email": "zm@example.gov.cn",
        "basic-running_status": "正常运行",
        "col-TOTAL_FORMS": "2", "col-INITIAL_FORMS": "0", "col-MIN_NUM_FORMS": "0", "col-MAX_NUM_FORMS": "1000",
        "col-0-column_name": "通知公告", "col-0-column_url": "http://lmx.laishui.gov.cn/tzgg/",
        "col-0-is_homepage": "是", "col-0-column_class": "通知公告", "col-0-update_period": "每周",
        "col-0-ORDER": "2",
        "col-1-column_name": "工作动态", "col-1-column_url": "http://lmx.laishui.gov.cn/gzdt/",
        "col-1-is_homepage": "是", "col-1-column_class": "工作动态/要闻", "col-1-update_period": "每日",
        "col-1-ORDER": "1",
        "then": "submit",
    }
    data.update(overrides)
    return data


def test_online_filing_submits_with_ordered_columns(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    assert client.get("/sites/new/").status_code == 200
    response = client.post("/sites/new/", filing_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    created = site("龙门乡人民政府网站")
    assert created.status == "submitted" and created.pending_at.name == "涞水县人民政府办公室"
    assert list(created.columns.values_list("name", flat=True)) == ["工作动态", "通知公告"]


def test_online_filing_errors_in_chinese(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    response = client.post("/sites/new/", filing_post(**{"basic-principal_email": "bad@", "col-0-column_url": "x"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "邮箱" in page or "电子邮箱" in page
    assert not Website.objects.filter(name="龙门乡人民政府网站").exists()
    response = client.post("/sites/new/", filing_post(**{"col-0-parent_column": "不存在的栏目"}))
    assert "不是本网站已填写的另一个栏目" in response.content.decode()


def test_save_draft_then_edit(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    client.post("/sites/new/", filing_post(then="save"))
    draft = site("龙门乡人民政府网站")
    assert draft.status == "draft"
    page = client.get(f"/sites/{draft.pk}/edit/").content.decode()
    assert "lmx.laishui.gov.cn/tzgg/" in page
    response = client.post(f"/sites/{draft.pk}/edit/", filing_post(**{"basic-site_name": "龙门乡政府网",
                                                                      "then": "save"}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "龙门乡政府网"


def test_review_through_the_pages(client, demo_users):
    edu = site("涞水县教育局")  # waits at Baoding in the demo
    client.force_login(demo_users["laishui"])
    page = client.get(f"/sites/{edu.pk}/").content.decode()
    assert "撤销本级审核" in page
    client.force_login(demo_users["baoding"])
    queue = client.get("/sites/review/").content.decode()
    assert "涞水县教育局" in queue
    response = client.post(f"/sites/{edu.pk}/review/", {"action": "return", "reason": ""})
    assert response.status_code == 400 and "退回时请填写原因" in response.content.decode()
    client.post(f"/sites/{edu.pk}/review/", {"action": "approve"})
    client.force_login(demo_users["hebei"])
    client.post(f"/sites/{edu.pk}/review/", {"action": "approve"})
    edu.refresh_from_db()
    assert edu.status == "approved" and edu.site_code.startswith("130623")


def test_bulk_from_the_queue(client, demo_users):
    client.force_login(demo_users["hebei"])
    pending = list(Website.objects.filter(pending_at=demo_users["hebei"].unit).values_list("pk", flat=True))
    assert len(pending) == 2
    response = client.post("/sites/review/bulk/", {"site": pending, "action": "return", "reason": ""})
    assert response.status_code == 400
    client.post("/sites/review/bulk/", {"site": pending, "action": "return", "reason": "请补充联系人"})
    assert not Website.objects.filter(pending_at=demo_users["hebei"].unit).exists()
    assert site("河北省发展和改革委员会").status == "approved"  # a returned change leaves the record approved
    assert site("河北省教育厅").status == "returned"


def test_websites_outside_scope_are_404(client, demo_users):
    hebei_portal = site("河北省人民政府")
    town = site("涞水镇人民政府网站")
    tax = site("国家税务总局涞水县税务局")
    client.force_login(demo_users["laishui"])
    assert client.get(f"/sites/{town.pk}/").status_code == 200
    for other in (hebei_portal, tax):
        assert client.get(f"/sites/{other.pk}/").status_code == 404
        assert client.post(f"/sites/{other.pk}/review/", {"action": "approve"}).status_code == 404
    client.force_login(demo_users["laishui_jyj"])
    assert client.get(f"/sites/{town.pk}/").status_code == 404
    assert client.get("/sites/review/").status_code == 403
    client.force_login(demo_users["secadmin"])
    assert client.get(f"/sites/{town.pk}/").status_code == 404


def test_site_account_sees_only_its_site(client, demo_users):
    town = site("涞水镇人民政府网站")
    verification = services.reset_verification_code(actor=demo_users["laishui"], website=town)
    response = client.post("/accounts/login/", {"username": town.site_code, "password": verification})
    assert response.status_code == 302
    assert client.get(f"/sites/{town.pk}/").status_code == 200
    listed = client.get("/sites/").content.decode()
    assert "涞水镇人民政府网站" in listed and "涞水县人民政府" not in listed
    assert client.get(f"/sites/{site('涞水县人民政府').pk}/").status_code == 404
    assert client.get("/units/").status_code in (403, 404, 200)
    assert client.get("/sites/new/").status_code == 403
    assert User.objects.get(username=town.site_code).role == "site"


def test_verification_mail(demo_users, django_capture_on_commit_callbacks):
    town = site("涞水镇人民政府网站")
    with django_capture_on_commit_callbacks(execute=True):
        code = services.reset_verification_code(actor=demo_users["laishui"], website=town)
    assert code in mail.outbox[-1].body and town.site_code in mail.outbox[-1].body


def test_search_filters_and_export(client, demo_users):
    client.force_login(demo_users["hebei"])
    page = client.get("/sites/", {"q": "1306230001"}).content.decode()
    assert "涞水县人民政府" in page
    page = client.get("/sites/", {"status": "returned"}).content.decode()
    assert "义安镇人民政府网站" in page and "涞水镇人民政府网站" not in page
    page = client.get("/sites/", {"life": "closed"}).content.decode()
    assert "三坡镇人民政府网站" in page
    page = client.get("/sites/", {"region": "130623"}).content.decode()
    assert "涞水镇" in page and "保定市人民政府" not in page
    response = client.get("/sites/export/", {"class": "乡镇街道网站"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["政府网站"].iter_rows(values_only=True))
    names = [r[rows[0].index("网站名称")] for r in rows[1:]]
    assert "涞水镇人民政府网站" in names and "河北省人民政府" not in names


def test_progress_and_reminders(client, demo_users):
    client.force_login(demo_users["laishui"])
    page = client.get("/sites/progress/").content.decode()
    assert "未报送单位" in page and "龙门乡人民政府" in page
    from sitecensus.accounts.services import issue_account
    from sitecensus.orgs.models import Unit

    issue_account(actor=demo_users["laishui"], unit=Unit.objects.get(name="龙门乡人民政府"), username="lmx",
                  email="lmx@example.gov.cn")
    mail.outbox.clear()
    client.post("/sites/progress/remind/")
    assert [m.to for m in mail.outbox] == [["lmx@example.gov.cn"]]
    assert any("请尽快报送" in m.subject for m in mail.outbox)


def test_change_request_and_diff_page(client, demo_users):
    fgw = site("河北省发展和改革委员会")
    client.force_login(demo_users["hebei_fgw"])
    page = client.get(f"/sites/{fgw.pk}/").content.decode()
    assert "变更申请" in page
    latest = fgw.versions.order_by("-number").first()
    diff = client.get(f"/sites/{fgw.pk}/versions/{latest.number}/").content.decode()
    assert "新增" in diff


def test_life_change_page(client, demo_users):
    town = site("涞水镇人民政府网站")
    client.force_login(demo_users["laishui_lsz"])
    response = client.post(f"/sites/{town.pk}/life/", {"life": "migrated", "reason": ""})
    assert response.status_code == 400
    client.post(f"/sites/{town.pk}/life/", {"life": "migrated", "reason": "迁入县级集约化平台",
                                           "new_url": "http://www.laishui.gov.cn/lsz/"})
    town.refresh_from_db()
    assert town.status == "submitted" and town.life == "open"


def test_a_reset_verification_code_is_not_shown_to_the_operator(client, demo_users, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    town = Website.objects.get(name="涞水镇人民政府网站")
    client.force_login(demo_users["laishui"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sites/{town.pk}/verification/", follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "已通过电子邮件发送" in said
    mailed = mailoutbox[-1].body
    code = mailed.split("校验码：")[1].split()[0]
    assert code not in response.content.decode()
