import json

import pytest
from django.contrib.auth.models import Permission

from sitecensus.registry.models import Website
from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db
S = Scorecard.Stage


def submitted_card():
    return Scorecard.objects.get(website__name="涞水镇人民政府网站", stage=S.SELF)


def test_self_check_page_warns_and_submits(client, demo_users):
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    client.force_login(demo_users["hebei_fgw"])
    response = client.post(f"/checks/site/{fgw.pk}/selfcheck/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "评分表一旦提交不可更改" in page
    card = Scorecard.objects.get(website=fgw, stage=S.SELF)
    preview = client.post(f"/checks/card/{card.pk}/preview/", {"e-A2-count": "3"}).json()
    assert preview == {"result": "合格", "score": "97.00", "vetoes": [], "bonus": "0.00",
                       "deductions": preview["deductions"]} and preview["deductions"]["A2"] == "3.00"
    bad = client.post(f"/checks/card/{card.pk}/preview/", {"e-A2-count": "-2"})
    assert bad.status_code == 400 and "不能为负数" in bad.json()["error"]
    client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "3", "e-V2-veto": "", "action": "submit"})
    card.refresh_from_db()
    assert card.is_submitted and card.score == 97


def test_form_path_refuses_a_submitted_card(client, demo_users):
    card = submitted_card()
    client.force_login(demo_users["laishui_lsz"])
    response = client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "0", "action": "save"})
    assert response.status_code == 400 and "评分表一旦提交不可更改" in response.content.decode()
    card.refresh_from_db()
    assert card.score == 97


def test_api_path_refuses_a_submitted_card(client, demo_users):
    card = submitted_card()
    client.force_login(demo_users["laishui_lsz"])
    got = client.get(f"/checks/card/{card.pk}/entries.json").json()
    assert got["status"] == "submitted" and got["entries"]["A2"]["count"] == 1
    response = client.post(f"/checks/card/{card.pk}/entries.json", json.dumps({"entries": {"A2": {"count": 0}}}),
                           content_type="application/json")
    assert response.status_code == 409 and "不可更改" in response.json()["error"]
    response = client.post(f"/checks/card/{card.pk}/entries.json", "not json", content_type="application/json")
    assert response.status_code == 400


def test_admin_path_refuses_a_submitted_card(client, demo_users):
    staff = demo_users["sysadmin"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="scoring"))
    card = submitted_card()
    client.force_login(staff)
    assert client.get(f"/admin/scoring/scorecard/{card.pk}/change/").status_code == 200  # view only
    response = client.post(f"/admin/scoring/scorecard/{card.pk}/change/", {"score": "100", "result": "合格"})
    assert response.status_code == 403
    response = client.post(f"/admin/scoring/scorecard/{card.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    card.refresh_from_db()
    assert card.score == 97


def test_cards_outside_scope_are_404(client, demo_users):
    card = submitted_card()
    for username in ("baoding_jyj", "hebei_fgw", "shuiwu"):
        client.force_login(demo_users[username])
        assert client.get(f"/checks/card/{card.pk}/").status_code == 404
        assert client.post(f"/checks/card/{card.pk}/preview/", {}).status_code == 404
    portal = Website.objects.get(name="涞水县人民政府")
    client.force_login(demo_users["laishui"])
    response = client.post(f"/checks/site/{portal.pk}/inspect/")
    assert response.status_code == 403 and "不在本单位的检查范围内" in response.content.decode()


def test_inspection_shows_differences(client, demo_users):
    inspection = Scorecard.objects.get(website__name="涞水镇人民政府网站", stage=S.INSPECTION)
    client.force_login(demo_users["laishui"])
    page = client.get(f"/checks/card/{inspection.pk}/").content.decode()
    assert "不一致" in page  # A2: self-check 1, inspection 3


def test_lists_and_exports(client, demo_users):
    client.force_login(demo_users["baoding"])
    page = client.get("/checks/").content.decode()
    assert "涞水县人民政府" in page and "待检查网站（1）" in page
    page = client.get("/checks/results/", {"indicator": "C1"}).content.decode()
    assert "涞水镇人民政府网站" in page
    assert client.get("/checks/results/export/").status_code == 200
    assert client.get("/checks/rectifications/export/", {"overdue": "1"}).status_code == 200
    page = client.get("/checks/rectifications/").content.decode()
    assert "政务咨询类栏目" in page
    assert client.get("/checks/report/").status_code == 200
