"""Changes that mean what they say."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.registry import imports, services
from sitecensus.registry.models import Website, WebsiteVersion
from sitecensus.registry.testing import complete_life_change, sample_filing

pytestmark = pytest.mark.django_db


def approve_all(users, site):
    for name in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=users[name], website=site)
    return site


def approved_site(users, url="http://chg.lsz.laishui.gov.cn"):
    clerk = users["laishui_lsz"]
    filing = sample_filing(name="涞水镇政务网", url=url, unit_name=clerk.unit.name)
    site = services.save_draft(actor=clerk, unit=clerk.unit, filing=filing)
    return approve_all(users, services.submit(actor=clerk, website=site))


def form_post(client, site, **overrides):
    """What the change page shows, posted back with the clerk's edits."""
    page = client.get(f"/sites/{site.pk}/edit/")
    forms_ = page.context["forms"]
    data = {}
    for form in [forms_.basic, *forms_.columns.forms]:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    for key, value in forms_.columns.management_form.initial.items():
        data[f"col-{key}"] = value
    data.update(overrides)
    return page, data


def test_change_return_edit_approve_keeps_the_clerks_edits_and_a_true_diff(demo_users, client):
    u = demo_users
    site = approved_site(u)
    client.force_login(u["laishui_lsz"])
    # 1. change: the clerk edits two fields
    _page, data = form_post(client, site, **{"basic-principal_name": "王强", "basic-principal_post": "副主任"})
    assert client.post(f"/sites/{site.pk}/edit/", {**data, "note": "换负责人"}).status_code == 302
    # 2. returned
    services.return_record(actor=u["laishui"], website=site, reason="职务写全称")
    site.refresh_from_db()
    assert site.status == "approved" and site.data["principal_name"] == "张明"
    # 3. the change page starts from the clerk's returned edits, not the approved data
    page, data = form_post(client, site, **{"basic-principal_post": "办公室副主任"})
    assert 'data-testid="returned-change"' in page.content.decode()
    assert data["basic-principal_name"] == "王强"
    assert client.post(f"/sites/{site.pk}/edit/", {**data, "note": "已改"}).status_code == 302
    # 4. approved: the edits are in, and the diff is against the approved version, not the returned one
    site = approve_all(u, Website.objects.get(pk=site.pk))
    assert (site.data["principal_name"], site.data["principal_post"]) == ("王强", "办公室副主任")
    latest = site.versions.order_by("-number").first()
    assert latest.state == WebsiteVersion.State.CURRENT
    diff = client.get(f"/sites/{site.pk}/versions/{latest.number}/").context["diff"]
    assert {(label, a, b) for label, a, b in diff["fields"]} == {("负责人姓名", "张明", "王强"),
                                                                  ("负责人职务", "主任", "办公室副主任")}
    assert not diff["added"] and not diff["removed"] and not diff["changed"]


def test_unchanged_reimport_changes_nothing(demo_users):
    u = demo_users
    site = approved_site(u)
    data = imports.workbook_for(site.unit)
    versions = WebsiteVersion.objects.count()
    batch = imports.dry_run(actor=u["laishui"], uploads=[("t.xlsx", SimpleUploadedFile("t.xlsx", data))])
    totals = batch.summary["totals"]
    assert totals["change"] == totals["create"] == totals["update"] == 0 and totals["unchanged"] >= 1
    imports.commit(actor=u["laishui"], batch=batch)
    site.refresh_from_db()
    assert site.status == "approved" and WebsiteVersion.objects.count() == versions


def test_life_changes_mean_what_they_say(demo_users, client):
    u = demo_users
    site = approved_site(u)
    other = approved_site(u, url="http://portal.lsz.laishui.gov.cn")
    clerk = u["laishui_lsz"]
    # 迁移 needs and carries the new address
    with pytest.raises(InvalidInput, match="迁移后的首页网址"):
        services.request_life_change(actor=clerk, website=site, life="migrated", reason="换域名")
    services.request_life_change(actor=clerk, website=site, life="migrated", reason="换域名",
                                 new_url="https://xin.lsz.laishui.gov.cn/")
    site = approve_all(u, site)
    assert site.life == "merging" and site.homepage_url == "http://chg.lsz.laishui.gov.cn/"  # the notice period first
    site = complete_life_change(site, clerk)
    assert site.homepage_url == "https://xin.lsz.laishui.gov.cn/" and site.life == "migrated"
    # A merge only within the organizing unit's scope
    far = Website.objects.filter(site_code__isnull=False).exclude(unit__path__startswith=site.organizer.path).first()
    if far is not None:
        with pytest.raises(InvalidInput, match="范围内"):
            services.request_life_change(actor=clerk, website=site, life="merged", reason="整合", merged_into=far)
    services.request_life_change(actor=clerk, website=site, life="merged", reason="整合", merged_into=other)
    client.force_login(clerk)
    version = site.versions.order_by("-number").first()
    page = client.get(f"/sites/{site.pk}/versions/{version.number}/").content.decode()
    assert "整合" in page and other.site_code in page and "merged" not in page
    assert f"<td>{other.pk}</td>" not in page
    site = complete_life_change(approve_all(u, Website.objects.get(pk=site.pk)), clerk)
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert "正常运行" not in page and "提交变更" not in page
    with pytest.raises(InvalidState, match="已整合"):
        services.request_change(actor=clerk, website=site, filing=services.Filing(basic=site.data, columns=[]))
