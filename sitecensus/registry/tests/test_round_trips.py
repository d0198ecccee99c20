"""Round-trips: a unit's own freshly downloaded workbook re-imports as a no-op, whatever
state its records are in; a workbook equal to a pending change is 不变; the class must fit
the unit's level in the workbook too."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.registry import imports, services, siteclass
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def approve_all(users, site):
    for name in ("laishui", "baoding", "hebei"):
        site = services.approve(actor=users[name], website=Website.objects.get(pk=site.pk))
    return site


def dry(users, unit, data):
    batch = imports.dry_run(actor=users["laishui"], uploads=[("own.xlsx", SimpleUploadedFile("own.xlsx", data))])
    return batch.summary["files"][0]


def test_a_units_own_workbook_reimports_as_a_no_op(demo_users):
    u = demo_users
    clerk = u["laishui_jyj"]
    unit = clerk.unit

    def filing(n):
        return sample_filing(name=f"教育局网站{n}", url=f"http://rt{n}.jyj.laishui.gov.cn",
                             unit_name=unit.name, site_class=siteclass.default_for(unit), columns=3)

    draft = filing(1)
    draft.basic["running_status"] = "例外"  # a draft's 运行状态 is what it says until its first approval
    draft = services.save_draft(actor=clerk, unit=unit, filing=draft)
    submitted = services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit, filing=filing(2)))
    returned = services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit, filing=filing(3)))
    services.return_record(actor=u["laishui"], website=returned, reason="请核实")
    coded = approve_all(u, services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit,
                                                                                     filing=filing(4))))
    changing = approve_all(u, services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit,
                                                                                        filing=filing(5))))
    change = filing(5)
    change.basic["site_name"] = "教育局网站五（更名）"
    services.request_change(actor=clerk, website=changing, filing=change)
    closing = approve_all(u, services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit,
                                                                                       filing=filing(6))))
    services.request_life_change(actor=clerk, website=closing, life="closed", reason="停用")
    excepted = filing(7)
    excepted.basic["running_status"] = "例外"
    excepted = approve_all(u, services.submit(actor=clerk, website=services.save_draft(actor=clerk, unit=unit,
                                                                                        filing=excepted)))
    before = {w.pk: (w.status, w.version, w.life) for w in Website.objects.filter(unit=unit)}
    entry = dry(u, unit, imports.workbook_for(unit))
    assert entry["errors"] == [] and entry["sites"] == len(before), entry["errors"]
    assert {r["outcome"] for r in entry["rows"]} == {"unchanged"}, entry["rows"]
    assert entry["version"] and not entry["notices"]
    assert {w.pk: (w.status, w.version, w.life) for w in Website.objects.filter(unit=unit)} == before
    assert draft.pk and coded.site_code and excepted.life == "exception"
    # The workbook equal to the pending change (the new name typed in) is 不变 too, not an error.
    book = openpyxl.load_workbook(io.BytesIO(imports.workbook_for(unit)))
    ws = book["基本信息表"]
    codes = {c.value: c.column for c in ws[2] if c.value}
    for r in range(3, ws.max_row + 1):
        if ws.cell(row=r, column=codes["site_code"]).value == changing.site_code:
            ws.cell(row=r, column=codes["site_name"]).value = "教育局网站五（更名）"
    out = io.BytesIO()
    book.save(out)
    entry = dry(u, unit, out.getvalue())
    assert entry["errors"] == [] and {r["outcome"] for r in entry["rows"]} == {"unchanged"}, entry


def test_the_class_fits_the_units_level_in_the_workbook(demo_users):
    u = demo_users
    unit = u["laishui_jyj"].unit  # a county department
    book = openpyxl.load_workbook(io.BytesIO(imports.workbook_for(unit)))
    offered = [c.value for row in book["选项"].iter_rows(min_row=2) for c in row[1:2] if c.value]
    assert offered and all(c.startswith("县级") or c == "乡镇街道网站" for c in offered), offered
    assert "省级政府门户" not in offered and "市级政府部门网站" not in offered
    data = fill_workbook(imports.build_workbook(unit_code=imports.unit_code(unit), unit_name=unit.name), [
        sample_filing(name="冒充省门户", url="http://fake.jyj.laishui.gov.cn", unit_name=unit.name,
                      site_class="省级政府门户")])
    entry = dry(u, unit, data)
    assert entry["invalid"] == 1 and "（网站类别）" in entry["errors"][0] and "县级政府部门网站" in entry["errors"][0]
    # Every demo record fits its unit's level.
    assert not [w for w in Website.objects.select_related("unit") if siteclass.problem(w.unit, w.site_class)]
