"""The 政务新媒体 sheet of a unit's workbook: written and read by the formspec machinery the census
sheets use (data validation from the field definitions), imported whole or not at all, every refusal
naming file, sheet, row and column; the census import leaves the sheet to its own import."""

import io

import pytest
from openpyxl import load_workbook

from sitecensus.core.errors import NotAllowed
from sitecensus.newmedia import rules, services
from sitecensus.newmedia.models import MediaAccount
from sitecensus.newmedia.testing import sample_values, without_demo_accounts
from sitecensus.newmedia.workbook import fill_sheet, workbook_for
from sitecensus.registry.formspec.parser import parse_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


def test_the_sheet_carries_a_validation_per_field(demo_users):
    unit = demo_users["laishui_lsz"].unit
    book = load_workbook(io.BytesIO(workbook_for(unit)))
    ws = book["政务新媒体"]
    codes = [c.value for c in ws[2]]
    assert codes == [f.code for f in rules.form().fields]
    assert ws["A1"].value == "*平台" and ws["E3"].value == unit.name  # 主办单位 pre-filled
    validations = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    assert validations["A"].type == "list" and "政务新媒体选项" in validations["A"].formula1
    assert validations["D"].type == "custom" and "http://" in validations["D"].formula1
    assert validations["I"].type == "date"
    assert validations["G"].type == "list"  # 是/否
    options = book["政务新媒体选项"]
    assert [options.cell(row=r, column=1).value for r in range(2, 10)] == list(rules.platform_names())
    assert "基本信息表" in book.sheetnames  # the census sheets are there too


def test_a_valid_sheet_files_every_account_and_reimports_as_unchanged(demo_users):
    actor = demo_users["laishui_lsz"]
    rows = [sample_values(unit_name=actor.unit.name), sample_values(unit_name=actor.unit.name, platform="抖音")]
    data = fill_sheet(workbook_for(actor.unit), rows)
    assert services.import_sheet(actor=actor, data=data, filename="涞水镇.xlsx") == {
        "new": 2, "updated": 0, "unchanged": 0}
    assert set(MediaAccount.objects.filter(unit=actor.unit).values_list("status", "source")) == {
        ("submitted", "import")}
    again = workbook_for(actor.unit)
    assert services.import_sheet(actor=actor, data=again, filename="again.xlsx")["unchanged"] == 2


def test_the_census_import_leaves_the_sheet_alone(demo_users):
    actor = demo_users["laishui_lsz"]
    data = fill_sheet(workbook_for(actor.unit), [sample_values(unit_name=actor.unit.name)])
    parsed = parse_workbook(data, filename="x.xlsx")
    assert not any(e.sheet == "政务新媒体" for e in parsed.errors)


def test_refusals_name_sheet_row_and_column_and_save_nothing(demo_users):
    actor = demo_users["laishui_lsz"]
    good = sample_values(unit_name=actor.unit.name)
    bad = sample_values(unit_name=actor.unit.name, platform="贴吧", url="ftp://x", opened_on="2019-13-01")
    data = fill_sheet(workbook_for(actor.unit), [good, bad])
    with pytest.raises(services.ImportRefused) as caught:
        services.import_sheet(actor=actor, data=data, filename="涞水镇.xlsx")
    where = {(p.sheet, p.row, p.column, p.field) for p in caught.value.problems}
    assert ("政务新媒体", 4, "A", "平台") in where and ("政务新媒体", 4, "D", "公开页面网址") in where
    assert ("政务新媒体", 4, "I", "开设日期") in where
    assert "工作表“政务新媒体”，第 4 行，A 列（平台）" in str(caught.value.problems[0])
    assert not MediaAccount.objects.filter(unit=actor.unit).exists()


def test_a_file_without_the_sheet_or_not_ours_is_refused(demo_users):
    actor = demo_users["laishui_lsz"]
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(services.ImportRefused) as caught:
        services.import_sheet(actor=actor, data=out.getvalue(), filename="blank.xlsx")
    assert "_meta" in str(caught.value.problems[0])
    with pytest.raises(services.ImportRefused, match="没有填写任何账号"):
        services.import_sheet(actor=actor, data=workbook_for(actor.unit), filename="empty.xlsx")


def test_another_units_clerk_may_not_import_it_the_organizer_above_may(demo_users):
    u = demo_users
    unit = u["laishui_lsz"].unit
    data = fill_sheet(workbook_for(unit), [sample_values(unit_name=unit.name)])
    with pytest.raises(NotAllowed):
        services.import_sheet(actor=u["laishui_jyj"], data=data, filename="x.xlsx")
    assert services.import_sheet(actor=u["laishui"], data=data, filename="x.xlsx")["new"] == 1
    assert MediaAccount.objects.get(unit=unit).status == "submitted"
