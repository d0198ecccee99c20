"""Scope for every role, in and out: selectors, views and forged POSTs."""

import pytest
from django.urls import reverse

from sitecensus.accounts.models import User
from sitecensus.orgs import policy as scope
from sitecensus.orgs.models import Unit

pytestmark = pytest.mark.django_db

EVERYWHERE = ["河北省人民政府办公厅", "涞水镇人民政府", "国家税务总局涞水县税务局", "教育部教育管理信息中心"]

# username → (units it must see, units it must not see)
CASES = {
    "guoban": (EVERYWHERE, []),
    "sysadmin": (EVERYWHERE, []),
    "secadmin": (EVERYWHERE, []),
    "auditadmin": ([], EVERYWHERE),
    "hebei": (["河北省人民政府办公厅", "保定市人民政府办公室", "涞水镇人民政府", "河北省教育厅"],
              ["国家税务总局河北省税务局", "国家税务总局涞水县税务局", "教育部办公厅", "国务院办公厅"]),
    "baoding": (["保定市人民政府办公室", "涞水县人民政府办公室", "涞水镇人民政府", "保定市教育局"],
                ["河北省人民政府办公厅", "河北省教育厅", "石家庄市人民政府办公室", "国家税务总局保定市税务局"]),
    "laishui": (["涞水县人民政府办公室", "涞水镇人民政府", "涞水县教育局"],
                ["保定市人民政府办公室", "保定市教育局", "易县人民政府办公室", "国家税务总局涞水县税务局"]),
    "laishui_lsz": (["涞水镇人民政府"], ["涞水县人民政府办公室", "永阳镇人民政府", "涞水县教育局"]),
    "shuiwu": (["国家税务总局办公厅", "国家税务总局河北省税务局", "国家税务总局涞水县税务局"],
               ["河北省人民政府办公厅", "涞水县人民政府办公室", "教育部办公厅"]),
    "baoding_tax": (["国家税务总局保定市税务局", "国家税务总局涞水县税务局"],
                    ["国家税务总局河北省税务局", "保定市人民政府办公室"]),
    "laishui_tax": (["国家税务总局涞水县税务局"], ["国家税务总局保定市税务局", "涞水县人民政府办公室"]),
}


@pytest.mark.parametrize("username", sorted(CASES))
def test_selector_scope(demo_users, username):
    visible, hidden = CASES[username]
    names = set(scope.visible_units(demo_users[username]).values_list("name", flat=True))
    assert set(visible) <= names
    assert not (set(hidden) & names)


@pytest.mark.parametrize("username", sorted(CASES))
def test_view_scope_answers_404_outside(client, demo_users, username):
    visible, hidden = CASES[username]
    client.force_login(demo_users[username])
    for name in visible:
        response = client.get(reverse("orgs:unit_detail", args=[Unit.objects.get(name=name).pk]))
        assert response.status_code == 200, name
    for name in hidden:
        response = client.get(reverse("orgs:unit_detail", args=[Unit.objects.get(name=name).pk]))
        assert response.status_code == 404, name
        assert "不在您的权限范围内" in response.content.decode()


def test_tree_browser_with_foreign_root_is_404(client, demo_users):
    client.force_login(demo_users["laishui"])
    hebei = Unit.objects.get(name="河北省人民政府办公厅")
    assert client.get(reverse("orgs:unit_list"), {"root": hebei.pk}).status_code == 404
    assert client.get(reverse("orgs:unit_list"), {"root": "x"}).status_code == 404
    assert client.get(reverse("orgs:unit_export"), {"root": hebei.pk}).status_code == 404


def test_search_stays_in_scope(client, demo_users):
    client.force_login(demo_users["baoding"])
    page = client.get(reverse("orgs:unit_list"), {"q": "教育"}).content.decode()
    assert "保定市教育局" in page and "涞水县教育局" in page
    assert "河北省教育厅" not in page and "教育部" not in page
    page = client.get(reverse("orgs:unit_list"), {"q": "130623"}).content.decode()
    assert "涞水县人民政府办公室" in page and "涞水镇人民政府" in page


def test_forged_posts_change_nothing(client, demo_users):
    """Another unit's objects: invisible → 404, visible but not one's own → 403."""
    client.force_login(demo_users["baoding"])
    hebei_dept = Unit.objects.get(name="河北省教育厅")
    town = Unit.objects.get(name="涞水镇人民政府")
    town_account = User.objects.get(username="laishui_lsz")
    hebei_account = User.objects.get(username="hebei_jyt")
    assert client.post(reverse("orgs:unit_close", args=[hebei_dept.pk]), {"reason": "x"}).status_code == 404
    response = client.post(reverse("orgs:unit_close", args=[town.pk]), {"reason": "x"})
    assert response.status_code == 403 and "直接上级组织单位" in response.content.decode()
    assert client.post(reverse("accounts:reset", args=[hebei_account.pk])).status_code == 404
    assert client.post(reverse("accounts:reset", args=[town_account.pk])).status_code == 404
    assert client.post(reverse("accounts:toggle_active", args=[town_account.pk]), {"active": "0"}).status_code == 404
    response = client.post(reverse("orgs:unit_create", args=[town.pk]),
                           {"name": "伪造单位", "kind": "department", "username": "forged_x"})
    assert response.status_code == 403
    town.refresh_from_db()
    town_account.refresh_from_db()
    assert town.closed_at is None and town_account.is_active
    assert not Unit.objects.filter(name="伪造单位").exists()
    assert not User.objects.filter(username="forged_x").exists()


def test_reporter_sees_no_account_pages(client, demo_users):
    client.force_login(demo_users["laishui_jyj"])
    assert client.get(reverse("accounts:issued")).status_code == 403
    assert client.get(reverse("audit:event_list")).status_code == 404
    assert client.get(reverse("accounts:security")).status_code == 403
