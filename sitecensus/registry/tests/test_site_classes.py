"""Site classes for every kind the seed's 普查范围 lists: local portals and townships,
departments and 参公 units at each level, State Council departments with their internal
bodies and 参公 units, vertical systems — offered by the workbook, accepted by the import,
checked against the unit's tier, shown by name in statistics and the public directory."""

import importlib
import io

import openpyxl
import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile

from sitecensus.orgs.models import Unit
from sitecensus.registry import imports, siteclass
from sitecensus.registry.formspec.parser import parse_workbook
from sitecensus.registry.formspec.spec import load_forms, validate_value
from sitecensus.registry.models import Website
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db
NEW = ["国务院部门网站", "国务院部门内设机构网站", "国务院部门参公事业单位网站", "省级参公事业单位网站",
       "市级参公事业单位网站", "县级参公事业单位网站", "垂直管理系统网站"]


def test_a_ministrys_sites_are_state_council_classes(demo_users):
    ministry = demo_users["jiaoyubu"].unit
    assert siteclass.default_for(ministry, is_portal=True) == "国务院部门网站"
    center = Unit.objects.get(name="教育部教育管理信息中心")
    assert siteclass.default_for(center) == "国务院部门参公事业单位网站"
    internal = Unit(name="教育部某司", kind=Unit.Kind.INTERNAL_BODY, level=Unit.Level.NATIONAL)
    assert siteclass.default_for(internal) == "国务院部门内设机构网站"
    # Never a provincial department's class (the old mistake), and the demo's record says so.
    assert "省级政府部门网站" in siteclass.problem(center, "省级政府部门网站")
    assert Website.objects.get(name="教育部教育管理信息中心").site_class == "国务院部门参公事业单位网站"
    # The head of a vertical system is a State Council department; its county unit is the vertical system's.
    assert siteclass.default_for(demo_users["shuiwu"].unit, is_portal=True) == "国务院部门网站"
    assert siteclass.default_for(demo_users["laishui_tax"].unit) == "垂直管理系统网站"
    assert siteclass.default_for(Unit.objects.get(name="河北省档案馆")) == "省级参公事业单位网站"
    assert siteclass.default_for(demo_users["hebei"].unit, is_portal=True) == "省级政府门户"
    assert siteclass.problem(demo_users["hebei_fgw"].unit, "国务院部门网站")  # and a local site never a ministry's


def test_the_workbook_offers_every_class():
    book = openpyxl.load_workbook(io.BytesIO(imports.build_workbook(unit_code="U0000001", unit_name="某单位")))
    options = {c.value for row in book["选项"].iter_rows() for c in row if c.value}
    assert set(NEW) <= options and set(siteclass.all_classes()) <= options
    validations = book["基本信息表"].data_validations.dataValidation
    assert any("选项" in (v.formula1 or "") for v in validations)


def test_an_older_workbooks_retired_class_still_reads():
    spec = load_forms()["basic_info"].field("site_class")
    assert validate_value(spec, "省部级政府门户") == ("省级政府门户", None)
    for name in NEW:
        assert validate_value(spec, name) == (name, None)


def _blank_workbook(unit):
    return imports.build_workbook(unit_code=imports.unit_code(unit), unit_name=unit.name)


def _import(actor, unit, filing):
    data = fill_workbook(_blank_workbook(unit), [filing])
    return imports.dry_run(actor=actor, uploads=[("部委.xlsx", SimpleUploadedFile("部委.xlsx", data))])


def test_import_accepts_the_new_classes_and_refuses_a_wrong_tier(demo_users):
    jiaoyubu = demo_users["jiaoyubu"]
    center = Unit.objects.get(name="教育部教育管理信息中心")
    good = sample_filing(name="教育部教育管理信息中心数据网", url="http://data.emic.edu.cn", unit_name=center.name,
                         site_class="国务院部门参公事业单位网站")
    batch = _import(jiaoyubu, center, good)
    assert batch.summary["totals"]["create"] == 1, batch.summary
    imports.commit(actor=jiaoyubu, batch=batch)
    assert Website.objects.get(url_key="http://data.emic.edu.cn").site_class == "国务院部门参公事业单位网站"
    wrong = sample_filing(name="教育部教育管理信息中心培训网", url="http://px.emic.edu.cn", unit_name=center.name,
                          site_class="省级政府部门网站")
    batch = _import(jiaoyubu, center, wrong)
    assert batch.summary["totals"]["create"] == 0
    errors = [e for f in batch.summary["files"] for row in f["rows"] for e in row["errors"]]
    assert any("网站类别" in e and "工作表" in e and "国务院部门参公事业单位网站" in e for e in errors), batch.summary


