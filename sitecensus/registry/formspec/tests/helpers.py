"""Building test inputs the way a clerk would: our own builder, then openpyxl."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from sitecensus.registry.formspec.spec import load_forms
from sitecensus.registry.formspec.workbook import CODE_ROW, FIRST_DATA_ROW, build_workbook

UNIT_CODE = "130623000000"
UNIT_NAME = "涞水县人民政府办公室"
BASIC_SHEET = "基本信息表"
COLUMN_SHEET = "栏目信息表"


def good_site(i: int = 0, **overrides) -> dict:
    site = {
        "site_name": f"涞水县人民政府网站{i}",
        "homepage_url": f"http://www{i}.lsx.gov.cn",
        "other_domains": f"lsx{i}.gov.cn；https://m{i}.lsx.gov.cn",
        "ip_address": "10.1.2.3；2001:db8::1",
        "competent_unit": UNIT_NAME,
        "sponsor_unit": "涞水县人民政府",
        "operator_unit": "涞水县信息中心",
        "site_class": "县级政府门户",
        "is_portal": "是",
        "icp_number": "冀ICP备05001234号",
        "psb_number": "冀公网安备 13062302000123号",
        "office_address": "河北省保定市涞水县城关镇",
        "principal_name": "张三",
        "principal_post": "主任",
        "principal_phone": "0312-4521234",
        "principal_mobile": "13912345678",
        "principal_email": "zhangsan@lsx.gov.cn",
        "contact1_name": "李四",
        "contact1_phone": "0312-4521235",
        "contact1_mobile": "13912345679",
        "contact1_email": "lisi@lsx.gov.cn",
        "contact2_name": "王五",
        "contact2_mobile": "13812345670",
        "running_status": "正常运行",
        "remarks": "无",
    }
    site.update(overrides)
    return site


def good_column(i: int, j: int, **overrides) -> dict:
    column = {
        "site_url": f"http://www{i}.lsx.gov.cn",
        "column_name": f"栏目{j}",
        "column_url": f"http://www{i}.lsx.gov.cn/col{j}/",
        "parent_column": None,
        "is_homepage": "是" if j % 2 == 0 else "否",
        "column_class": "通知公告",
        "update_period": "每周",
        "remarks": None,
    }
    column.update(overrides)
    return column


def blank_workbook(**kwargs) -> bytes:
    kwargs.setdefault("unit_code", UNIT_CODE)
    kwargs.setdefault("unit_name", UNIT_NAME)
    return build_workbook(**kwargs)


def _codes(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[CODE_ROW] if c.value}


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill(data: bytes, sites=(), columns=(), *, site_start=FIRST_DATA_ROW, column_start=FIRST_DATA_ROW) -> bytes:
    """Type rows into a workbook like a clerk: one dict per row, by field code.
    A value of None leaves the cell as it is; use "" to clear a cell."""
    wb = load_workbook(io.BytesIO(data))
    for sheet, rows, start in ((BASIC_SHEET, sites, site_start), (COLUMN_SHEET, columns, column_start)):
        ws = wb[sheet]
        codes = _codes(ws)
        for r, row in enumerate(rows, start=start):
            for code, value in row.items():
                if value is None:
                    continue
                ws.cell(row=r, column=codes[code]).value = None if value == "" else value
    return save(wb)


def edit(data: bytes, fn) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    fn(wb)
    return save(wb)


def column_letter(sheet: str, code: str) -> str:
    from openpyxl.utils import get_column_letter

    form = load_forms()["basic_info" if sheet == BASIC_SHEET else "columns"]
    return get_column_letter(form.codes.index(code) + 1)


def filled_workbook(n_sites: int = 2, n_columns: int = 4) -> bytes:
    sites = [good_site(i) for i in range(n_sites)]
    columns = [good_column(i, j) for i in range(n_sites) for j in range(n_columns)]
    return fill(blank_workbook(), sites, columns)


def rewrite_zip_member(data: bytes, member: str, fn) -> bytes:
    """Rewrite one part of an .xlsx package at the XML level."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == member:
                content = fn(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info, content)
    return out.getvalue()


def sheet_part(data: bytes, sheet: str) -> str:
    """The package path of a sheet's XML."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    workbook = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship[^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels
    )
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def make_zip(entries: list[tuple[str, bytes]], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, content in entries:
            zf.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return out.getvalue()
