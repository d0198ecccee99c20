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
from dataclasses import dataclass, field

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


@dataclass
class Unpacked:
    """An upload split into the workbooks to parse, without parsing them:
    ``members`` are ``(name, bytes)`` (or ``(name, CellError)`` for a member that
    cannot be read), ``notices`` the skipped entries with the reason."""

    members: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def unpack_upload(data: bytes, *, filename: str) -> Unpacked:
    """One .xlsx is one member; a ZIP is opened (with every safety check) and
    each .xlsx inside becomes a member named ``<zip name>/<path>``. A file
    refused as a whole is a single member carrying its error."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return Unpacked([(filename, data)])
    if lower.endswith(".zip"):
        return _unpack_zip(data, filename)
    if lower.endswith(".xls"):
        return _refused(filename, MSG_XLS)
    return _refused(filename, "只能上传本系统的 .xlsx 填报文件，或由这些文件打包的 .zip 压缩包")


def parse_member(name: str, content, *, expected_unit_code: str | None = None) -> ParsedWorkbook:
    if isinstance(content, CellError):
        return ParsedWorkbook(filename=name, errors=[content])
    return parse_workbook(content, filename=name, expected_unit_code=expected_unit_code)


def read_upload(data: bytes, *, filename: str, expected_unit_code: str | None = None) -> UploadResult:
    """Parse an uploaded .xlsx, or every .xlsx inside an uploaded .zip."""
    unpacked = unpack_upload(data, filename=filename)
    return UploadResult([parse_member(name, content, expected_unit_code=expected_unit_code)
                         for name, content in unpacked.members], unpacked.notices)


MSG_XLS = "不支持旧版 Excel（.xls）文件，请使用本系统生成的 .xlsx 模板填写"


def _refused(filename: str, message: str, notices=None) -> Unpacked:
    return Unpacked([(filename, CellError(filename, message=message))], list(notices or []))


def _unpack_zip(data: bytes, filename: str) -> Unpacked:
    if len(data) > MAX_ZIP_BYTES:
        return _refused(filename, f"压缩包大小超过 {MAX_ZIP_BYTES // MB} MB 的上限，请分批上传")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _refused(filename, "不是有效的 ZIP 压缩包")
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_RAW_ENTRIES:
            return _refused(filename, f"压缩包内文件过多（超过 {MAX_ZIP_ENTRIES} 个），已拒收")
        entries = []
        files = 0
        total = 0
        for info in infos:
            name = decode_zip_name(info)
            if _unsafe_name(name) or _unsafe_name(info.filename):
                return _refused(filename, f"压缩包含有不安全的路径“{name}”（上级目录或绝对路径），已拒收整个压缩包")
            if _is_symlink(info):
                return _refused(filename, f"压缩包含有符号链接“{name}”，已拒收整个压缩包")
            if info.flag_bits & 0x1:
                return _refused(filename, f"压缩包中的“{name}”已加密，请去掉密码后重新打包")
            if info.is_dir():
                continue
            if not name.replace("\\", "/").startswith("__MACOSX/"):
                files += 1
            total += info.file_size
            if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                return _refused(filename, f"压缩包中的“{name}”压缩比异常（疑似压缩炸弹），已拒收整个压缩包")
            entries.append((info, name))
        if files > MAX_ZIP_ENTRIES:
            return _refused(filename, f"压缩包内文件过多（{files} 个，上限 {MAX_ZIP_ENTRIES} 个），请分批上传")
        if total > MAX_ZIP_UNCOMPRESSED:
            return _refused(filename, f"压缩包解压后超过 {MAX_ZIP_UNCOMPRESSED // MB} MB 的上限，已拒收，请分批上传")

        result = Unpacked()
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
            if base.lower().endswith(".xls"):
                result.notices.append(f"已跳过“{shown}”：不是 .xlsx 文件，是旧版 Excel（.xls）文件，"
                                      f"请用本系统下载的 .xlsx 模板填写后重新打包")
                continue
            if not base.lower().endswith(".xlsx"):
                result.notices.append(f"已跳过“{shown}”：不是 .xlsx 文件")
                continue
            if info.file_size > MAX_FILE_BYTES:
                result.members.append((shown, CellError(
                    shown, message=f"文件解压后超过单个文件 {MAX_FILE_BYTES // MB} MB 的上限，请拆分后再报送")))
                continue
            try:
                with zf.open(info) as fh:
                    content = fh.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError):
                result.members.append((shown, CellError(shown, message="压缩包中的该文件已损坏，无法读取")))
                continue
            unpacked += len(content)
            if unpacked > MAX_ZIP_UNCOMPRESSED or len(content) > MAX_FILE_BYTES:
                # The declared sizes lied.
                return _refused(filename, "压缩包实际解压大小与声明不符（疑似压缩炸弹），已拒收整个压缩包")
            result.members.append((shown, content))
        if not result.members:
            return _refused(filename, "压缩包中没有 .xlsx 填报文件", result.notices)
        return result
