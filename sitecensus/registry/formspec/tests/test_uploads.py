import io
import stat
import struct
import zipfile

import pytest

from sitecensus.registry.formspec import uploads
from sitecensus.registry.formspec.uploads import MAX_ZIP_ENTRIES, decode_zip_name, read_upload

from .helpers import UNIT_CODE, blank_workbook, fill, filled_workbook, good_site, make_zip


@pytest.fixture(scope="module")
def good():
    return filled_workbook(1, 2)


def test_single_xlsx(good):
    result = read_upload(good, filename="涞水县.xlsx", expected_unit_code=UNIT_CODE)
    assert len(result) == 1 and result.ok and result.notices == []
    assert result[0].filename == "涞水县.xlsx"


def test_unsupported_extensions(good):
    for name, fragment in (("a.xls", "旧版 Excel"), ("a.pdf", "只能上传"), ("a.csv", "只能上传")):
        result = read_upload(good, filename=name)
        assert len(result) == 1 and fragment in result[0].errors[0].message


def test_zip_with_nested_folders(good):
    bad = fill(blank_workbook(), [good_site(0, principal_email="bad")], [])
    data = make_zip(
        [
            ("县区/", b""),
            ("县区/涞水县.xlsx", good),
            ("县区/乡镇/永阳镇.xlsx", bad),
            ("说明.txt", "请查收".encode()),
            ("__MACOSX/县区/._涞水县.xlsx", b"\0\0"),
            ("县区/~$涞水县.xlsx", b"lock"),
            ("顶层.XLSX", good),
        ]
    )
    result = read_upload(data, filename="保定市.zip")
    assert [wb.filename for wb in result] == ["保定市.zip/县区/涞水县.xlsx", "保定市.zip/县区/乡镇/永阳镇.xlsx", "保定市.zip/顶层.XLSX"]
    assert [wb.ok for wb in result] == [True, False, True]
    assert str(result[1].errors[0]).startswith("文件 保定市.zip/县区/乡镇/永阳镇.xlsx，工作表“基本信息表”，第 3 行")
    assert len(result.notices) == 3
    assert any("说明.txt" in n and "不是 .xlsx" in n for n in result.notices)
    assert any("__MACOSX" in n for n in result.notices)
    assert any("~$涞水县.xlsx" in n for n in result.notices)
    assert not result.ok


def _gbk_zip(name: str, content: bytes) -> bytes:
    """A ZIP as Windows' tools write it: the name in GBK, no UTF-8 flag."""
    raw = name.encode("gbk")
    placeholder = ("X" * (len(raw) - 5) + ".xlsx").encode()
    data = make_zip([(placeholder.decode(), content)])
    assert data.count(placeholder) == 2
    return data.replace(placeholder, raw)


def test_gbk_names_decoded(good):
    data = _gbk_zip("涞水县政府网站.xlsx", good)
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert not info.flag_bits & 0x800
    assert decode_zip_name(info) == "涞水县政府网站.xlsx"
    result = read_upload(data, filename="批量.zip")
    assert [wb.filename for wb in result] == ["批量.zip/涞水县政府网站.xlsx"]
    assert result.ok


def _refused(data, fragment, filename="批量.zip"):
    result = read_upload(data, filename=filename)
    assert len(result) == 1
    wb = result[0]
    assert wb.filename == filename and wb.sites == []
    assert len(wb.errors) == 1 and fragment in wb.errors[0].message, wb.errors[0].message
    return wb


@pytest.mark.parametrize("name", ["../evil.xlsx", "a/../../evil.xlsx", "/etc/evil.xlsx", "C:/evil.xlsx", "..\\evil.xlsx", "c:\\x\\evil.xlsx"])
def test_path_traversal_refused(good, name):
    data = make_zip([("ok.xlsx", good), (name, good)])
    _refused(data, "不安全的路径")


def test_symlink_refused(good):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("ok.xlsx", good)
        link = zipfile.ZipInfo("link.xlsx")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    _refused(out.getvalue(), "符号链接")


def _set_encrypted_flag(data: bytes) -> bytes:
    buf = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := buf.find(sig, start)) != -1:
            flags = struct.unpack_from("<H", buf, i + offset)[0]
            struct.pack_into("<H", buf, i + offset, flags | 0x1)
            start = i + 4
    return bytes(buf)


def test_encrypted_entry_refused():
    data = _set_encrypted_flag(make_zip([("a.xlsx", b"secret")]))
    _refused(data, "已加密")


def test_too_many_entries_refused():
    data = make_zip([(f"f{i}.txt", b"x") for i in range(MAX_ZIP_ENTRIES + 1)])
    _refused(data, "文件过多")
    assert MAX_ZIP_ENTRIES == 200


def test_zip_bomb_refused():
    data = make_zip([("bomb.xlsx", bytes(50 * 1024 * 1024))])
    assert len(data) < 200_000
    _refused(data, "压缩炸弹")


def test_total_uncompressed_limit(monkeypatch, good):
    assert uploads.MAX_ZIP_UNCOMPRESSED == 200 * 1024 * 1024
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", len(good) * 2)
    data = make_zip([("a.xlsx", good), ("b.xlsx", good), ("c.xlsx", good)], compression=zipfile.ZIP_STORED)
    _refused(data, "解压后超过")


def test_oversized_zip_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_BYTES", 1000)
    _refused(make_zip([("a.txt", bytes(range(256)) * 10)], compression=zipfile.ZIP_STORED), "压缩包大小超过")


def test_zip_without_workbooks():
    _refused(make_zip([("a.txt", b"x")]), "没有 .xlsx")
    assert read_upload(make_zip([("a.txt", b"x")]), filename="批量.zip").notices


def test_not_a_zip():
    _refused(b"not a zip at all", "不是有效的 ZIP 压缩包")


def test_zip_entries_parsed_with_expected_unit(good):
    data = make_zip([("a.xlsx", good)])
    result = read_upload(data, filename="批量.zip", expected_unit_code="other")
    assert "不是本单位的" in result[0].errors[0].message
