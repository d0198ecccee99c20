import subprocess
import sys
from pathlib import Path

from sitecensus.registry.formspec.check import check_main

from .helpers import blank_workbook, fill, filled_workbook, good_column, good_site, make_zip

REPO = Path(__file__).resolve().parents[4]


def test_valid_file_exit_0(tmp_path, capsys):
    path = tmp_path / "涞水县.xlsx"
    path.write_bytes(filled_workbook(2, 3))
    assert check_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "文件 涞水县.xlsx" in out and "网站 2 个，栏目（系统） 6 个" in out and "检查通过" in out


def test_errors_exit_1_one_per_line(tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(filled_workbook(1, 1))
    bad = tmp_path / "涞水县.xlsx"
    bad.write_bytes(
        fill(blank_workbook(), [good_site(0, principal_mobile="123")], [good_column(0, j) for j in range(9)] + [good_column(0, 9, column_url="htp://x")])
    )
    assert check_main([str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "文件 / 工作表 / 行 / 列 / 说明" in lines
    assert "涞水县.xlsx / 栏目信息表 / 第 12 行 / C 列（栏目网址） / 网址格式不正确：“htp://x”" in lines
    assert any(line.startswith("涞水县.xlsx / 基本信息表 / 第 3 行 / P 列（负责人手机） / 手机号码格式不正确") for line in lines)
    assert "good.xlsx" in out and "检查通过" in out
    assert "发现 2 处错误" in lines[-1]


def test_file_level_error_exit_1(tmp_path, capsys):
    path = tmp_path / "假.xlsx"
    path.write_bytes(b"%PDF-1.4")
    assert check_main([str(path)]) == 1
    assert "假.xlsx / - / - / - / 不是有效的 Excel（.xlsx）文件" in capsys.readouterr().out


def test_zip_argument(tmp_path, capsys):
    path = tmp_path / "批量.zip"
    path.write_bytes(make_zip([("县区/a.xlsx", filled_workbook(1, 1)), ("readme.txt", b"x")]))
    assert check_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "批量.zip/县区/a.xlsx" in out and "提示：已跳过" in out


def test_unit_code_option(tmp_path, capsys):
    path = tmp_path / "a.xlsx"
    path.write_bytes(filled_workbook(1, 1))
    assert check_main(["--unit-code", "999", str(path)]) == 1
    assert "不是本单位的" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert check_main([]) == 2
    assert "请至少指定一个要检查的 .xlsx 文件" in capsys.readouterr().err
    assert check_main([str(tmp_path / "没有.xlsx")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    assert check_main(["--bogus", "a.xlsx"]) == 2
    assert "无法识别的参数：--bogus" in capsys.readouterr().err
    assert check_main(["-h"]) == 0
    assert "用法" in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(filled_workbook(1, 1))
    run = subprocess.run(
        [sys.executable, "-m", "sitecensus.registry.formspec", "check", str(path)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "检查通过" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "sitecensus.registry.formspec"], cwd=REPO, capture_output=True, timeout=600
    )
    assert run.returncode == 2


def test_oversized_file_exit_1(tmp_path, capsys):
    path = tmp_path / "大.xlsx"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB
    assert check_main([str(path)]) == 1
    assert "大.xlsx / - / - / - / 文件大小超过单个文件 20 MB 的上限" in capsys.readouterr().out
