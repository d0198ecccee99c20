"""运行状态 in a workbook is a life-change request, reviewed like the online one (关停, 整合,
迁移 with their required fields); no path writes the lifecycle as a field."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.core.errors import InvalidInput
from sitecensus.registry import imports, selectors, services
from sitecensus.registry.models import Website
from sitecensus.registry.testing import complete_life_change, sample_filing

pytestmark = pytest.mark.django_db


def approve_all(users, site):
    for name in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=users[name], website=Website.objects.get(pk=site.pk))
    return site


def coded(users, url, username="laishui_lsz"):
    clerk = users[username]
    site = services.save_draft(actor=clerk, unit=clerk.unit, filing=sample_filing(
        name=f"{clerk.unit.name}{url[7:12]}", url=url, unit_name=clerk.unit.name))
    return approve_all(users, services.submit(actor=clerk, website=site))


def edited(unit, site_code, **cells) -> bytes:
    """The unit's own downloaded workbook with cells of one site's row typed over (by field code)."""
    book = openpyxl.load_workbook(io.BytesIO(imports.workbook_for(unit)))
    ws = book["基本信息表"]
    codes = {c.value: c.column for c in ws[2] if c.value}
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=codes["site_code"]).value == site_code)
    for code, value in cells.items():
        ws.cell(row=row, column=codes[code]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dry(users, data):
    batch = imports.dry_run(actor=users["laishui"], uploads=[("w.xlsx", SimpleUploadedFile("w.xlsx", data))])
    return batch, batch.summary["files"][0]


def test_shutting_a_site_in_the_workbook_is_a_reviewed_life_change(demo_users, client):
    u = demo_users
    site = coded(u, "http://close.lsz.laishui.gov.cn")
    unit = site.unit
    # Without a reason: refused at the row's 状态变更原因.
    _batch, entry = dry(u, edited(unit, site.site_code, running_status="关停"))
    assert entry["invalid"] == 1 and "（状态变更原因）" in entry["errors"][0], entry["errors"]
    # 关停 with its reason: a life-change request, not a field change.
    batch, entry = dry(u, edited(unit, site.site_code, running_status="关停", life_reason="并入县政府门户后停用"))
    assert entry["life"] == 1 and entry["change"] == 0, entry
    imports.commit(actor=u["laishui"], batch=batch)
    site.refresh_from_db()
    assert site.status == "submitted" and site.life == "open"  # until approved
    assert selectors.pending_version(site).source == "life"
    site = approve_all(u, site)
    assert site.life == Website.Life.CLOSING  # the notice period, then the 报备
    site = complete_life_change(site, u["laishui_lsz"])
    assert site.life == Website.Life.CLOSED and site.data["running_status"] == "关停"
    assert site.site_code and not services.active_websites().filter(pk=site.pk).exists()
    client.force_login(u["laishui"])
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert "正常运行" not in page


def test_merging_and_migrating_in_the_workbook_need_their_fields(demo_users):
    u = demo_users
    site = coded(u, "http://merge.lsz.laishui.gov.cn")
    target = coded(u, "http://target.lsz.laishui.gov.cn")
    unit = site.unit
    _b, entry = dry(u, edited(unit, site.site_code, running_status="整合", life_reason="整合"))
    assert entry["invalid"] == 1 and "（整合至网站标识码）" in entry["errors"][0], entry["errors"]
    _b, entry = dry(u, edited(unit, site.site_code, running_status="整合", life_reason="整合", merged_into="9999999999"))
    assert "网站标识码“9999999999”不存在" in entry["errors"][0]
    _b, entry = dry(u, edited(unit, site.site_code, running_status="整合", life_reason="整合",
                              merged_into=target.site_code))
    assert entry["life"] == 1, entry
    _b, entry = dry(u, edited(unit, site.site_code, running_status="迁移", life_reason="域名调整"))
    assert "（迁移后首页网址）" in entry["errors"][0], entry["errors"]
    # Migrating onto another site's address: refused, naming it.
    _b, entry = dry(u, edited(unit, site.site_code, running_status="迁移", life_reason="域名调整",
                              new_url="https://target.lsz.laishui.gov.cn/index.html"))
    assert "（迁移后首页网址）" in entry["errors"][0] and target.site_code in entry["errors"][0], entry["errors"]
    batch, entry = dry(u, edited(unit, site.site_code, running_status="迁移", life_reason="域名调整",
                                 new_url="http://new.lsz.laishui.gov.cn"))
    assert entry["life"] == 1, entry
    imports.commit(actor=u["laishui"], batch=batch)
    site = complete_life_change(approve_all(u, site), u["laishui_lsz"])
    assert site.life == Website.Life.MIGRATED and site.homepage_url == "http://new.lsz.laishui.gov.cn"
    # A life change and a field change in one row: one request at a time.
    _b, entry = dry(u, edited(unit, target.site_code, running_status="关停", life_reason="停用", site_name="改名"))
    assert "须分别报送" in entry["errors"][0], entry["errors"]


def test_no_path_writes_the_lifecycle_as_a_field(demo_users):
    u = demo_users
    site = coded(u, "http://field.lsz.laishui.gov.cn")
    filing = sample_filing(name=site.name, url=site.homepage_url, unit_name=site.unit.name)
    filing.basic["running_status"] = "关停"
    with pytest.raises(InvalidInput, match="须申请运行状态变更") as e:
        services.request_change(actor=u["laishui_lsz"], website=site, filing=filing)
    assert e.value.field == "running_status"
    # A first filing starts 正常运行 or 例外 (online and in a workbook).
    clerk = u["laishui_jyj"]
    new = sample_filing(name="新站", url="http://new-closed.laishui.gov.cn", unit_name=clerk.unit.name,
                        site_class="县级政府部门网站")
    new.basic["running_status"] = "整合"
    with pytest.raises(InvalidInput, match="只能填“正常运行”或“例外”"):
        services.save_draft(actor=clerk, unit=clerk.unit, filing=new)
    # 例外 filed and approved: the lifecycle starts as 例外, page and record agree.
    new.basic["running_status"] = "例外"
    first = services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=clerk.unit, filing=new))
    first = approve_all(u, first)
    assert first.life == Website.Life.EXCEPTION and first.data["running_status"] == "例外"