def test_the_workbook_parser_reads_the_new_classes(demo_users):
    center = Unit.objects.get(name="教育部教育管理信息中心")
    filing = sample_filing(name="某内设机构网", url="http://nsjg.moe.gov.cn", unit_name=center.name,
                           site_class="国务院部门内设机构网站")
    parsed = parse_workbook(fill_workbook(_blank_workbook(center), [filing]), filename="a.xlsx")
    assert not parsed.errors and parsed.sites[0].values["site_class"] == "国务院部门内设机构网站"


def test_migration_reclassifies_by_the_unit(demo_users):
    center = Website.objects.get(name="教育部教育管理信息中心")
    portal = Website.objects.get(name="河北省人民政府")
    tax = Website.objects.get(name="国家税务总局涞水县税务局")
    archive = Unit.objects.get(name="河北省档案馆")
    archived = Website.objects.create(unit=archive, organizer=demo_users["hebei"].unit, name="河北省档案信息网",
                                      homepage_url="http://www.hbda.gov.cn/", url_key="http://www.hbda.gov.cn",
                                      site_class="省级政府部门网站", data={"site_class": "省级政府部门网站"})
    for site, old in [(center, "省级政府部门网站"), (portal, "省部级政府门户"), (tax, "县级政府部门网站")]:
        Website.objects.filter(pk=site.pk).update(site_class=old, data={**site.data, "site_class": old})
    keep = Website.objects.get(name="涞水县教育局")
    module = importlib.import_module("sitecensus.registry.migrations.0009_site_classes")
    module.reclassify(django_apps, None)
    got = {w.name: (w.site_class, w.data.get("site_class")) for w in Website.objects.filter(
        pk__in=[center.pk, portal.pk, tax.pk, archived.pk, keep.pk])}
    assert got["教育部教育管理信息中心"] == ("国务院部门参公事业单位网站",) * 2
    assert got["河北省人民政府"] == ("省级政府门户",) * 2
    assert got["国家税务总局涞水县税务局"] == ("垂直管理系统网站",) * 2
    assert got["河北省档案信息网"] == ("省级参公事业单位网站",) * 2
    assert got["涞水县教育局"][0] == keep.site_class == "县级政府部门网站"  # a fitting class is left as filed


def test_statistics_and_public_directory_show_the_classes_by_name(client, demo_users):
    from sitecensus.stats import selectors

    stats = selectors.statistics(demo_users["guoban"], live=True)
    classes = {r[0] for r in stats.table("class").rows}
    assert {"国务院部门参公事业单位网站", "垂直管理系统网站", "省级政府门户"} <= classes
    page = client.get("/pucha/sites/", {"class": "国务院部门参公事业单位网站"}).content.decode()
    assert "教育部教育管理信息中心" in page and "涞水县人民政府" not in page
    assert "<option value=\"垂直管理系统网站\"" in page


def test_online_filing_and_api_refuse_a_class_outside_the_units_tier(client, demo_users):
    from sitecensus.core.errors import InvalidInput
    from sitecensus.registry import services

    actor = demo_users["jiaoyubu_xxzx"]
    filing = sample_filing(name="某网站", url="http://x.emic.edu.cn", unit_name=actor.unit.name,
                           site_class="县级政府部门网站")
    with pytest.raises(InvalidInput, match="国务院部门参公事业单位网站") as refused:
        services.save_draft(actor=actor, unit=actor.unit, filing=filing)
    assert refused.value.field == "site_class"
    # The online form starts from the unit's own class.
    client.force_login(actor)
    page = client.get("/sites/new/").content.decode()
    assert '<option value="国务院部门参公事业单位网站" selected>' in page
