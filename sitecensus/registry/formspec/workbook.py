"""The offline Excel workbook a reporting unit fills in.

Layout (every data sheet):

* row 1 — Chinese labels, required ones prefixed with ``*``, bold, locked,
  the field's help text as a cell comment;
* row 2 — the field codes, hidden and locked; the parser maps columns by them;
* row 3 on — data. Data columns carry an unlocked, text-formatted column style,
  so every empty cell a clerk types into is editable.

Sheet protection is on **without a password**: it only prevents accidental
edits of the header rows; anyone may lift it. Integrity is not guarded by the
protection but by the checksum in the ``_meta`` sheet (SHA-256 over version,
unit code and both sheets' field-code rows, see ``header_checksum``), which the
parser verifies. The workbook structure is locked too (no password), so the
hidden ``选项`` sheet cannot be unhidden or sheets renamed by accident.

No Django here.
"""

from __future__ import annotations

import datetime as _dt
from copy import copy
import hashlib
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from .spec import (
    CURRENT_VERSION,
    PROVINCES,
    URL_SCHEMES,
    FieldSpec,
    FormSpec,
    choice_labels,
    integer_bounds,
    load_choices,
    load_forms,
    rule_phrases,
)

INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
META_SHEET = "_meta"
LABEL_ROW = 1
CODE_ROW = 2
FIRST_DATA_ROW = 3
# Rows that get drop-downs (and the pre-filled 主管单位) in a blank workbook.
SITE_ENTRY_ROWS = 500
COLUMN_ENTRY_ROWS = 5000

_LOCKED = Protection(locked=True)
_UNLOCKED = Protection(locked=False)
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="9BC2E6")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_WIDTH_BY_TYPE = {
    "url": 36,
    "urls": 36,
    "ip": 22,
    "email": 26,
    "phone": 18,
    "mobile": 15,
    "icp": 24,
    "psb": 28,
    "yesno": 10,
    "integer": 10,
}


