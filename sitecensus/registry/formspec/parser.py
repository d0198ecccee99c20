"""Reading a filled-in workbook back: structure checks, then every cell.

``parse_workbook`` never raises for a bad file: every problem becomes a
``CellError`` in ``ParsedWorkbook.errors``. A file-level problem (not an
.xlsx, too large, foreign or tampered template, expired version, another
unit's file, too many rows) returns a workbook with no sites and that one error.

The workbook is read with openpyxl in read-only mode with formulas *not*
evaluated (``data_only=False``): a formula cell is an error naming the cell,
its cached value is never used; the data rows' cells are decoded by sheetrows.py
(openpyxl's own cell objects cost most of an import's time). No Django here.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from . import limits
from .sheetrows import data_rows
from .spec import (CURRENT_VERSION, FormSpec, TemplateVersion, check_rules, check_site_rules, homepage_key,
                   identity_keys, layouts_stamped, load_forms, normalize_url, orphan_parents, validate_value, version_key)
from .workbook import CODE_ROW, FIRST_DATA_ROW, INSTRUCTIONS_SHEET, META_SHEET, OPTIONS_SHEET, header_checksum

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # one .xlsx file
MAX_XLSX_UNCOMPRESSED = 200 * MB  # the .xlsx container's declared unpacked size
MAX_SITE_ROWS = 500  # filled rows on 基本信息表
MAX_COLUMN_ROWS = 20_000  # filled rows on 栏目信息表

# Sheets other forms add to the unit's workbook (read by their own imports, not as stray sheets): data.
ADDED_SHEETS = frozenset(_name for _sheet in json.loads(
    (Path(__file__).resolve().parent / "data" / "added_sheets.json").read_text(encoding="utf-8"))["sheets"]
    for _name in (_sheet, _sheet + OPTIONS_SHEET))

MSG_NOT_XLSX = "不是有效的 Excel（.xlsx）文件"
MSG_FOREIGN = "不是本系统生成的填报模板或模板结构已被修改，请重新下载模板后填写"
# What exactly is wrong with the template's structure (each keeps MSG_FOREIGN's advice).
MSG_NO_META = "缺少模板校验信息（隐藏的“_meta”工作表），不是本系统下载的填报模板，或是另存/复制到新工作簿时丢失了，请重新下载模板后填写"
MSG_META_SHOWN = "模板校验信息（“_meta”工作表）被取消隐藏或修改过，请重新下载模板后填写"
MSG_META_BROKEN = "模板校验信息（“_meta”工作表）不完整或被修改，请重新下载模板后填写"
MSG_HEADER_CHANGED = "表头（前两行）或模板校验信息被修改过，两者不一致，请不要修改表头，重新下载模板后填写"


@dataclass
class CellError:
    """One problem, located as Excel shows it. ``row`` is 1-based, ``column``
    the Excel letter, ``field`` the Chinese label; any of sheet/row/column/
    field is None for file-level problems."""

    file: str | None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    message: str = ""

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列（{self.field}）" if self.field else f"{self.column} 列")
        elif self.field:
            parts.append(f"“{self.field}”")
        return "，".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}：{self.message}" if where else self.message

    def sort_key(self):
        col = self.column or ""
        return (self.row or 0, len(col), col)


@dataclass
class ParsedColumn:
    row: int
    values: dict  # column field code -> clean value (None when empty or invalid)


@dataclass
class ParsedSite:
    row: int
    values: dict  # basic-info field code -> clean value (None when empty or invalid)
    columns: list[ParsedColumn] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # its row's and its column rows'
    # Its identity, computed once here (spec.identity_keys → identity.site_key): {key: (field, value)},
    # the homepage first. Every later step (dry run, commit) takes these keys, never the URL again.
    keys: dict = field(default_factory=dict)


@dataclass
class ParsedWorkbook:
    filename: str
    unit_code: str | None = None
    version: str | None = None
    sites: list[ParsedSite] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # every error, file-level and per site
    unit_name: str | None = None
    notices: list[str] = field(default_factory=list)
    stamp: str | None = None  # the version written in the file's _meta (``version`` is the one it was read as)

    @property
    def version_label(self) -> str:
        """The template version the check read, as every check names it."""
        if not self.version:
            return ""
        if self.stamp and self.stamp != self.version:
            return f"{self.version}（文件标注 {self.stamp}）"
        return self.version

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def column_count(self) -> int:
        return sum(len(s.columns) for s in self.sites)


def _file_error(filename: str, message: str, sheet: str | None = None) -> ParsedWorkbook:
    return ParsedWorkbook(filename=filename, errors=[CellError(filename, sheet, message=message)])


def precheck_xlsx_bytes(data: bytes, filename: str) -> str | None:
    """A cheap look at the bytes before openpyxl: a message, or None if it may be an .xlsx."""
    if len(data) > MAX_FILE_BYTES:
        return f"文件大小超过单个文件 {MAX_FILE_BYTES // MB} MB 的上限，请拆分后再报送"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return f"{MSG_NOT_XLSX}：文件是旧版 Excel（.xls）格式或设置了打开密码，请使用本系统生成的 .xlsx 模板且不要加密"
    if data[:4] != b"PK\x03\x04":
        return MSG_NOT_XLSX
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return MSG_NOT_XLSX
            if any(i.flag_bits & 0x1 for i in infos):
                return MSG_NOT_XLSX
            if sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED:
                return f"{MSG_NOT_XLSX}：文件解压后超过 {MAX_XLSX_UNCOMPRESSED // MB} MB，请拆分后再报送"
            # Shared strings, cells and compression ratio, streamed before openpyxl (limits.py).
            too_costly = limits.check_parts(zf)
            if too_costly:
                return too_costly
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return MSG_NOT_XLSX
    return None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def merged_ranges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name → its merged cells as (first column, first row, last column, last row), 1-based,
    read from the sheets' XML (openpyxl's read-only mode does not report them). Streamed: the
    merge list follows a sheet's rows."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = ET.fromstring(zf.read("xl/workbook.xml"))
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in book.iterfind("m:sheets/m:sheet", _NS):
                target = targets.get(sheet.get(_REL), "")
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if part not in zf.namelist():
                    continue
                ranges, tail = [], b""
                with zf.open(part) as fh:
                    while chunk := fh.read(1 << 20):
                        text = tail + chunk
                        for m in _MERGE.finditer(text):
                            c1, r1 = _col(m.group(1)), int(m.group(2))
                            c2, r2 = (_col(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
                            ranges.append((min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))
                        cut = text.rfind(b"<")
                        tail = text[cut:] if cut >= 0 and len(text) - cut < 200 else b""
                if ranges:
                    found[sheet.get("name")] = sorted(set(ranges), key=lambda x: (x[1], x[0]))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    return found


class _Limit(Exception):
    def __init__(self, message: str, sheet: str):
        self.message = message
        self.sheet = sheet


def _read_meta(ws) -> dict:
    meta = {}
    for row in ws.iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[str(row[0]).strip()] = "" if len(row) < 2 or row[1] is None else str(row[1]).strip()
    return meta


def _read_codes(ws) -> list[str]:
    for row in ws.iter_rows(min_row=CODE_ROW, max_row=CODE_ROW, values_only=True):
        codes = ["" if v is None else str(v).strip() for v in row]
        while codes and not codes[-1]:
            codes.pop()
        return codes
    return []


class _SheetReader:
    """Raw rows of one data sheet: ``(row_number, raw_values, cell_errors)``."""

    def __init__(self, filename: str, form: FormSpec, codes: list[str]):
        self.filename = filename
        self.form = form
        self.sheet = form.sheet
        self.codes = codes
        index = {code: i for i, code in enumerate(codes) if code}
        # (field, column index in the row, column letter) in form order; a field an older template
        # does not have is read as empty (never required: the clerk could not fill it in).
        self.layout = [(f, index[f.code], get_column_letter(index[f.code] + 1)) for f in form.fields
                       if f.code in index]
        self.present = frozenset(f.code for f, _i, _l in self.layout)
        self.absent = tuple(f for f in form.fields if f.code not in index)
        self.prefill_idx = {index[f.code] for f in form.fields if f.prefill and f.code in index}
        self.fills: dict[tuple[int, int], int] = {}  # (row, column index) → the merged range's first row
        self.tops: set[tuple[int, int]] = set()
        self.merge_errors: dict[int, list[CellError]] = {}
        self.notices: list[str] = []
        self.checked: dict[tuple, tuple] = {}  # (column, type, raw value) → validate_value's answer

    def merges(self, ranges) -> None:
        """Merged cells in the data rows: one column over several rows is filled (each row gets the
        merged value, as the clerk meant); anything wider is refused, naming the cells."""
        width = len(self.codes)
        labels = {i: f.label for f, i, _l in self.layout}
        for c1, r1, c2, r2 in ranges:
            if r2 < FIRST_DATA_ROW or c1 > width:
                continue
            where = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            if c1 != c2 or r1 < FIRST_DATA_ROW:
                self.merge_errors.setdefault(max(r1, FIRST_DATA_ROW), []).append(CellError(
                    self.filename, self.sheet, max(r1, FIRST_DATA_ROW), get_column_letter(c1), labels.get(c1 - 1),
                    f"单元格 {where} 被合并，跨列合并的内容无法分到各列：请取消合并，每个单元格分别填写"))
                continue
            self.tops.add((r1, c1 - 1))
            for r in range(r1 + 1, r2 + 1):
                self.fills[(r, c1 - 1)] = r1
            self.notices.append(f"工作表“{self.sheet}”的单元格 {where}（{labels.get(c1 - 1, '')}）为合并单元格，"
                                f"已把合并的内容“{{}}”填入第 {r1}—{r2} 行的每一行")

    def rows(self, ws, limit: int):
        width = len(self.codes)
        prefill = self.prefill_idx
        count = 0
        out = []
        top_values: dict[tuple[int, int], object] = {}
        # Only rows holding a cell come back: a row openpyxl would give as empty is blank here too.
        for r, cells in data_rows(ws, min_row=FIRST_DATA_ROW, max_col=width):
            values = [None] * width
            special = None
            blank = True
            for i, (v, dt) in cells.items():
                if v is None:
                    continue
                if dt == "f" or dt == "e":
                    special = special or {}
                    special[i] = (dt, v)
                    blank = False
                    continue
                if isinstance(v, str):
                    if not v.strip():
                        continue
                if i not in prefill:
                    blank = False
                values[i] = v
            if self.tops:
                for i in range(width):
                    if (r, i) in self.tops:
                        top_values[(r, i)] = values[i]
            if blank:
                continue  # empty, or only the pre-filled 主管单位 (or only a merged cell's value)
            if self.fills:
                for i in range(width):
                    top = self.fills.get((r, i))
                    if top is not None and values[i] is None:
                        values[i] = top_values.get((top, i))
            count += 1
            if count > limit:
                raise _Limit(
                    f"工作表“{self.sheet}”填写的数据超过 {limit} 行的上限，文件未导入，请拆分为多个文件后再报送",
                    self.sheet,
                )
            out.append((r, values, special))
        # The notices name each filled value.
        self.notices = [n.replace("“{}”", f"“{top_values.get(top)}”") if "“{}”" in n else n
                        for n, top in zip(self.notices, sorted(self.tops))]
        return out

    def validate(self, r: int, values: list, special: dict | None):
        clean = {}
        errors = []
        errored = set()
        for f, i, letter in self.layout:
            if special and i in special:
                kind, text = special[i]
                if kind == "f":
                    shown = str(text)
                    shown = shown if len(shown) <= 40 else shown[:39] + "…"
                    msg = f"单元格 {letter}{r} 含有公式“{shown}”，本系统不计算公式，请改为直接填写内容"
                else:
                    msg = f"单元格 {letter}{r} 显示错误值“{text}”，请改为直接填写内容"
                errors.append(CellError(self.filename, self.sheet, r, letter, f.label, msg))
                clean[f.code] = None
                errored.add(f.code)
                continue
            value, msg = self.check(f, i, values[i])
            clean[f.code] = value
            if msg:
                errors.append(CellError(self.filename, self.sheet, r, letter, f.label, msg))
                errored.add(f.code)
        errors.extend(self.merge_errors.get(r, ()))
        for f in self.absent:
            clean[f.code] = None
        for code, msg in check_rules(self.form, clean, errored):
            if code in self.present:
                errors.append(self.error(r, code, msg))
        return clean, errors, errored

    def check(self, f, i: int, raw):
        """validate_value, once per distinct value of a column in this sheet (a column sheet repeats
        its site's URL, 是/否 and choices on every row). Only immutable answers are kept: a list
        (several URLs) is made anew for each row."""
        key = (i, type(raw), raw)
        known = self.checked.get(key)
        if known is not None:
            return known
        answer = validate_value(f, raw)
        if answer[0] is None or type(answer[0]) in (str, int, bool):
            self.checked[key] = answer
        return answer

    def letter(self, code: str) -> str:
        for f, _i, letter in self.layout:
            if f.code == code:
                return letter
        raise KeyError(code)

    def error(self, r: int, code: str, message: str) -> CellError:
        letter = self.letter(code) if code in self.present else None
        return CellError(self.filename, self.sheet, r, letter, self.form.field(code).label, message)


def _raw_key(raw) -> str:
    if raw is None:
        return ""
    return normalize_url(str(raw).strip())


def _other_sheets(wb, filename: str, data_sheets) -> list[CellError]:
    """A sheet the template does not have (a copy of 基本信息表, a new sheet) holding anything:
    named, since its rows are not read — never silently ignored."""
    errors = []
    for ws in wb.worksheets:
        if ws.title in (INSTRUCTIONS_SHEET, OPTIONS_SHEET, META_SHEET, *data_sheets) or ws.title in ADDED_SHEETS:
            continue  # (a sheet another form adds, e.g. 政务新媒体, is read by its own import)
        copied, skip = False, set()
        for r, row in enumerate(ws.iter_rows(max_row=2000, max_col=60, values_only=True), start=1):
            if r == CODE_ROW and row and row[0] in ("site_name", "site_url"):  # a copy of a data sheet
                copied, skip = True, {i for i, v in enumerate(row) if v == "competent_unit"}
            if copied and r < FIRST_DATA_ROW or r < CODE_ROW:
                continue
            if any(v is not None and str(v).strip() for i, v in enumerate(row) if i not in skip):
                errors.append(CellError(filename, ws.title, r, message=(
                    f"工作表“{ws.title}”不是模板中的工作表，其中填写的内容（自第 {r} 行起）不会被读取：网站请填在"
                    f"“{data_sheets[0]}”中，栏目请填在“{data_sheets[1]}”中（可把这些行复制过去）")))
                break
    return errors


def _labels(forms, codes) -> str:
    known = {f.code: f.label for form in forms.values() for f in form.fields}
    return "、".join(known.get(c, c) for c in codes)


def _layout_read(filename, stamp, unit_code, checksum, basic_codes, col_codes, candidates,
                 forms) -> TemplateVersion | ParsedWorkbook:
    """Which version a workbook's header is — or, for a changed header, what was changed.
    An intact header (its checksum in _meta) of a published layout is read as that version;
    a header whose checksum names a published layout but whose columns differ was changed
    (named column by column); anything else is a foreign or broken template."""
    found = (list(basic_codes), list(col_codes))
    if hmac.compare_digest(header_checksum(stamp, unit_code, *found), checksum):
        for version in candidates:
            if (list(version.basic_info), list(version.columns)) == found:
                return version
        return _file_error(filename, f"表头与本系统发布过的模板版本 {stamp} 都不一致，不是本系统生成的模板，"
                                     f"请重新下载模板后填写（当前版本 {CURRENT_VERSION}）")
    original = next((v for v in candidates if hmac.compare_digest(
        header_checksum(stamp, unit_code, list(v.basic_info), list(v.columns)), checksum)), None)
    if original is None:
        return _file_error(filename, MSG_HEADER_CHANGED)
    details = []
    for form_id, codes, expected in (("basic_info", basic_codes, original.basic_info),
                                     ("columns", col_codes, original.columns)):
        sheet = forms[form_id].sheet
        missing = [c for c in expected if c not in codes]
        extra = [c for c in codes if c and c not in expected]
        part = []
        if missing:
            part.append("缺少列：" + _labels(forms, missing))
        if extra:
            part.append("多出列：" + "、".join(extra))
        if not part and [c for c in codes if c] != list(expected):
            part.append("列的顺序被改动过")
        if part:
            details.append(f"工作表“{sheet}”" + "；".join(part))
    detail = "；".join(details) or "表头第二行被修改过"
    return _file_error(filename, f"表头被修改过（按文件的模板版本 {original.version} 核对：{detail}），"
                                 f"请不要增删、移动列或修改表头，重新下载模板后填写")


def parse_workbook(
    data: bytes,
    *,
    filename: str,
    expected_unit_code: str | None = None,
    max_site_rows: int | None = None,
    max_column_rows: int | None = None,
) -> ParsedWorkbook:
    """Parse one filled-in workbook. Never raises for bad input.

    ``max_site_rows`` / ``max_column_rows`` default to ``MAX_SITE_ROWS`` /
    ``MAX_COLUMN_ROWS`` (read at call time)."""
    problem = precheck_xlsx_bytes(data, filename)
    if problem:
        return _file_error(filename, problem)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a broken package
        return _file_error(filename, MSG_NOT_XLSX)
    try:
        return _parse_loaded(
            wb,
            data,
            filename,
            expected_unit_code,
            MAX_SITE_ROWS if max_site_rows is None else max_site_rows,
            MAX_COLUMN_ROWS if max_column_rows is None else max_column_rows,
        )
    except _Limit as exc:
        return _file_error(filename, exc.message, exc.sheet)
    except (KeyError, IndexError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        # A sheet part that cannot be read (SyntaxError covers XML ParseError).
        return _file_error(filename, MSG_NOT_XLSX)
    finally:
        wb.close()


def _parse_loaded(wb, data, filename, expected_unit_code, max_site_rows, max_column_rows) -> ParsedWorkbook:
    if META_SHEET not in wb.sheetnames:
        return _file_error(filename, MSG_NO_META)
    meta_ws = wb[META_SHEET]
    if getattr(meta_ws, "sheet_state", "veryHidden") not in ("hidden", "veryHidden"):
        return _file_error(filename, MSG_META_SHOWN, META_SHEET)  # our _meta is never visible
    meta = _read_meta(meta_ws)
    stamp = meta.get("version") or ""
    if not stamp or not meta.get("checksum") or meta.get("generator") != "sitecensus":
        return _file_error(filename, MSG_META_BROKEN, META_SHEET)
    candidates = layouts_stamped(stamp)
    if not candidates:
        if version_key(stamp) > version_key(CURRENT_VERSION):
            return _file_error(filename, f"模板版本 {stamp} 比本系统的当前版本 {CURRENT_VERSION} 新，"
                                         f"本系统不能读取，请使用本系统下载的模板（当前版本 {CURRENT_VERSION}）")
        return _file_error(filename, f"模板版本 {stamp} 不是本系统发布过的版本（模板校验信息被修改或不是本系统的模板），"
                                     f"请重新下载模板后填写（当前版本 {CURRENT_VERSION}）", META_SHEET)
    forms = load_forms()  # every version is read by the current rules; its columns mapped by code
    basic, cols = forms["basic_info"], forms["columns"]
    for sheet in (basic.sheet, cols.sheet):
        if sheet not in wb.sheetnames:
            return _file_error(filename, f"缺少工作表“{sheet}”（工作表被删除或改名），请不要增删或重命名工作表，"
                                         f"重新下载模板后填写")
    ws_basic, ws_cols = wb[basic.sheet], wb[cols.sheet]
    basic_codes, col_codes = _read_codes(ws_basic), _read_codes(ws_cols)
    unit_code = meta.get("unit_code", "")
    read = _layout_read(filename, stamp, unit_code, meta["checksum"], basic_codes, col_codes, candidates, forms)
    if isinstance(read, ParsedWorkbook):
        return read
    unit_name = meta.get("unit_name") or unit_code
    if expected_unit_code is not None and str(expected_unit_code).strip() != unit_code:
        return _file_error(filename, f"该文件是“{unit_name}”的填报模板，不是本单位的")

    result = ParsedWorkbook(filename=filename, unit_code=unit_code, version=read.version, unit_name=unit_name,
                            stamp=stamp)
    site_reader = _SheetReader(filename, basic, basic_codes)
    col_reader = _SheetReader(filename, cols, col_codes)
    if read.version != CURRENT_VERSION:
        absent = [f.label for f in site_reader.absent + col_reader.absent]
        result.notices.append(f"按模板版本 {result.version_label} 读取（{read.date}）"
                              + (f"：该版本没有“{'”“'.join(absent)}”列，按未填写处理" if absent else "")
                              + f"；当前版本为 {CURRENT_VERSION}，下次请下载新模板")
    merges = merged_ranges(data)
    site_reader.merges(merges.get(basic.sheet, ()))
    col_reader.merges(merges.get(cols.sheet, ()))
    site_rows = site_reader.rows(ws_basic, max_site_rows)
    col_rows = col_reader.rows(ws_cols, max_column_rows)
    result.notices += site_reader.notices + col_reader.notices
    stray_sheets = _other_sheets(wb, filename, (basic.sheet, cols.sheet))

    basic_errors: list[CellError] = []
    if not site_rows:
        basic_errors.append(CellError(filename, basic.sheet, message=f"“{basic.sheet}”中没有填写任何网站"))
    col_errors: list[CellError] = []

    # Sites.
    url_idx = basic_codes.index("homepage_url")
    by_key: dict[str, ParsedSite] = {}
    owners: dict[str, tuple[int, str]] = {}  # domain key → (row, field) of the site that has it first
    spelled: dict[str, str] = {}  # a homepage URL as written → its key
    for r, raw, special in site_rows:
        values, errors, _errored = site_reader.validate(r, raw, special)
        site = ParsedSite(row=r, values=values, errors=errors, keys=identity_keys(values))
        url = values.get("homepage_url")
        key = homepage_key(site.keys) if url else _raw_key(raw[url_idx])
        if url:
            spelled[url] = key  # a column row naming its site as written finds it without a second key
        duplicate = False
        if key:
            first = by_key.get(key)
            duplicate = first is not None
            if first is not None and url:  # (a URL already refused for its format is not also a duplicate)
                err = site_reader.error(
                    r, "homepage_url", f"与第 {first.row} 行的网站重复（首页网址相同：“{url or raw[url_idx]}”），同一网站只填一行"
                )
                errors.append(err)
            else:
                by_key[key] = site
        # One site, one row: a homepage URL or other domain already on another row
        # (as its homepage URL or one of its other domains), http and https alike.
        for dkey, (code, value) in site.keys.items():
            owner = owners.get(dkey)
            if owner is None:
                owners[dkey] = (r, code)
            elif owner[0] != r and not (code == "homepage_url" and duplicate):
                errors.append(site_reader.error(
                    r, code, f"“{value}”与第 {owner[0]} 行网站的{basic.field(owner[1]).label}相同，"
                             f"同一网站只填一行（其他域名写在该网站的“其他域名”中）"))
        basic_errors.extend(errors)
        result.sites.append(site)

    # Columns.
    site_url_idx = col_codes.index("site_url")
    seen_cols: dict[tuple, int] = {}
    per_site: dict[int, list[ParsedColumn]] = defaultdict(list)
    for r, raw, special in col_rows:
        values, errors, errored = col_reader.validate(r, raw, special)
        column = ParsedColumn(row=r, values=values)
        site_url = values.get("site_url")
        key = (spelled.get(site_url) or normalize_url(site_url)) if site_url else _raw_key(raw[site_url_idx])
        site = by_key.get(key) if key else None
        if site is None and key and "site_url" not in errored:
            errors.append(
                col_reader.error(
                    r,
                    "site_url",
                    f"所属网站首页网址“{site_url}”在“{basic.sheet}”中没有对应的网站，请先在“{basic.sheet}”中填写该网站",
                )
            )
        if site is not None:
            name = values.get("column_name")
            curl = values.get("column_url")
            if name and curl:
                dkey = (key, spelled.get(curl) or normalize_url(curl), name)
                first_row = seen_cols.get(dkey)
                if first_row is not None:
                    errors.append(
                        col_reader.error(
                            r, "column_name", f"与第 {first_row} 行的栏目重复（所属网站、栏目名称和栏目网址均相同）"
                        )
                    )
                else:
                    seen_cols[dkey] = r
            per_site[id(site)].append(column)
            site.errors.extend(errors)
        col_errors.extend(errors)

    # Parent columns, homepage columns first.
    for site in result.sites:
        columns = per_site.get(id(site), [])
        for row, message in orphan_parents(
                [(c.row, c.values.get("column_name"), c.values.get("parent_column")) for c in columns]):
            err = col_reader.error(row, "parent_column", message)
            site.errors.append(err)
            col_errors.append(err)
        site.columns = sorted(columns, key=lambda c: c.values.get("is_homepage") is not True)
        if any(e.row == site.row and e.sheet == basic.sheet and e.field == basic.field("homepage_url").label
               for e in site.errors):
            continue  # its columns cannot be matched to it: the URL's own error says enough
        for code, message in check_site_rules(basic, column_count=len(columns)):
            err = site_reader.error(site.row, code, message)
            site.errors.append(err)
            basic_errors.append(err)
        site.errors.sort(key=lambda e: (e.sheet != basic.sheet, *e.sort_key()))

    basic_errors.sort(key=CellError.sort_key)
    col_errors.sort(key=CellError.sort_key)
    result.errors = basic_errors + col_errors + stray_sheets
    return result


@dataclass
class FormSheet:
    """Another form's sheet read from a workbook (``read_form_sheet``): the clean rows, every error
    (file, sheet, row, column, field) and the workbook's ``_meta`` stamp (its unit)."""

    filename: str
    meta: dict = field(default_factory=dict)
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_form_sheet(data: bytes, *, filename: str, form: FormSpec, max_rows: int = MAX_SITE_ROWS) -> FormSheet:
    """Read one form's sheet (e.g. 政务新媒体) of a workbook this system made, by the form's
    definition: the same row reader, merged-cell rules and validate_value as the census sheets.
    Never raises for bad input."""
    out = FormSheet(filename=filename)

    def refuse(message: str, sheet: str | None = None) -> FormSheet:
        out.errors.append(CellError(filename, sheet, message=message))
        return out

    problem = precheck_xlsx_bytes(data, filename)
    if problem:
        return refuse(problem)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a broken package
        return refuse(MSG_NOT_XLSX)
    try:
        if META_SHEET not in wb.sheetnames:
            return refuse(MSG_NO_META)
        out.meta = _read_meta(wb[META_SHEET])
        if out.meta.get("generator") != "sitecensus" or not out.meta.get("unit_code"):
            return refuse(MSG_META_BROKEN, META_SHEET)
        if form.sheet not in wb.sheetnames:
            return refuse(f"缺少工作表“{form.sheet}”：请下载含“{form.sheet}”工作表的填报模板后填写")
        ws = wb[form.sheet]
        codes = _read_codes(ws)
        missing = [f.label for f in form.fields if f.code not in codes]
        if missing:
            return refuse(f"工作表“{form.sheet}”的表头被修改过（缺少列：{'、'.join(missing)}），请重新下载模板后填写",
                          form.sheet)
        reader = _SheetReader(filename, form, codes)
        reader.merges(merged_ranges(data).get(form.sheet, ()))
        for r, raw, special in reader.rows(ws, max_rows):
            values, errors, _errored = reader.validate(r, raw, special)
            out.rows.append((r, values))
            out.errors.extend(errors)
        return out
    except _Limit as exc:
        return refuse(exc.message, exc.sheet)
    except (KeyError, IndexError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return refuse(MSG_NOT_XLSX)
    finally:
        wb.close()
