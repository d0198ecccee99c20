"""Form definitions as data, and the one validator shared by the workbook
parser and the web form.

The forms live in ``definitions/*.json`` (one file per form plus the choice
lists). ``load_forms()`` turns them into frozen dataclasses; ``validate_value``
converts one raw value (a cell read by openpyxl or a POSTed string) into a
clean Python value or a Chinese error message; ``check_rules`` applies the
cross-field rules of a form (the contacts rule) to a row of clean values.

No Django here: this module runs on a clerk's PC in ``sitecensus forms check``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from .identity import normalize_url, site_key, www_twin  # noqa: F401  (the one identity of a site)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
FORM_FILES = {"basic_info": "basic_info.json", "columns": "columns.json"}
DEFINITION_FILES = ("basic_info.json", "columns.json", "choices.json")
HISTORY_FILE = "versions.json"  # every version of the definitions: its layout, its digest, what changed
FIELD_TYPES = frozenset(
    {"text", "url", "urls", "email", "phone", "mobile", "ip", "icp", "psb", "choice", "yesno", "integer", "date"}
)
URL_SCHEMES = ("http://", "https://")
# A date field's JSON carries "min" and "max" (ISO dates); an integer's may carry "min"/"max".

# Values are echoed in messages; long ones are shortened.
_ECHO_MAX = 60


class UnknownVersionError(ValueError):
    """No form definitions exist for the requested version."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    code: str
    label: str
    type: str
    required: bool = False
    max_length: int | None = None
    choices: str | None = None  # name of a list in choices.json
    help: str = ""
    link: dict | None = None  # e.g. {"form": "basic_info", "field": "homepage_url"}
    prefill: str | None = None  # "unit_name": pre-filled in the workbook
    system: bool = False  # filled by the system (the site's identity), not by the clerk; not filed data
    workbook_only: bool = False  # only in the workbook (a life-change request's fields; online it has its own form)
    choice_values: tuple[str, ...] = ()  # the resolved choice list
    choice_aliases: tuple[tuple[str, str], ...] = ()  # retired option → its successor (older workbooks)
    min_value: int | _dt.date | None = None  # "min" in the definition: integer or date bound
    max_value: int | _dt.date | None = None  # "max"

    @property
    def is_multi(self) -> bool:
        return self.type in ("urls", "ip")


@dataclass(frozen=True, slots=True)
class FormSpec:
    form_id: str
    version: str
    title: str
    sheet: str
    description: str
    fields: tuple[FieldSpec, ...]
    rules: tuple[dict, ...] = ()
    site_rules: tuple[dict, ...] = ()  # rules on a whole site (its columns), e.g. min_columns
    _by_code: dict = field(default_factory=dict, repr=False, compare=False)

    def field(self, code: str) -> FieldSpec:
        return self._by_code[code]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.fields]


