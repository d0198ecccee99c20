"""``sitecensus forms check FILE.xlsx ...`` — the offline check a reporting
unit runs before sending its workbook back. No Django here.

Exit status: 0 every file valid, 1 any error, 2 usage error (no file given,
a file that does not exist or cannot be read, an unknown option).
"""

from __future__ import annotations

import argparse
import os
import sys

from .parser import MAX_FILE_BYTES, CellError
from .uploads import MAX_ZIP_BYTES, read_upload

PROG = "sitecensus forms check"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own messages are English; say it in Chinese
        if message.startswith("unrecognized arguments:"):
            raise _UsageError("无法识别的参数：" + message.split(":", 1)[1].strip())
        if "expected one argument" in message:
            raise _UsageError(f"选项 {message.split(':', 1)[0].replace('argument ', '')} 缺少取值")
        raise _UsageError(f"命令参数有误（{message}）")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [--unit-code 单位代码] 文件.xlsx [文件2.xlsx 或 压缩包.zip ...]",
        description="检查离线填报的《政府网站基本信息表》和《政府网站栏目（系统）基本信息表》，逐条列出错误。",
        add_help=False,
    )
    parser.add_argument("files", nargs="*", metavar="文件", help="要检查的 .xlsx 文件或 .zip 压缩包，可指定多个")
    parser.add_argument("--unit-code", dest="unit_code", metavar="单位代码", help="核对文件是否为该单位的填报模板（选填）")
    parser.add_argument("-h", "--help", action="store_true", help="显示本帮助并退出")
    return parser


def format_error(error: CellError) -> str:
    """``文件 / 工作表 / 行 / 列 / 说明`` on one line."""
    column = ""
    if error.column:
        column = f"{error.column} 列（{error.field}）" if error.field else f"{error.column} 列"
    elif error.field:
        column = error.field
    return " / ".join(
        [
            error.file or "-",
            error.sheet or "-",
            f"第 {error.row} 行" if error.row is not None else "-",
            column or "-",
            error.message,
        ]
    )


def _print(text: str, stream) -> None:
    try:
        print(text, file=stream)
    except UnicodeEncodeError:  # a console that cannot show some characters
        enc = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(enc, "replace").decode(enc), file=stream)


def check_main(argv: list[str]) -> int:
    out, err = sys.stdout, sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        _print(f"{PROG}：{exc}", err)
        _print(f"用法：{parser.usage}", err)
        return 2
    if args.help:
        _print(parser.format_help().replace("usage:", "用法：").replace("positional arguments:", "参数：")
               .replace("options:", "选项："), out)
        return 0
    if not args.files:
        _print(f"{PROG}：请至少指定一个要检查的 .xlsx 文件", err)
        _print(f"用法：{parser.usage}", err)
        return 2
    payloads = []
    for path in args.files:
        name = os.path.basename(path)
        if not os.path.isfile(path):
            _print(f"{PROG}：找不到文件“{path}”", err)
            return 2
        try:
            # Never read more than the limit: read_upload refuses what is over it.
            limit = MAX_ZIP_BYTES if name.lower().endswith(".zip") else MAX_FILE_BYTES
            with open(path, "rb") as fh:
                payloads.append((name, fh.read(limit + 1)))
        except OSError:
            _print(f"{PROG}：无法读取文件“{path}”", err)
            return 2

    total_errors = 0
    files = 0
    for name, data in payloads:
        result = read_upload(data, filename=name, expected_unit_code=args.unit_code)
        for notice in result.notices:
            _print(f"提示：{notice}", out)
        for wb in result:
            files += 1
            columns = wb.column_count
            for notice in wb.notices:
                _print(f"提示：文件 {wb.filename}：{notice}", out)
            if wb.unit_name:
                head = f"文件 {wb.filename}（{wb.unit_name}，模板版本 {wb.version_label}）：网站 {len(wb.sites)} 个，栏目（系统） {columns} 个"
            else:
                head = f"文件 {wb.filename}"
            if wb.ok:
                _print(f"{head}，检查通过", out)
                continue
            _print(f"{head}，发现 {len(wb.errors)} 处错误：", out)
            _print("文件 / 工作表 / 行 / 列 / 说明", out)
            for e in wb.errors:
                _print(format_error(e), out)
            total_errors += len(wb.errors)
    if total_errors:
        _print(f"共检查 {files} 个文件，发现 {total_errors} 处错误，请修改后重新检查。", out)
        return 1
    _print(f"共检查 {files} 个文件，全部通过，可以报送。", out)
    return 0


def main() -> int:  # pragma: no cover - console entry
    return check_main(sys.argv[1:])
