"""Workbook bombs are refused fast (issue: a 478 KB workbook whose shared-strings
part unpacks to millions of strings cost ~1 GB and 56 s per file). The CLI runs
in a child process so its time and peak memory are measured as a clerk would see."""

import os
import random
import string
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from sitecensus.registry.formspec import limits
from sitecensus.registry.formspec.parser import parse_workbook

from .helpers import filled_workbook

REPO = Path(__file__).resolve().parents[4]
SST = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
      b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


# `sitecensus forms check`, reporting its own peak memory on stderr.
# (VmHWM: this process's own peak; ru_maxrss would carry the forking parent's.)
MEASURED_CLI = ("import sys\nfrom sitecensus.cli import main\ncode = main(sys.argv[1:])\n"
                "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
                "print('MAXRSS_KB=' + hwm, file=sys.stderr)\nsys.exit(code)")


def _with_shared_strings(body: bytes, part: str = "xl/sharedStrings.xml") -> bytes:
    """The workbook with a shared-strings part, declared as openpyxl finds it."""
    source = zipfile.ZipFile(BytesIO(filled_workbook(2, 3)))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="application/'
                                    f'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
                                    f"</Types>".encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", f'<Relationship Type="http://schemas.openxmlformats.org/'
                                    f'officeDocument/2006/relationships/sharedStrings" Target="/{part}" Id="rId99" />'
                                    f"</Relationships>".encode())
            zf.writestr(info.filename, data)
        zf.writestr(part, SST + body + b"</sst>")
    return out.getvalue()


def repetitive_bomb() -> bytes:
    """Millions of tiny strings: a small file, ~60 MB unpacked (under the old 200 MB limit)."""
    return _with_shared_strings(b"<si><t>a</t></si>" * 3_500_000)


def renamed_bomb() -> bytes:
    """The same strings under another part name: found by content, not by name."""
    rng = random.Random(8)
    items = (f"<si><t>{''.join(rng.choices(string.ascii_letters, k=6))}</t></si>".encode() for _ in range(400_000))
    return _with_shared_strings(b"".join(items), part="xl/other.xml")


def random_bomb() -> bytes:
    """Strings that do not compress much, kept under the part-size bound: the count bound stops it."""
    rng = random.Random(7)
    items = (f"<si><t>{''.join(rng.choices(string.ascii_letters, k=6))}</t></si>".encode() for _ in range(1_300_000))
    return _with_shared_strings(b"".join(items))


@pytest.mark.parametrize("make,words", [(repetitive_bomb, "压缩比异常"), (random_bomb, "共享字符串超过"),
                                        (renamed_bomb, "共享字符串超过")])
def test_shared_strings_bomb_is_refused_by_forms_check_fast_and_small(tmp_path, make, words):
    path = tmp_path / "炸弹.xlsx"
    path.write_bytes(make())
    assert path.stat().st_size < 20 * limits.MB
    run = subprocess.run([sys.executable, "-c", MEASURED_CLI, "forms", "check", str(path)],
                         capture_output=True, text=True, cwd=REPO, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    peak_mb = int(run.stderr.split("MAXRSS_KB=")[1].split()[0]) / 1024
    assert run.returncode == 1, run.stdout + run.stderr
    assert "炸弹.xlsx" in run.stdout and words in run.stdout
    assert peak_mb < 300, peak_mb  # its time: bench/test_limits.py


def test_a_real_workbook_passes_and_shared_strings_are_still_read():
    result = parse_workbook(_with_shared_strings(b"<si><t>a</t></si>" * 10), filename="好.xlsx")
    assert not any("上限" in e.message or "异常" in e.message for e in result.errors)
    assert len(result.sites) == 2


def test_counts_across_chunk_boundaries():
    body = b"<si><t>x</t></si>" * 300_000  # 5 MB: several chunks, matches straddling their edges
    zf = zipfile.ZipFile(BytesIO(_with_shared_strings(body)))
    info = zf.getinfo("xl/sharedStrings.xml")
    assert limits._count(zf, info, 10**9, 10**9) == (300_000, 0)
