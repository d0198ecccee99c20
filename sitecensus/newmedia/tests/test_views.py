"""The 政务新媒体 pages: file online (Chinese form from the field definitions), the review queue with
the duplicate-platform flag, review and life-change requests, import refusals naming row and column,
the problem lists, statistics and the Excel export."""

import pytest

from sitecensus.newmedia import services
from sitecensus.newmedia.models import MediaAccount
from sitecensus.newmedia.testing import sample_values, without_demo_accounts
from sitecensus.newmedia.workbook import fill_sheet, workbook_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


def post(**overrides):
    data = {"platform": "微信公众号", "name": "涞水镇发布", "account_id": "lszfb", "url": "https://weibo.example.cn/lszfb",
            "host_unit": "涞水镇人民政府", "certified_subject": "涞水镇人民政府", "is_certified": "是",
            "operator_unit": "涞水镇人民政府", "opened_on": "2019-03-01", "then": "submit"}
    data.update(overrides)
    return data


def test_file_online_and_review_through_the_pages(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    page = client.get("/media/new/").content.decode()
    assert "账号名称" in page and "认证主体" in page and "开设日期" in page
    response = client.post("/media/new/", post())
    assert response.status_code == 302
    account = MediaAccount.objects.get(name="涞水镇发布")
    assert account.status == "submitted"
    response = client.post("/media/new/", post(name="涞水镇政务", url="ftp://x"))
    assert response.status_code == 400 and "网址格式不正确" in response.content.decode()
    client.post("/media/new/", post(name="涞水镇政务"))
    client.force_login(demo_users["laishui"])
    queue = client.get("/media/review/").content.decode()
    assert queue.count('data-testid="duplicate-platform"') == 2
    second = MediaAccount.objects.get(name="涞水镇政务")
    detail = client.get(f"/media/{second.pk}/").content.decode()
    assert 'data-testid="flag-duplicate"' in detail and 'data-testid="review-box"' in detail
    client.post(f"/media/{second.pk}/review/", {"action": "return", "reason": "同一平台已有账号，请合并"})
    assert MediaAccount.objects.get(pk=second.pk).status == "returned"
    client.post(f"/media/{account.pk}/review/", {"action": "approve"})
    for who in ("baoding", "hebei"):
        client.force_login(demo_users[who])
        client.post(f"/media/{account.pk}/review/", {"action": "approve"})
    account.refresh_from_db()
    assert account.status == "approved" and account.media_code.endswith("M00001")
    client.force_login(demo_users["laishui_lsz"])
    client.post(f"/media/{account.pk}/life/", {"kind": "close", "reason": "停止运营", "on": "2026-06-30"})
    account.refresh_from_db()
    assert account.status == "submitted" and account.pending["kind"] == "close"
    bad = client.post(f"/media/{account.pk}/life/", {"kind": "close", "reason": ""})
    assert bad.status_code in (400, 409) and "原因" in bad.content.decode()


def test_import_page_lists_each_problem(client, demo_users):
    clerk = demo_users["laishui_lsz"]
    client.force_login(clerk)
    data = fill_sheet(workbook_for(clerk.unit), [sample_values(unit_name=clerk.unit.name, platform="贴吧")])
    download = client.get(f"/media/workbook/{clerk.unit_id}/")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/media/import/", {"file": SimpleUploadedFile("涞水镇.xlsx", data)})
    page = response.content.decode()
    assert response.status_code == 400 and "<td>政务新媒体</td><td>3</td><td>A</td><td>平台</td>" in page
    good = fill_sheet(workbook_for(clerk.unit), [sample_values(unit_name=clerk.unit.name)])
    response = client.post("/media/import/", {"file": SimpleUploadedFile("涞水镇.xlsx", good)})
    assert "新登记 1 个" in response.content.decode()


def test_lists_statistics_and_export(client, demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    account = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(unit_name=clerk.unit.name))
    for who in ("laishui", "baoding", "hebei"):
        account = services.approve(actor=u[who], account=account)
    client.force_login(u["baoding"])
    stats = client.get("/media/stats/").content.decode()
    assert "<td>微信公众号</td><td>1</td>" in stats and "涞水县" in stats
    assert client.get("/media/problems/").status_code == 200
    export = client.get("/media/?export=1")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    listing = client.get("/media/?platform=微信公众号&region=涞水县").content.decode()
    assert account.name in listing
    client.force_login(clerk)
    assert client.get("/media/problems/").status_code == 403
