"""An organizing unit's list of addresses (CSV or Excel: a province's annual-report 专栏, a
certificate-log export), checked whole before anything is saved: a typed Chinese error names the file,
the row and the column of every bad cell; a good file's rows become candidates in one transaction."""

from __future__ import annotations

import csv
import io

from openpyxl.utils import get_column_letter

from sitecensus.core.errors import InvalidInput
from sitecensus.scanner.engine import discover

from .models import Source
from .services import government_domains

URL_HEADERS = ("网址", "网站网址", "首页网址", "域名", "url", "host", "domain", "common_name")
NAME_HEADERS = ("网站名称", "名称", "name")
MAX_ROWS = 200_000
MAX_BYTES = 20 * 1024 * 1024


def _rows(filename: str, data: bytes):
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook is the same refusal
            raise InvalidInput(f"文件“{filename}”不是有效的 Excel 文件（.xlsx）", file=filename) from None
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else str(v).strip() for v in row]
        book.close()
    elif lower.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput(f"文件“{filename}”的编码无法识别（请保存为 UTF-8 或 GBK 编码的 CSV）", file=filename)
        for row in csv.reader(io.StringIO(text)):
            yield [v.strip() for v in row]
    else:
        raise InvalidInput(f"文件“{filename}”的类型不支持：请上传 CSV（.csv）或 Excel（.xlsx）文件", file=filename)


def parse_list(filename: str, data: bytes) -> tuple[list[discover.Named], dict]:
    """The file's candidates and what was left out (non-government or blank rows), or an InvalidInput
    listing every bad row (file, row, column) — nothing is saved from a file with one."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"文件“{filename}”超过 {MAX_BYTES // 1024 // 1024} MB", file=filename)
    rows = iter(_rows(filename, data))
    header = next(rows, None)
    if not header:
        raise InvalidInput(f"文件“{filename}”是空的：第 1 行应为表头（含“网址”列）", file=filename, row=1)
    lowered = [h.strip().lower() for h in header]
    url_col = next((i for i, h in enumerate(lowered) if h in URL_HEADERS), None)
    if url_col is None:
        raise InvalidInput(f"文件“{filename}”第 1 行（表头）没有“网址”列（可用列名：{'、'.join(URL_HEADERS[:4])}）",
                           file=filename, row=1)
    letter = get_column_letter(url_col + 1)
    gov = government_domains()
    named, errors, skipped = [], [], {"non_government": [], "blank": 0}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise InvalidInput(f"文件“{filename}”超过 {MAX_ROWS} 行", file=filename, row=number)
        value = row[url_col] if url_col < len(row) else ""
        if not any(row):
            skipped["blank"] += 1
            continue
        where = f"文件“{filename}”第 {number} 行 {letter} 列（{header[url_col]}）"
        if not value:
            errors.append(f"{where}：网址为空")
            continue
        value = value.lstrip("*.")  # a certificate's wildcard name (*.x.gov.cn) names its domain
        key = discover.host_key(value)
        if not key or " " in value or "." not in key:
            errors.append(f"{where}：“{value[:60]}”不是有效的网址或域名")
            continue
        if not gov.host_is_government(key):
            skipped["non_government"].append(number)
            continue
        named.append(discover.Named(key, f"http://{key}/", Source.Kind.IMPORT, f"{filename} 第 {number} 行"[:500]))
    if errors:
        more = f"（另有 {len(errors) - 20} 处）" if len(errors) > 20 else ""
        raise InvalidInput("名单有误，未导入任何一行：" + "；".join(errors[:20]) + more, file=filename)
    return named, skipped
