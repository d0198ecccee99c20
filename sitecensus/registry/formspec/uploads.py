"""Intake of an uploaded file: one .xlsx, or a .zip of .xlsx files.

``read_upload`` never raises for bad input. It returns an ``UploadResult`` —
a ``list[ParsedWorkbook]`` with an extra ``notices`` attribute listing the
ZIP entries that were skipped (non-.xlsx files, ``__MACOSX/``, ``~$`` lock
files, folders). A ZIP refused as a whole (unsafe or too large) yields a
single ``ParsedWorkbook`` named after the ZIP carrying only a file-level
error. Workbooks inside a ZIP are named ``<zip name>/<path inside the ZIP>``.

ZIP names written by Windows tools in GBK without the UTF-8 flag are decoded
as GBK (GB18030). No Django here.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib

from .parser import MAX_FILE_BYTES, MB, CellError, ParsedWorkbook, parse_workbook

MAX_ZIP_BYTES = 200 * MB  # the uploaded ZIP itself
MAX_ZIP_ENTRIES = 200  # files in the ZIP (folders and __MACOSX/ not counted)
MAX_ZIP_RAW_ENTRIES = 2000  # every entry, whatever it is
MAX_ZIP_UNCOMPRESSED = 200 * MB  # sum of the unpacked sizes
MAX_COMPRESSION_RATIO = 100  # unpacked / packed, for entries over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1 * MB

_DRIVE = re.compile(r"^[A-Za-z]:")


class UploadResult(list):
    """``list[ParsedWorkbook]`` plus ``notices``: skipped entries, in Chinese."""

    def __init__(self, items=(), notices=None):
        super().__init__(items)
        self.notices: list[str] = list(notices or [])

    @property
    def ok(self) -> bool:
        return bool(self) and all(wb.ok for wb in self)


def decode_zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, with GBK names from Windows tools decoded properly."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _unsafe_name(name: str) -> bool:
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path) or "\x00" in path:
        return True
    return any(part == ".." for part in path.split("/"))


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _refuse(filename: str, message: str) -> UploadResult:
    return UploadResult([ParsedWorkbook(filename=filename, errors=[CellError(filename, message=message)])])


def read_upload(data: bytes, *, filename: str, expected_unit_code: str | None = None) -> UploadResult:
    """Parse an uploaded .xlsx, or every .xlsx inside an uploaded .zip."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return UploadResult([parse_workbook(data, filename=filename, expected_unit_code=expected_unit_code)])
    if lower.endswith(".zip"):
        return _read_zip(data, filename, expected_unit_code)
    if lower.endswith(".xls"):
        return _refuse(filename, "不支持旧版 Excel（.xls）文件，请使用本系统生成的 .xlsx 模板填写")
    return _refuse(filename, "只能上传本系统的 .xlsx 填报文件，或由这些文件打包的 .zip 压缩包")


def _read_zip(data: bytes, filename: str, expected_unit_code: str | None) -> UploadResult:
    if len(data) > MAX_ZIP_BYTES:
        return _refuse(filename, f"压缩包大小超过 {MAX_ZIP_BYTES // MB} MB 的上限，请分批上传")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _refuse(filename, "不是有效的 ZIP 压缩包")
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_RAW_ENTRIES:
            return _refuse(filename, f"压缩包内文件过多（超过 {MAX_ZIP_ENTRIES} 个），已拒收")
        entries = []
        files = 0
        total = 0
        for info in infos:
            name = decode_zip_name(info)
            if _unsafe_name(name) or _unsafe_name(info.filename):
                return _refuse(filename, f"压缩包含有不安全的路径“{name}”（上级目录或绝对路径），已拒收整个压缩包")
            if _is_symlink(info):
                return _refuse(filename, f"压缩包含有符号链接“{name}”，已拒收整个压缩包")
            if info.flag_bits & 0x1:
                return _refuse(filename, f"压缩包中的“{name}”已加密，请去掉密码后重新打包")
            if info.is_dir():
                continue
            if not name.replace("\\", "/").startswith("__MACOSX/"):
                files += 1
            total += info.file_size
            if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                return _refuse(filename, f"压缩包中的“{name}”压缩比异常（疑似压缩炸弹），已拒收整个压缩包")
            entries.append((info, name))
        if files > MAX_ZIP_ENTRIES:
            return _refuse(filename, f"压缩包内文件过多（{files} 个，上限 {MAX_ZIP_ENTRIES} 个），请分批上传")
        if total > MAX_ZIP_UNCOMPRESSED:
            return _refuse(filename, f"压缩包解压后超过 {MAX_ZIP_UNCOMPRESSED // MB} MB 的上限，已拒收，请分批上传")

        result = UploadResult()
        unpacked = 0
        for info, name in entries:
            path = name.replace("\\", "/")
            base = path.rsplit("/", 1)[-1]
            shown = f"{filename}/{path}"
            if path.startswith("__MACOSX/") or base.startswith("._"):
                result.notices.append(f"已跳过“{shown}”：macOS 生成的附属文件")
                continue
            if base.startswith("~$"):
                result.notices.append(f"已跳过“{shown}”：Excel 临时锁定文件")
                continue
            if not base.lower().endswith(".xlsx"):
                result.notices.append(f"已跳过“{shown}”：不是 .xlsx 文件")
                continue
            if info.file_size > MAX_FILE_BYTES:
                result.append(
                    ParsedWorkbook(
                        filename=shown,
                        errors=[
                            CellError(
                                shown,
                                message=f"文件解压后超过单个文件 {MAX_FILE_BYTES // MB} MB 的上限，请拆分后再报送",
                            )
                        ],
                    )
                )
                continue
            try:
                with zf.open(info) as fh:
                    content = fh.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError):
                result.append(ParsedWorkbook(filename=shown, errors=[CellError(shown, message="压缩包中的该文件已损坏，无法读取")]))
                continue
            unpacked += len(content)
            if unpacked > MAX_ZIP_UNCOMPRESSED or len(content) > MAX_FILE_BYTES:
                # The declared sizes lied.
                return _refuse(filename, "压缩包实际解压大小与声明不符（疑似压缩炸弹），已拒收整个压缩包")
            result.append(parse_workbook(content, filename=shown, expected_unit_code=expected_unit_code))
        if not result:
            refused = _refuse(filename, "压缩包中没有 .xlsx 填报文件")
            refused.notices = result.notices
            return refused
        return result
