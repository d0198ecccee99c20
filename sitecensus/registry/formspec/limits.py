"""Bounds on what a workbook may make the parser do, checked by streaming the
package's parts before openpyxl opens it (no Django; constant memory).

openpyxl keeps every shared string in memory and walks every cell: a small
file whose sharedStrings part unpacks to millions of strings (a "shared-strings
bomb") cost ~1 GB and a minute. Here the parts are read in 1 MB chunks and the
file is refused, with a Chinese message, as soon as a bound is passed:
- the unpacked size of the shared-strings part, and of the whole package;
- the number of shared strings and the number of cells;
- the compression ratio of any large part."""

from __future__ import annotations

import re
import zipfile

MB = 1024 * 1024
MAX_SHARED_STRINGS = 200_000          # distinct strings (a 20,000-column workbook uses far fewer)
MAX_PART_BYTES = 64 * MB              # any one unpacked part (sheets of a full workbook are ~15 MB)
MAX_CELLS = 1_500_000                 # cells over all sheets (500 sites + 20,000 columns fit easily)
MAX_PART_RATIO = 200                  # unpacked / packed, for parts over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1 * MB
CHUNK = 1 * MB
_TAIL = 64

_SHARED_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
PREFIX = "文件不是有效的 Excel 工作簿"


class LimitExceeded(Exception):
    pass


STRINGS_MESSAGE = f"{PREFIX}：共享字符串超过 {MAX_SHARED_STRINGS:,} 个的上限，疑似恶意构造的文件，已拒绝"
CELLS_MESSAGE = f"{PREFIX}：单元格总数超过 {MAX_CELLS:,} 个的上限，请拆分后再报送"


def _count(zf: zipfile.ZipFile, info: zipfile.ZipInfo, string_budget: int, cell_budget: int) -> tuple[int, int]:
    """Shared strings and cells in the part, streamed in chunks; raises as soon as
    a budget is passed (so a bomb is refused after reading a little of it)."""
    strings = cells = 0
    tail = b""
    with zf.open(info) as stream:
        while True:
            data = stream.read(CHUNK)
            chunk = tail + data
            cut = len(chunk) if not data else max(0, len(chunk) - _TAIL)
            strings += sum(1 for m in _SHARED_ITEM.finditer(chunk, 0, len(chunk)) if m.start() < cut)
            if strings > string_budget:
                raise LimitExceeded(STRINGS_MESSAGE)
            cells += sum(1 for m in _CELL.finditer(chunk) if m.start() < cut)
            if cells > cell_budget:
                raise LimitExceeded(CELLS_MESSAGE)
            if not data:
                return strings, cells
            tail = chunk[cut:]


def check_parts(zf: zipfile.ZipFile) -> str | None:
    """A Chinese message when the workbook would cost too much to parse, else None.
    Every part is scanned whatever its name (openpyxl finds the shared strings
    through [Content_Types].xml, so a renamed part must not slip through)."""
    try:
        strings = cells = 0
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.file_size > MAX_PART_BYTES:
                return (f"{PREFIX}：其中的“{info.filename}”解压后超过 {MAX_PART_BYTES // MB} MB 的上限，"
                        "请拆分后再报送")
            if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1):
                return (f"{PREFIX}：其中的“{info.filename}”压缩比异常（超过 {MAX_PART_RATIO} 倍），"
                        "疑似恶意构造的文件，已拒绝")
            if not info.filename.lower().endswith(".xml"):
                continue
            found = _count(zf, info, MAX_SHARED_STRINGS - strings, MAX_CELLS - cells)
            strings, cells = strings + found[0], cells + found[1]
    except LimitExceeded as exceeded:
        return str(exceeded)
    return None
