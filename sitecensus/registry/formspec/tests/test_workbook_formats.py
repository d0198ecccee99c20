"""Phone, mobile, ICP 备案号 and IP are validated by format in the workbook (an Excel data
validation made from the field's type) and on import (validate_value) alike. The Excel
formulas are evaluated here by the ``formulas`` package against the same values the import
judges: what the import accepts is never stopped by Excel; the usual mistakes are caught."""

from __future__ import annotations

import io

import formulas
import pytest
from openpyxl import load_workbook

from sitecensus.registry.formspec.spec import load_forms, validate_value
from sitecensus.registry.formspec.workbook import _FORMAT_FORMULAS, build_workbook

from .helpers import UNIT_CODE, UNIT_NAME

VALID = {
    "phone": ["0312-4512345", "010-12345678", "(0312)4512345", "0312 4512345", "010-12345678-8001"],
    "mobile": ["13812345678", "138-1234-5678", "138 1234 5678", "19912345678"],
    "icp": ["冀ICP备05001234号", "京ICP备05070218号-1", "京ICP证050702号", "冀icp备05001234号"],
    "ip": ["10.1.2.3", "10.1.2.3；2001:db8::1", "2001:db8::1", "192.168.0.1;10.0.0.1"],
}
INVALID = {
    "phone": ["4512345", "12345678", "0312-451", "电话0312-4512345", "abc-defghij"],
    "mobile": ["1381234567", "23812345678", "138123456789", "1381234567a", "0312-4512345"],
    "icp": ["ICP备05001234号", "冀ICP05001234号", "冀ICP备号", "X ICP备05001234号", "05001234"],
    "ip": ["localhost", "http://10.1.2.3", "10.1.2.3/24", "admin@10.1.2.3", "无"],
}
# Forms the import accepts that a short Excel formula cannot tell (a warning, not a stop, in Excel).
WARNED_ONLY = {"mobile": ["+8613812345678"], "phone": ["0312-4512345转801"]}


def evaluate(kind: str, value: str) -> bool:
    formula, _style = _FORMAT_FORMULAS[kind]
    compiled = formulas.Parser().ast("=" + formula("A1", 500))[1].compile()
    return bool(compiled(value))


def _spec(kind):
    code = {"phone": "principal_phone", "mobile": "principal_mobile", "icp": "icp_number", "ip": "ip_address"}[kind]
    return load_forms()["basic_info"].field(code)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_excel_and_the_import_agree_on_the_format(kind):
    spec = _spec(kind)
    for value in VALID[kind]:
        assert validate_value(spec, value)[1] is None, value
        assert evaluate(kind, value), f"Excel would stop a value the import accepts: {value}"
    for value in INVALID[kind]:
        assert validate_value(spec, value)[1] is not None, value
        assert not evaluate(kind, value), f"Excel would let a wrong value through: {value}"
    for value in WARNED_ONLY.get(kind, ()):
        assert validate_value(spec, value)[1] is None
        assert _FORMAT_FORMULAS[kind][1] == "warning"


def test_the_workbook_carries_the_format_validations():
    book = load_workbook(io.BytesIO(build_workbook(unit_code=UNIT_CODE, unit_name=UNIT_NAME)))
    ws = book["基本信息表"]
    codes = {c.value: c.column_letter for c in ws[2] if c.value}
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            by_column[rng.split(":")[0].rstrip("0123456789")] = dv
    for code, kind in (("principal_phone", "phone"), ("contact1_mobile", "mobile"), ("icp_number", "icp"),
                       ("ip_address", "ip")):
        dv = by_column[codes[code]]
        assert dv.type == "custom" and len(dv.formula1) <= 255, (code, dv.formula1)
        assert dv.errorStyle == _FORMAT_FORMULAS[kind][1]
        assert dv.formula1 == _FORMAT_FORMULAS[kind][0](f"{codes[code]}3", _spec(kind).max_length)
