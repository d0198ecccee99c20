"""Drafts save incomplete: 保存草稿 keeps whatever is typed (each value's format
checked, the error naming the field); the whole rule set applies on 报送."""

import pytest

from sitecensus.core.errors import InvalidInput
from sitecensus.registry import services
from sitecensus.registry.models import Website
from sitecensus.registry.services import Filing
from sitecensus.registry.testing import sample_filing

from .test_views import filing_post

pytestmark = pytest.mark.django_db

EMPTY_FORMSET = {"col-TOTAL_FORMS": "3", "col-INITIAL_FORMS": "0", "col-MIN_NUM_FORMS": "0",
                 "col-MAX_NUM_FORMS": "1000"}


def test_a_partial_form_saves_as_a_draft(client, demo_users):
    clerk = demo_users["laishui_lsz"]
    client.force_login(clerk)
    # Only the name, a homepage URL and one column's name: no required field, no column rule.
    response = client.post("/sites/new/", {**EMPTY_FORMSET, "basic-site_name": "半截网站",
                                           "basic-homepage_url": "http://half.lsz.laishui.gov.cn/",
                                           "col-0-column_name": "通知公告", "then": "save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Website.objects.get(name="半截网站")
    assert draft.status == "draft" and draft.unit == clerk.unit
    assert list(draft.columns.values_list("name", "url", "is_homepage")) == [("通知公告", "", False)]
    # The detail page says what is still missing, field by field.
    page = client.get(f"/sites/{draft.pk}/").content.decode()
    assert 'data-testid="incomplete"' in page and "“负责人姓名”：必填项，不能为空" in page
    assert "栏目第 1 行“栏目网址”：必填项，不能为空" in page
    # The edit page shows what was typed.
    assert "half.lsz.laishui.gov.cn" in client.get(f"/sites/{draft.pk}/edit/").content.decode()


def test_drafts_without_a_homepage_url_yet_do_not_clash(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    for name in ("草稿一", "草稿二"):
        response = client.post("/sites/new/", {**EMPTY_FORMSET, "basic-site_name": name, "then": "save"})
        assert response.status_code == 302
    assert Website.objects.filter(name__in=["草稿一", "草稿二"], url_key="").count() == 2


def test_a_draft_still_checks_the_format_of_what_is_typed(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    response = client.post("/sites/new/", {**EMPTY_FORMSET, "basic-site_name": "格式错误",
                                           "basic-principal_email": "zhang#lsz.gov.cn",
                                           "col-0-column_url": "www.lsz.gov.cn/a", "then": "save"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="form-problems"' in page
    assert "“负责人电子邮箱”：电子邮箱格式不正确：“zhang#lsz.gov.cn”" in page
    assert "栏目第 1 行“栏目网址”：网址格式不正确" in page
    assert "必填项" not in page.split('data-testid="form-problems"')[1].split("</div>")[0]
    assert not Website.objects.filter(name="格式错误").exists()


def test_save_and_submit_applies_every_rule(client, demo_users):
    client.force_login(demo_users["laishui_lsz"])
    response = client.post("/sites/new/", {**EMPTY_FORMSET, "basic-site_name": "直接报送", "then": "submit"})
    assert response.status_code == 400
    problems = response.content.decode().split('data-testid="form-problems"')[1].split("</div>")[0]
    assert "“首页网址”：必填项，不能为空" in problems and "请至少填写一个栏目（系统）" in problems
    assert not Website.objects.filter(name="直接报送").exists()


def test_an_incomplete_draft_is_not_submitted(client, demo_users):
    clerk = demo_users["laishui_lsz"]
    client.force_login(clerk)
    client.post("/sites/new/", {**EMPTY_FORMSET, "basic-site_name": "未完成", "then": "save"})
    draft = Website.objects.get(name="未完成")
    response = client.post(f"/sites/{draft.pk}/submit/")
    assert response.status_code == 302 and response["Location"] == f"/sites/{draft.pk}/edit/"
    message = client.get(response["Location"]).content.decode()
    assert "尚未填写完整，不能报送" in message and "“首页网址”：必填项，不能为空" in message
    assert "每个网站至少填报一个栏目（系统）" in message
    draft.refresh_from_db()
    assert draft.status == "draft"
    # Completed through the same form, it is submitted.
    response = client.post(f"/sites/{draft.pk}/edit/", filing_post(**{"basic-site_name": "未完成", "then": "save"}))
    assert response.status_code == 302
    assert client.post(f"/sites/{draft.pk}/submit/")["Location"] == f"/sites/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == "submitted"


@pytest.mark.parametrize("spoil, expected", [
    (lambda f: f.basic.update(principal_name=""), "“负责人姓名”：必填项，不能为空"),
    (lambda f: f.basic.update(contact2_name="钱七"), "“联系人二手机”：填写了联系人二姓名的，须填写联系人二的手机或办公电话"),
    (lambda f: f.columns[0].update(parent_name="不存在"), "栏目第 1 行“上级栏目”：上级栏目“不存在”不是本网站已填写的另一个栏目"),
    (lambda f: f.columns[1].update(column_class=""), "栏目第 2 行“栏目类别”：必填项，不能为空"),
    (lambda f: f.columns.clear(), "每个网站至少填报一个栏目（系统）"),
])
def test_submission_applies_the_whole_rule_set_to_the_saved_record(demo_users, spoil, expected):
    clerk = demo_users["laishui_lsz"]
    filing = sample_filing(name="规则", url="http://rules.lsz.laishui.gov.cn", unit_name=clerk.unit.name)
    spoil(filing)
    draft = services.save_draft(actor=clerk, unit=clerk.unit, filing=Filing(basic=filing.basic,
                                                                              columns=filing.columns))
    with pytest.raises(InvalidInput, match=expected):
        services.submit(actor=clerk, website=draft)
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.versions.exists()