def header_checksum(version: str, unit_code: str, basic_codes: list[str], column_codes: list[str]) -> str:
    """SHA-256 stamped in ``_meta`` and re-computed by the parser."""
    text = "\n".join([version, unit_code, ",".join(basic_codes), ",".join(column_codes)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _column_width(field) -> float:
    if field.type in _WIDTH_BY_TYPE:
        width = _WIDTH_BY_TYPE[field.type]
    elif field.type == "choice":
        width = max(12, max(len(v) for v in field.choice_values) * 2 + 4)
    elif field.max_length and field.max_length >= 200:
        width = 40
    else:
        width = 24
    return max(width, len(field.label) * 2 + 4)


def _cell_text(field, value):
    """A Python value as the clerk would type it."""
    if value is None:
        return None
    if field.type == "yesno" and isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value) or None
    return value


def _put(ws, row: int, col: int, value) -> None:
    """Write a data value as a literal: never a formula, no illegal characters;
    the cell keeps its column's style (unlocked, text format)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    cell._style = copy(ws.column_dimensions[get_column_letter(col)]._style)


def _instructions(forms: dict[str, FormSpec], unit_code: str, unit_name: str, version: str) -> list[str]:
    basic, cols = forms["basic_info"], forms["columns"]
    return [
        f"第一次全国政府网站普查 · 离线填报模板（版本 {version}）",
        f"填报单位：{unit_name}（代码 {unit_code}）",
        "",
        "一、表格说明",
        f"1. “{basic.sheet}”即《{basic.title}》：本单位主管的每个政府网站填写一行。",
        f"2. “{cols.sheet}”即《{cols.title}》：每个网站的每个栏目或在线系统填写一行；"
        "同一网站的首页栏目填在前面，其他栏目和系统填在后面。",
        f"3. “{cols.sheet}”中的“所属网站首页网址”须与“{basic.sheet}”中该网站的“首页网址”一致。",
        "4. “上级栏目”选填，须是同一网站已填写的另一个栏目的名称。",
        "",
        "二、填写要求",
        "1. 标有 * 的列为必填项；把鼠标移到表头单元格上可查看该列的填写说明（批注）。"
        "选中要填写的单元格会提示该列的要求（长度、格式、范围），输入不符合要求时 Excel 会当即提示并拒绝。",
        "2. 带下拉箭头的列请从下拉列表中选择，不要自行输入其他内容。",
        "3. 首页网址、栏目网址须以 http:// 或 https:// 开头；“其他域名”可只写域名；"
        "多个域名或 IP 地址用分号（；）分隔或换行。",
        "4. 办公电话写成“区号-号码”，如 0312-1234567；手机为 11 位号码。",
        "5. 请直接填写内容，不要使用公式（本系统不计算公式，含公式的单元格会被判为错误）。",
        "6. “主管单位”已预先填为本单位名称，可按实际修改；只填了主管单位的空行不计入。",
        "",
        "三、检查与报送",
        "1. 填好后先检查：用本单位的账号登录全国政府网站信息报送系统，在首页点击“在线检查”"
        "（即“检查填报文件”页面），上传本文件（只检查，不导入，不保存任何数据）。",
        "   系统按与导入相同的规则逐条列出错误所在的文件、工作表、行、列和说明；全部通过后再报送。",
        "2. 将检查通过的文件交回组织单位，由组织单位上传（可多个文件或打包为 ZIP 一次上传）。",
        "",
        "四、注意事项",
        "1. 请勿修改表格结构：不要增删、移动、重命名工作表或列，不要修改表头（前两行）。",
        "   表头受工作表保护（无密码），模板内含校验信息，结构被修改的文件将无法导入。",
        "2. 每个填报单位请使用组织单位为本单位下载的模板，不要使用其他单位的模板。",
        "3. 模板有版本号，过期的模板无法导入，请使用最新下载的模板。",
    ]


def _write_header(ws, form: FormSpec) -> None:
    for col, field in enumerate(form.fields, start=1):
        label = ws.cell(row=LABEL_ROW, column=col, value=("*" if field.required else "") + field.label)
        label.font = _REQUIRED_FONT if field.required else _HEADER_FONT
        label.fill = _HEADER_FILL
        label.alignment = _HEADER_ALIGN
        label.border = _HEADER_BORDER
        label.protection = _LOCKED
        if field.help:
            comment = Comment(field.help, "sitecensus")
            comment.width, comment.height = 300, 120
            label.comment = comment
        code = ws.cell(row=CODE_ROW, column=col, value=field.code)
        code.protection = _LOCKED
        letter = get_column_letter(col)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(field)
        dim.protection = _UNLOCKED
        dim.number_format = {"integer": "General", "date": "yyyy-mm-dd"}.get(field.type, "@")
    ws.row_dimensions[LABEL_ROW].height = 32
    ws.row_dimensions[CODE_ROW].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1).coordinate
    ws.protection.sheet = True
    # Allowed while protected: selecting cells, resizing columns.
    ws.protection.formatColumns = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _excel_date(value: _dt.date) -> str:
    return f"DATE({value.year},{value.month},{value.day})"


# Excel limits a validation formula to 255 characters: these say the format as far as a short
# formula can; validate_value checks it exactly on import (an extension such as 转801, or +86
# before a mobile number, is accepted there and only warned about here).
def _strip(cell: str, *separators: str) -> str:
    for sep in separators:
        cell = f'SUBSTITUTE({cell},"{sep}","")'
    return cell


def _phone_formula(cell: str, limit) -> str:
    digits = _strip(cell, "-", " ", "(", ")")
    return f'AND(LEN({cell})<={limit or 30},OR(LEFT({cell})="0",LEFT({cell},2)="(0"),LEN({digits})>=10,ISNUMBER(-{digits}))'


def _mobile_formula(cell: str, limit) -> str:
    digits = _strip(cell, "-", " ")
    return f'AND(LEN({digits})=11,LEFT({digits})="1",ISNUMBER(-{digits}),ISERROR(FIND(".",{cell})))'


def _icp_formula(cell: str, limit) -> str:
    return (f'AND(LEN({cell})<={limit or 50},ISNUMBER(FIND(LEFT({cell}),"{PROVINCES}")),UPPER(MID({cell},2,3))="ICP",'
            f'OR(MID({cell},5,1)="备",MID({cell},5,1)="证"),ISNUMBER(-MID({cell},6,4)),RIGHT({cell})<>"备",'
            f'ISNUMBER(FIND("号",{cell})))')


def _ip_formula(cell: str, limit) -> str:
    return (f'AND(LEN({cell})<={limit or 500},OR(ISNUMBER(FIND(".",{cell})),ISNUMBER(FIND(":",{cell}))),'
            f'ISERROR(FIND("/",{cell})),ISERROR(FIND("@",{cell})))')


# type → (formula, error style): "stop" where the formula is as strict as the import, "warning" where
# the import accepts forms the formula cannot tell (the clerk may go on; the import decides).
_FORMAT_FORMULAS = {"phone": (_phone_formula, "warning"), "mobile": (_mobile_formula, "warning"),
                    "icp": (_icp_formula, "stop"), "ip": (_ip_formula, "stop")}


def field_validation(field: FieldSpec, first_cell: str, option_range: str | None = None) -> DataValidation:
    """The Excel data validation of one column, from the field's definition: a drop-down list, a text
    length, a whole number or a date within the definition's range, or a formula (URLs start with
    http:// or https://), with an input message (提示) and an error message in Chinese that name the
    field and its rules (spec.rule_phrases, the rules validate_value applies on import)."""
    limit = field.max_length
    if field.type in ("choice", "yesno"):
        dv = DataValidation(type="list", formula1=option_range)
        dv.showDropDown = False  # (sic: False shows the in-cell arrow)
    elif field.type == "integer":
        low, high = integer_bounds(field)
        dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high))
    elif field.type == "date":
        dv = DataValidation(type="date", operator="between", formula1=_excel_date(field.min_value),
                            formula2=_excel_date(field.max_value))
    elif field.type == "url":
        cell = f"LOWER(TRIM({first_cell}))"
        starts = ",".join(f'LEFT({cell},{len(s)})="{s}"' for s in URL_SCHEMES)
        length = f"LEN({first_cell})<={limit}," if limit else ""
        dv = DataValidation(type="custom", formula1=f"AND({length}OR({starts}))")
    elif field.type == "email":
        length = f"LEN({first_cell})<={limit}," if limit else ""
        dv = DataValidation(type="custom", formula1=f'AND({length}ISNUMBER(FIND("@",{first_cell})))')
    elif field.type in _FORMAT_FORMULAS:
        # The format as far as an Excel formula can say it (validate_value checks it exactly on import).
        formula, style = _FORMAT_FORMULAS[field.type]
        dv = DataValidation(type="custom", formula1=formula(first_cell, limit))
    elif limit:
        dv = (DataValidation(type="textLength", operator="between", formula1="1", formula2=str(limit))
              if field.required else
              DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit)))
    else:
        dv = DataValidation()  # no limit Excel can check: the input message still says the rules
    rules = "；".join(rule_phrases(field))
    dv.allow_blank = not field.required
    dv.showErrorMessage = True
    dv.errorStyle = _FORMAT_FORMULAS[field.type][1] if field.type in _FORMAT_FORMULAS else "stop"
    dv.errorTitle = f"“{field.label}”输入无效"[:32]
    dv.error = f"“{field.label}”填写不符合要求。要求：{rules}。"[:255]
    dv.showInputMessage = True
    dv.promptTitle = (f"{field.label}（必填）" if field.required else field.label)[:32]
    dv.prompt = (f"{rules}。{field.help}" if field.help else f"{rules}。")[:255]
    return dv


def _add_validations(ws, form: FormSpec, option_ranges: dict[str, str], last_row: int) -> None:
    for col, field in enumerate(form.fields, start=1):
        letter = get_column_letter(col)
        list_name = field.choices or ("yes_no" if field.type == "yesno" else None)
        dv = field_validation(field, f"{letter}{FIRST_DATA_ROW}", option_ranges.get(list_name))
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        ws.add_data_validation(dv)


def _write_options(wb, version: str, narrowed: dict | None = None) -> dict[str, str]:
    ws = wb.create_sheet(OPTIONS_SHEET)
    labels = choice_labels(version)
    ranges = {}
    lists = {**load_choices(version), **{k: tuple(v) for k, v in (narrowed or {}).items() if v}}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=labels.get(name, name)).font = _HEADER_FONT
        for i, value in enumerate(values, start=2):
            ws.cell(row=i, column=col, value=value)
        ws.column_dimensions[letter].width = 18
        ranges[name] = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return ranges


def add_form_sheet(wb, form: FormSpec, *, rows: list[dict] | None = None, unit_name: str = "",
                   entry_rows: int = SITE_ENTRY_ROWS) -> None:
    """Add another form's data sheet (e.g. 政务新媒体) to a workbook, laid out and validated as the census
    sheets are: labels and hidden codes, each column's data validation from its field definition, its
    drop-down options on a hidden sheet of its own (``<sheet>选项``), pre-filled values where the field
    says ``prefill: unit_name``. ``rows``: dicts of field codes → values to pre-fill."""
    ws = wb.create_sheet(form.sheet)
    _write_header(ws, form)
    row = FIRST_DATA_ROW
    for values in rows or ():
        for col, field in enumerate(form.fields, start=1):
            value = _cell_text(field, values.get(field.code))
            if value is not None:
                _put(ws, row, col, value)
        row += 1
    last_row = max(FIRST_DATA_ROW + entry_rows - 1, row - 1)
    for r in range(row, FIRST_DATA_ROW + entry_rows):
        for col, field in enumerate(form.fields, start=1):
            if field.prefill == "unit_name" and unit_name:
                _put(ws, r, col, unit_name)
    options = wb.create_sheet(f"{form.sheet}{OPTIONS_SHEET}")
    lists = {f.choices: f.choice_values for f in form.fields if f.choices}
    if any(f.type == "yesno" for f in form.fields):
        lists["yes_no"] = ("是", "否")
    ranges = {}
    for col, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        options.cell(row=1, column=col, value=name).font = _HEADER_FONT
        for i, value in enumerate(values, start=2):
            options.cell(row=i, column=col, value=value)
        ranges[name] = f"'{options.title}'!${letter}$2:${letter}${len(values) + 1}"
    options.sheet_state = "hidden"
    options.protection.sheet = True
    _add_validations(ws, form, ranges, last_row)


def build_workbook(
    *,
    unit_code: str,
    unit_name: str,
    sites: list[dict] | None = None,
    version: str | None = None,
    narrowed: dict[str, tuple[str, ...]] | None = None,
) -> bytes:
    """The .xlsx bytes of a reporting unit's offline workbook.

    ``sites``: optional current data to pre-fill, each a dict of basic-info
    field codes → values (str, or bool for 是/否, or a list for several URLs/IPs)
    plus ``"columns"``: a list of dicts of column field codes → values
    (``site_url`` defaults to the site's ``homepage_url``). Empty rows up to the
    entry limit get ``competent_unit`` pre-filled with ``unit_name``. ``narrowed``: choice lists
    offered in this unit's drop-downs (e.g. the site classes that fit the unit's tier).
    """
    version = version or CURRENT_VERSION
    forms = load_forms(version)
    basic, cols = forms["basic_info"], forms["columns"]
    sites = sites or []

    wb = Workbook()
    intro = wb.active
    intro.title = INSTRUCTIONS_SHEET
    for i, line in enumerate(_instructions(forms, unit_code, unit_name, version), start=1):
        cell = intro.cell(row=i, column=1, value=line)
        if i == 1:
            cell.font = Font(bold=True, size=14)
        elif line[:2] in ("一、", "二、", "三、", "四、"):
            cell.font = _HEADER_FONT
    intro.column_dimensions["A"].width = 110
    intro.protection.sheet = True

    ws_basic = wb.create_sheet(basic.sheet)
    ws_cols = wb.create_sheet(cols.sheet)
    _write_header(ws_basic, basic)
    _write_header(ws_cols, cols)

    # Site rows.
    prefill_cols = [(i, f) for i, f in enumerate(basic.fields, start=1) if f.prefill == "unit_name"]
    row = FIRST_DATA_ROW
    for site in sites:
        for col, field in enumerate(basic.fields, start=1):
            value = site.get(field.code)
            if value is None and field.prefill == "unit_name":
                value = unit_name
            value = _cell_text(field, value)
            if value is not None:
                _put(ws_basic, row, col, value)
        row += 1
    last_site_row = max(FIRST_DATA_ROW + SITE_ENTRY_ROWS - 1, row - 1)
    for r in range(row, FIRST_DATA_ROW + SITE_ENTRY_ROWS):
        for col, _field in prefill_cols:
            _put(ws_basic, r, col, unit_name)

    # Column rows, grouped by site in the order given.
    row = FIRST_DATA_ROW
    for site in sites:
        for column in site.get("columns") or ():
            for col, field in enumerate(cols.fields, start=1):
                value = column.get(field.code)
                if value is None and field.code == "site_url":
                    value = site.get("homepage_url")
                value = _cell_text(field, value)
                if value is not None:
                    _put(ws_cols, row, col, value)
            row += 1
    last_column_row = max(FIRST_DATA_ROW + COLUMN_ENTRY_ROWS - 1, row - 1)

    option_ranges = _write_options(wb, version, narrowed)
    _add_validations(ws_basic, basic, option_ranges, last_site_row)
    _add_validations(ws_cols, cols, option_ranges, last_column_row)

    meta = wb.create_sheet(META_SHEET)
    stamp = [
        ("generator", "sitecensus"),
        ("form_ids", f"{basic.form_id},{cols.form_id}"),
        ("version", version),
        ("unit_code", unit_code),
        ("unit_name", unit_name),
        ("generated_at", _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")),
        ("checksum", header_checksum(version, unit_code, basic.codes, cols.codes)),
    ]
    for r, (key, value) in enumerate(stamp, start=1):
        meta.cell(row=r, column=1, value=key)
        meta.cell(row=r, column=2, value=value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True

    wb.active = 1  # open on 基本信息表
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is ws_basic
    wb.security = WorkbookProtection(lockStructure=True)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
