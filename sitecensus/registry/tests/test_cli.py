"""`sitecensus forms check` through the project's console entry point."""

from sitecensus.cli import main
from sitecensus.registry.formspec.workbook import build_workbook
from sitecensus.registry.testing import fill_workbook, sample_filing


def test_forms_check_through_the_console_command(tmp_path, capsys):
    blank = build_workbook(unit_code="U0000001", unit_name="涞水镇人民政府")
    good = tmp_path / "good.xlsx"
    good.write_bytes(fill_workbook(blank, [sample_filing(name="网站", url="http://a.gov.cn", unit_name="涞水镇人民政府")]))
    assert main(["forms", "check", str(good)]) == 0
    bad_filing = sample_filing(name="网站", url="http://a.gov.cn", unit_name="涞水镇人民政府")
    bad_filing.basic["principal_mobile"] = "123"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fill_workbook(blank, [bad_filing]))
    assert main(["forms", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.xlsx" in out and "基本信息表" in out and "负责人手机" in out
    assert main(["forms", "check", str(tmp_path / "missing.xlsx")]) == 2
