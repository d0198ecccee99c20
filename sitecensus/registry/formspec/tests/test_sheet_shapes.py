"""What clerks do to a sheet's shape: merged cells are filled (one column over several
rows) or refused with their location (anything wider); a sheet the template does not
have that holds rows (a copied 基本信息表) is named, never silently ignored."""

from sitecensus.registry.formspec.parser import merged_ranges, parse_workbook

from .helpers import BASIC_SHEET, COLUMN_SHEET, blank_workbook, edit, fill, good_column, good_site


def _one_site_three_columns(**column_overrides):
    return fill(blank_workbook(), [good_site(0)], [good_column(0, j, **column_overrides) for j in range(1, 4)])


def test_a_site_url_merged_over_its_column_rows_is_filled_into_each_row():
    def merge(wb):
        ws = wb[COLUMN_SHEET]
        ws["A4"].value = ws["A5"].value = None
        ws.merge_cells("A3:A5")  # as a clerk merges the site's URL over its columns

    data = edit(_one_site_three_columns(), merge)
    assert merged_ranges(data)[COLUMN_SHEET] == [(1, 3, 1, 5)]
    result = parse_workbook(data, filename="m.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert [c.row for c in result.sites[0].columns] == [3, 4, 5] or len(result.sites[0].columns) == 3
    assert any("A3:A5" in n and "http://www0.lsx.gov.cn" in n for n in result.notices), result.notices


def test_a_merge_over_several_columns_is_refused_with_its_location():
    def merge(wb):
        ws = wb[COLUMN_SHEET]
        ws.merge_cells("F4:G4")

    result = parse_workbook(edit(_one_site_three_columns(), merge), filename="m.xlsx")
    errors = [str(e) for e in result.errors]
    assert any("第 4 行，F 列" in e and "单元格 F4:G4 被合并" in e for e in errors), errors
    # The error belongs to the site: only-valid imports skip it (never silently drop a column).
    assert result.sites[0].errors


def test_a_merge_on_the_site_sheet_over_rows_is_filled_too():
    def merge(wb):
        ws = wb[BASIC_SHEET]
        ws["F4"].value = None
        ws.merge_cells("F3:F4")  # one 主办单位 for two sites

    data = edit(fill(blank_workbook(), [good_site(0), good_site(1)],
                     [good_column(i, 1) for i in range(2)]), merge)
    result = parse_workbook(data, filename="m.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert result.sites[1].values["sponsor_unit"] == result.sites[0].values["sponsor_unit"] == "涞水县人民政府"


def test_rows_typed_on_a_copied_sheet_are_named():
    def copy(wb):
        sheet = wb.copy_worksheet(wb[BASIC_SHEET])
        sheet.title = "基本信息表 (2)"
        sheet["A3"].value = "另一个网站"

    result = parse_workbook(edit(_one_site_three_columns(), copy), filename="c.xlsx")
    errors = [str(e) for e in result.errors]
    assert any("工作表“基本信息表 (2)”不是模板中的工作表" in e for e in errors), errors
    # An empty extra sheet, or a copy nobody typed into (only its pre-filled 主管单位), says nothing.
    assert parse_workbook(edit(_one_site_three_columns(), lambda wb: wb.create_sheet("备用")), filename="c.xlsx").ok
    copied = edit(blank_workbook(), lambda wb: wb.copy_worksheet(wb[BASIC_SHEET]))
    untouched = fill(copied, [good_site(0)], [good_column(0, 1)])
    assert parse_workbook(untouched, filename="c.xlsx").ok