def _read_json(name: str) -> dict:
    with open(DEFINITIONS_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    """One version of the form definitions (``definitions/versions.json``): the header
    layout of its workbooks (field codes of both sheets, in order), the version its
    workbooks were stamped with (three early revisions all said 2015.1), the digest of
    its definitions and what changed."""

    version: str
    stamped: str
    basic_info: tuple[str, ...]
    columns: tuple[str, ...]
    digest: str
    date: str = ""
    note: str = ""


def definitions_digest(documents: dict[str, dict] | None = None) -> str:
    """SHA-256 of the form definitions (the three files, their "version" left out):
    any change to a field, rule or choice list changes it. ``documents``: file name →
    parsed JSON (default: the files on disk)."""
    documents = documents or {name: _read_json(name) for name in DEFINITION_FILES}
    canonical = {name: {k: v for k, v in documents[name].items() if k != "version"} for name in DEFINITION_FILES}
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def template_history() -> tuple[TemplateVersion, ...]:
    """Every version, oldest first; the last is the current one."""
    data = _read_json(HISTORY_FILE)
    return tuple(TemplateVersion(version=v["version"], stamped=v.get("stamped", v["version"]),
                                 basic_info=tuple(v["basic_info"]), columns=tuple(v["columns"]), digest=v["digest"],
                                 date=v.get("date", ""), note=v.get("note", ""))
                 for v in data["versions"])


CURRENT_VERSION = template_history()[-1].version


def template_version(version: str) -> TemplateVersion | None:
    return next((v for v in template_history() if v.version == version), None)


def layouts_stamped(stamp: str) -> list[TemplateVersion]:
    """The versions whose workbooks carry this stamp, newest first."""
    return [v for v in reversed(template_history()) if v.stamped == stamp]


@lru_cache(maxsize=None)
def load_choices(version: str | None = None) -> dict[str, tuple[str, ...]]:
    """Choice lists by name: {"site_class": ("省级政府门户", ...), ...}."""
    version = version or CURRENT_VERSION
    data = _read_json("choices.json")
    if data.get("version") != version:
        raise UnknownVersionError(version)
    return {name: tuple(spec["values"]) for name, spec in data["lists"].items()}


@lru_cache(maxsize=None)
def choice_aliases(version: str | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """Retired options still read from older workbooks, by list: {"site_class": (("省部级政府门户", "省级政府门户"),)}."""
    version = version or CURRENT_VERSION
    data = _read_json("choices.json")
    if data.get("version") != version:
        raise UnknownVersionError(version)
    return {name: tuple(spec.get("aliases", {}).items()) for name, spec in data["lists"].items()}


@lru_cache(maxsize=None)
def choice_labels(version: str | None = None) -> dict[str, str]:
    version = version or CURRENT_VERSION
    data = _read_json("choices.json")
    return {name: spec.get("label", name) for name, spec in data["lists"].items()}


def load_forms(version: str | None = None) -> dict[str, FormSpec]:
    """The forms of a version (default: the current one), keyed by form id:
    ``{"basic_info": FormSpec, "columns": FormSpec}``. Cached; do not mutate.
    Raises ``UnknownVersionError`` for a version with no definitions."""
    return _load_forms(version or CURRENT_VERSION)


@lru_cache(maxsize=None)
def _load_forms(version: str) -> dict[str, FormSpec]:
    choices = load_choices(version)
    aliases = choice_aliases(version)
    forms: dict[str, FormSpec] = {}
    for form_id, filename in FORM_FILES.items():
        data = _read_json(filename)
        if data.get("version") != version:
            raise UnknownVersionError(version)
        if data["form_id"] != form_id:
            raise ValueError(f"{filename}: form_id {data['form_id']!r} != {form_id!r}")
        fields = [_field_spec(filename, raw, choices, aliases) for raw in data["fields"]]
        by_code = {f.code: f for f in fields}
        if len(by_code) != len(fields):
            raise ValueError(f"{filename}: duplicate field codes")
        forms[form_id] = FormSpec(
            form_id=form_id,
            version=version,
            title=data["title"],
            sheet=data["sheet"],
            description=data.get("description", ""),
            fields=tuple(fields),
            rules=tuple(data.get("rules", ())),
            site_rules=tuple(data.get("site_rules", ())),
            _by_code=by_code,
        )
    return forms


def _field_spec(filename: str, raw: dict, choices: dict, aliases: dict) -> FieldSpec:
    """One field of a form definition (its JSON), with its choice list resolved."""
    if raw["type"] not in FIELD_TYPES:
        raise ValueError(f"{filename}: field {raw['code']}: unknown type {raw['type']!r}")
    list_name = raw.get("choices")
    if raw["type"] == "choice" and not list_name:
        raise ValueError(f"{filename}: field {raw['code']}: a choice field needs a list")
    bounds = _bounds(filename, raw)
    return FieldSpec(
        code=raw["code"],
        label=raw["label"],
        type=raw["type"],
        required=bool(raw.get("required", False)),
        max_length=raw.get("max_length"),
        choices=list_name,
        help=raw.get("help", ""),
        link=raw.get("link"),
        prefill=raw.get("prefill"),
        system=bool(raw.get("system", False)),
        workbook_only=bool(raw.get("workbook_only", False)),
        choice_values=choices[list_name] if list_name else (),
        choice_aliases=aliases.get(list_name, ()) if list_name else (),
        min_value=bounds[0],
        max_value=bounds[1],
    )


def build_form(data: dict, *, lists: dict[str, tuple[str, ...]], source: str = "form") -> FormSpec:
    """A form defined outside the census forms (another app's data file, e.g. the 政务新媒体 sheet)
    read by the same rules: its fields are validated by validate_value, its sheet written by
    workbook.add_form_sheet and read by parser.read_form_sheet. ``lists``: its choice lists by name."""
    fields = tuple(_field_spec(source, raw, lists, {}) for raw in data["fields"])
    by_code = {f.code: f for f in fields}
    if len(by_code) != len(fields):
        raise ValueError(f"{source}: duplicate field codes")
    return FormSpec(form_id=data["form_id"], version=str(data.get("version", "")), title=data["title"],
                    sheet=data["sheet"], description=data.get("description", ""), fields=fields,
                    rules=tuple(data.get("rules", ())), _by_code=by_code)


def _bounds(filename: str, raw: dict) -> tuple:
    low, high = raw.get("min"), raw.get("max")
    if raw["type"] == "date":
        if low is None or high is None:
            raise ValueError(f"{filename}: field {raw['code']}: a date field needs min and max")
        return _dt.date.fromisoformat(low), _dt.date.fromisoformat(high)
    if (low is not None or high is not None) and raw["type"] != "integer":
        raise ValueError(f"{filename}: field {raw['code']}: min/max apply to integer and date fields")
    return low, high


def integer_bounds(spec: FieldSpec) -> tuple[int, int]:
    """The range an integer field accepts: its min/max, else what max_length digits allow."""
    digits = spec.max_length or 15
    low = spec.min_value if spec.min_value is not None else -(10 ** (digits - 1) - 1)
    high = spec.max_value if spec.max_value is not None else 10 ** digits - 1
    return low, high


_TYPE_RULES = {
    "url": f"以 {' 或 '.join(URL_SCHEMES)} 开头",
    "urls": "网址或域名，多个用分号（；）分隔或换行",
    "email": "电子邮箱地址（含 @）",
    "phone": "写成“区号-号码”，如 0312-1234567",
    "mobile": "11 位手机号码",
    "ip": "IPv4 或 IPv6 地址，多个用分号（；）分隔",
    "icp": "如“冀ICP备05001234号”",
    "psb": "如“冀公网安备 13062302000123号”",
}


def rule_phrases(spec: FieldSpec) -> list[str]:
    """The field's rules in Chinese, from its definition. The offline workbook shows them as each
    cell's input message and error message (with the matching Excel data validation); validate_value
    enforces the same definition on import, so the two never disagree."""
    if spec.system:
        phrases = ["由系统填写，请勿修改"]
    else:
        phrases = ["必填" if spec.required else "选填"]
    if spec.type in ("choice", "yesno"):
        options = "、".join(spec.choice_values or ("是", "否"))
        phrases.append(f"从下拉列表中选择：{options}" if len(options) <= 40
                       else f"从下拉列表中选择（共 {len(spec.choice_values)} 项）")
    elif spec.type == "integer":
        low, high = integer_bounds(spec)
        phrases.append(f"{low} 至 {high} 之间的整数")
    elif spec.type == "date":
        phrases.append(f"{spec.min_value.isoformat()} 至 {spec.max_value.isoformat()} 之间的日期，如 "
                       f"{spec.min_value.isoformat()}")
    elif spec.type in _TYPE_RULES:
        phrases.append(_TYPE_RULES[spec.type])
    if spec.max_length and spec.type not in ("integer", "date", "choice", "yesno"):
        phrases.append(f"最多 {spec.max_length} 个字")
    return phrases


# --------------------------------------------------------------------------
# Value validation

_SPLIT_MULTI = re.compile(r"[;；\r\n]+")
_SPLIT_IP = re.compile(r"[;；,，、\s]+")
_HOST_LABEL = re.compile(r"^(?!-)[0-9a-z\u00a1-\uffff-]{1,63}(?<!-)$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_PHONE = re.compile(r"^(?:\((0\d{2,3})\)|(0\d{2,3}))[-\s]?(\d{7,8})(?:(?:-|转|\s*ext\.?\s*|\s+)(\d{1,6}))?$", re.I)
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
PROVINCES = _PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵云滇藏陕秦甘陇青宁新港澳台"
_ICP = re.compile(rf"^([{_PROVINCES}])ICP(备|证)(\d{{4,12}})号(?:-(\d{{1,4}}))?$")
_PSB = re.compile(rf"^([{_PROVINCES}])公网安备\s*(\d{{14}})号?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s")


def _echo(text: str) -> str:
    text = str(text)
    return text if len(text) <= _ECHO_MAX else text[: _ECHO_MAX - 1] + "…"


def _to_text(raw) -> str:
    """Any raw cell/POST value as stripped text (numbers without '.0')."""
    if raw is None:
        return ""
    if isinstance(raw, bool):  # Excel's TRUE/FALSE in a non-是/否 field
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, (list, tuple)):  # a stored clean value (several URLs or IPs)
        return "；".join(_to_text(item) for item in raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return str(raw)
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, _dt.datetime):
        if raw.time() == _dt.time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="seconds")
    if isinstance(raw, (_dt.date, _dt.time)):
        return raw.isoformat()
    return str(raw).replace("\r\n", "\n").strip()


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# Pure: the confirm (a job in the same process) checks again every URL its dry run checked.
@lru_cache(maxsize=65536)
def _check_url(text: str) -> tuple[str | None, str | None]:
    """(clean url, None) or (None, reason). Requires an http/https scheme."""
    candidate = _nfkc(text).strip()
    if _SPACE.search(candidate):  # str.isspace's characters (sre's Unicode \s)
        return None, ""
    try:
        parts = urlsplit(candidate)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None, ""
    scheme = parts.scheme.lower()
    if not scheme:
        return None, f"，应以 {' 或 '.join(URL_SCHEMES)} 开头"
    if scheme + "://" not in URL_SCHEMES or not candidate.lower().startswith(scheme + "://"):
        return None, ""
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or not host:
        return None, ""
    if port == 0:
        return None, ""
    if host.startswith("[") or ":" in host:
        try:
            ipaddress.IPv6Address(host.strip("[]"))
        except ValueError:
            return None, ""
    elif re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return None, ""
    else:
        labels = host.rstrip(".").split(".")
        if len(labels) < 2 or not all(_HOST_LABEL.match(lab) for lab in labels):
            if host != "localhost":
                return None, ""
        if len(labels) >= 2 and labels[-1].isdigit():
            return None, ""
    return candidate, None


def domain_key(text) -> str:
    """The identity of a homepage URL or of one of a site's other domains (identity.site_key):
    "lsx.gov.cn", "http://LSX.gov.cn/index.html" and "https://lsx.gov.cn" are one key."""
    return site_key(text)


def identity_keys(values: dict) -> dict[str, tuple[str, str]]:
    """One site, one code: every key a site is known by — its homepage URL and
    each of its other domains — as ``{key: (field code, value as filed)}``
    (the homepage first; a key listed twice counts once)."""
    keys: dict[str, tuple[str, str]] = {}
    homepage = values.get("homepage_url")
    others = values.get("other_domains") or []
    if isinstance(others, str):
        others = [part for part in _SPLIT_MULTI.split(others) if part.strip()]
    known = getattr(others, "domain_keys", None)  # keyed while cleaned (_v_urls)
    for n, (code, value) in enumerate([("homepage_url", homepage)] + [("other_domains", v) for v in others]):
        key = known[n - 1] if known is not None and n else domain_key(value)
        if key and key not in keys:
            keys[key] = (code, str(value).strip())
    return keys


def homepage_key(keys: dict) -> str:
    """The stored homepage form (``Website.url_key``, as normalize_url gives it) of a site's
    identity keys (identity_keys): no second pass through site_key."""
    key = next((k for k, (code, _value) in keys.items() if code == "homepage_url"), "")
    return f"http://{key}" if key else ""


def _required_message(spec: FieldSpec) -> str:
    return "必填项，不能为空"


def validate_value(spec: FieldSpec, raw, *, required: bool | None = None) -> tuple[object, str | None]:
    """Convert one raw value into a clean value, or return an error message.

    Returns ``(value, None)`` on success and ``(None, message)`` on failure.
    Clean values: ``None`` for an empty optional field; ``str`` for text, url,
    email, phone ("0312-1234567" or "010-12345678-8001"), mobile (11 digits),
    icp, psb ("冀公网安备 13062302000123号"), choice (the canonical option),
    date (ISO "2015-05-01", within the field's min/max);
    ``bool`` for yesno; ``list[str]`` for urls and ip; ``int`` for integer (within its bounds).
    A clean value is valid input too (a stored record is checked again on submission).
    ``required=False`` checks only the format (a draft: whatever is typed is saved).
    """
    required = spec.required if required is None else required
    text = _to_text(raw)
    if spec.type == "yesno" and isinstance(raw, bool):
        return raw, None
    if text == "":
        return (None, _required_message(spec)) if required else (None, None)
    if _CONTROL.search(text):
        return None, "含有不可见的控制字符，请删除后重新填写"
    if spec.max_length is not None and len(text) > spec.max_length:
        return None, f"内容过长：最多 {spec.max_length} 个字，当前 {len(text)} 个字"
    value, message = _CHECKERS[spec.type](spec, text)
    if message is None and value is None and required:  # only separators ("；；")
        return None, _required_message(spec)
    return value, message


def _v_text(spec, text):
    return text, None


def _v_url(spec, text):
    value, hint = _check_url(text)
    if value is None:
        return None, f"网址格式不正确：“{_echo(text)}”{hint}"
    return value, None


class Domains(list):
    """Other domains as cleaned, carrying the identity key of each (computed once, while
    cleaning): identity_keys takes them instead of computing them again."""

    domain_keys: list[str]


def _v_urls(spec, text):
    items, seen = Domains(), []
    for part in _SPLIT_MULTI.split(text):
        part = part.strip()
        if not part:
            continue
        # A bare domain ("lsx.gov.cn") is accepted as a domain and kept as written.
        probe = part if "://" in part else "http://" + part
        value, _ = _check_url(probe)
        if value is None:
            return None, f"网址或域名格式不正确：“{_echo(part)}”（多个请用分号“；”分隔或换行）"
        key = site_key(probe)
        if key not in seen:
            seen.append(key)
            items.append(_nfkc(part))
    items.domain_keys = seen
    return (items or None), None


def _v_email(spec, text):
    candidate = _nfkc(text).strip()
    if len(candidate) > 254 or not _EMAIL.match(candidate):
        return None, f"电子邮箱格式不正确：“{_echo(text)}”"
    return candidate, None


def _v_phone(spec, text):
    candidate = _nfkc(text).strip().replace("—", "-").replace("–", "-")
    candidate = re.sub(r"\s*-\s*", "-", candidate)
    m = _PHONE.match(candidate)
    if not m:
        return None, f"办公电话格式不正确：“{_echo(text)}”，应为“区号-号码”，如 0312-1234567"
    area = m.group(1) or m.group(2)
    value = f"{area}-{m.group(3)}"
    if m.group(4):
        value += f"-{m.group(4)}"
    return value, None


def _v_mobile(spec, text):
    candidate = re.sub(r"[\s-]", "", _nfkc(text))
    m = _MOBILE.match(candidate)
    if not m:
        return None, f"手机号码格式不正确：“{_echo(text)}”，应为 11 位手机号码"
    return m.group(1), None


def _v_ip(spec, text):
    items = []
    for part in _SPLIT_IP.split(_nfkc(text)):
        if not part:
            continue
        try:
            value = str(ipaddress.ip_address(part))
        except ValueError:
            return None, f"IP 地址格式不正确：“{_echo(part)}”（IPv4 或 IPv6，多个请用分号“；”分隔）"
        if value not in items:
            items.append(value)
    return (items or None), None


def _v_icp(spec, text):
    candidate = re.sub(r"\s+", "", _nfkc(text))
    candidate = re.sub(r"icp", "ICP", candidate, flags=re.I)
    m = _ICP.match(candidate)
    if not m:
        return None, f"ICP备案号格式不正确：“{_echo(text)}”，应如“冀ICP备05001234号”或“京ICP备05070218号-1”"
    return candidate, None


def _v_psb(spec, text):
    candidate = _nfkc(text).strip()
    m = _PSB.match(candidate)
    if not m:
        return None, f"公安机关备案号格式不正确：“{_echo(text)}”，应如“冀公网安备 13062302000123号”（14 位数字）"
    return f"{m.group(1)}公网安备 {m.group(2)}号", None


def _v_choice(spec, text):
    wanted = _nfkc(text).strip()
    for option in spec.choice_values:
        if wanted == _nfkc(option):
            return option, None
    for retired, successor in spec.choice_aliases:
        if wanted == _nfkc(retired):
            return successor, None
    return None, f"“{_echo(text)}”不是有效选项，请从下拉列表中选择：{'、'.join(spec.choice_values)}"


def _v_yesno(spec, text):
    if text in ("是", "否"):
        return text == "是", None
    return None, f"应填写“是”或“否”，不能填写“{_echo(text)}”"


def _v_integer(spec, text):
    candidate = _nfkc(text).strip()
    if not re.fullmatch(r"[+-]?\d+", candidate):
        return None, f"应填写整数，不能填写“{_echo(text)}”"
    low, high = integer_bounds(spec)
    if not low <= int(candidate) <= high:
        return None, f"应为 {low} 至 {high} 之间的整数，不能填写“{_echo(text)}”"
    return int(candidate), None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?")


def _v_date(spec, text):
    m = _DATE.fullmatch(_nfkc(text).strip())
    try:
        value = _dt.date(*map(int, m.groups())) if m else None
    except ValueError:
        value = None
    if value is None:
        return None, f"日期格式不正确：“{_echo(text)}”，应如 {spec.min_value.isoformat()}"
    if not spec.min_value <= value <= spec.max_value:
        return None, (f"日期应在 {spec.min_value.isoformat()} 至 {spec.max_value.isoformat()} 之间，"
                      f"不能为 {value.isoformat()}")
    return value.isoformat(), None


_CHECKERS = {
    "text": _v_text,
    "url": _v_url,
    "urls": _v_urls,
    "email": _v_email,
    "phone": _v_phone,
    "mobile": _v_mobile,
    "ip": _v_ip,
    "icp": _v_icp,
    "psb": _v_psb,
    "choice": _v_choice,
    "yesno": _v_yesno,
    "integer": _v_integer,
    "date": _v_date,
}


def _filled(value) -> bool:
    return value is not None and value != "" and value != []


def check_rules(form: FormSpec, values: dict, errored: frozenset | set = frozenset()) -> list[tuple[str, str]]:
    """Cross-field rules of a form on a row of clean values.

    Returns ``[(field_code, message), ...]``. Fields in ``errored`` already
    failed their own validation and count as filled (so one mistake is not
    reported twice)."""

    def filled(code):
        return code in errored or _filled(values.get(code))

    problems = []
    for rule in form.rules:
        kind = rule["type"]
        if kind == "require_any_if":
            if filled(rule["if_filled"]) and not any(filled(c) for c in rule["require_any"]):
                problems.append((rule.get("target", rule["require_any"][0]), rule["message"]))
        elif kind == "require_if_any":
            if not filled(rule["field"]) and any(filled(c) for c in rule["if_any_filled"]):
                problems.append((rule["field"], rule["message"]))
        elif kind == "require_if_value":
            if values.get(rule["if_field"]) in rule["in"] and not filled(rule["field"]):
                problems.append((rule["field"], rule["message"]))
        else:  # pragma: no cover - a definitions error
            raise ValueError(f"unknown rule type {kind!r}")
    return problems


def check_site_rules(form: FormSpec, *, column_count: int) -> list[tuple[str, str]]:
    """Rules on a whole site (``site_rules`` of the basic form), the same for the
    workbook check, the web check, the dry run, the commit and online submission.
    Returns ``[(field_code, message), ...]``."""
    problems = []
    for rule in form.site_rules:
        kind = rule["type"]
        if kind == "min_columns":
            if column_count < int(rule.get("min", 1)):
                problems.append((rule.get("target", "homepage_url"), rule["message"]))
        else:  # pragma: no cover - a definitions error
            raise ValueError(f"unknown site rule type {kind!r}")
    return problems


PARENT_MESSAGE = "上级栏目“{parent}”不是本网站已填写的另一个栏目，请填写本网站已有栏目的名称"


def orphan_parents(rows: list[tuple[object, str | None, str | None]]) -> list[tuple[object, str]]:
    """The parent-column rule on one site's columns, given as ``(key, name, parent)``:
    a parent must be the name of another column of the same site.
    Returns ``[(key, message), ...]``."""
    names: dict[str, list[object]] = {}
    for key, name, _parent in rows:
        if name:
            names.setdefault(name, []).append(key)
    return [(key, PARENT_MESSAGE.format(parent=parent)) for key, _name, parent in rows
            if parent and not any(other != key for other in names.get(parent, ()))]


def check_filed(forms: dict[str, FormSpec], basic: dict, columns: list[dict]) -> list[tuple[int | None, str, str]]:
    """The whole rule set on one filed record — every field (required, format),
    the cross-field rules, every column and the site rules — as the workbook parser
    and the online form apply them. ``basic`` and each column are keyed by field
    code and hold raw or clean values; a column's link to its site is implied.
    Returns ``[(column number or None, field code, message), ...]`` (columns from 1)."""
    basic_form, column_form = forms["basic_info"], forms["columns"]
    problems: list[tuple[int | None, str, str]] = []
    errored = set()
    for spec in basic_form.fields:
        if spec.system:
            continue
        _value, message = validate_value(spec, basic.get(spec.code))
        if message:
            problems.append((None, spec.code, message))
            errored.add(spec.code)
    problems += [(None, code, message) for code, message in check_rules(basic_form, basic, errored)]
    problems += [(None, code, message) for code, message in check_site_rules(basic_form, column_count=len(columns))]
    own = [spec for spec in column_form.fields if not (spec.link and spec.link.get("form") == "basic_info")]
    said: dict[tuple, str | None] = {}  # a site's columns repeat their class, period, 是/否: checked once each
    for number, column in enumerate(columns, start=1):
        for spec in own:
            raw = column.get(spec.code)
            key = (spec.code, type(raw), raw) if isinstance(raw, (str, bool, int, type(None))) else None
            if key is not None and key in said:
                message = said[key]
            else:
                _value, message = validate_value(spec, raw)
                if key is not None:
                    said[key] = message
            if message:
                problems.append((number, spec.code, message))
    problems += [(number, "parent_column", message) for number, message in orphan_parents(
        [(n, c.get("column_name"), c.get("parent_column")) for n, c in enumerate(columns, start=1)])]
    return problems


def version_key(version: str) -> tuple:
    """``"2015.1"`` → ``(2015, 1)``, for telling older templates from newer ones."""
    parts = []
    for part in str(version or "").split("."):
        parts.append(int(part) if part.isdigit() else -1)
    return tuple(parts)
