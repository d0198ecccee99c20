"""Writes to divisions and the unit tree: each one transaction, one audit event,
a typed error on refusal."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sitecensus.audit.services import record
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState

from .models import NATIONAL_OFFICE_CODE, Division, Unit, VerticalSystem
from .selectors import division_by_code

from . import policy
from .signals import unit_closed

DIVISIONS_DIR = Path(__file__).resolve().parent / "data" / "divisions"
BM_CODE = re.compile(r"^bm\d{4}$")
K = Unit.Kind

# What may be created directly below each kind of organizing unit.
CHILD_KINDS = {
    K.NATIONAL_OFFICE: {K.PROVINCIAL_OFFICE, K.MINISTRY_OFFICE},
    K.PROVINCIAL_OFFICE: {K.CITY_OFFICE, K.COUNTY_OFFICE, K.GOVERNMENT, K.DEPARTMENT, K.INSTITUTION},
    K.CITY_OFFICE: {K.COUNTY_OFFICE, K.GOVERNMENT, K.DEPARTMENT, K.INSTITUTION},
    K.COUNTY_OFFICE: {K.GOVERNMENT, K.DEPARTMENT, K.INSTITUTION},
    K.MINISTRY_OFFICE: {K.VERTICAL_BRANCH, K.INTERNAL_BODY, K.INSTITUTION},
    K.VERTICAL_BRANCH: {K.VERTICAL_BRANCH, K.VERTICAL_UNIT, K.INSTITUTION, K.INTERNAL_BODY},
}
OFFICE_LEVEL = {K.PROVINCIAL_OFFICE: Unit.Level.PROVINCE, K.CITY_OFFICE: Unit.Level.CITY,
                K.COUNTY_OFFICE: Unit.Level.COUNTY}
OFFICE_DIVISION_LEVEL = {K.PROVINCIAL_OFFICE: Division.Level.PROVINCE,
                         K.CITY_OFFICE: Division.Level.CITY,
                         K.COUNTY_OFFICE: Division.Level.COUNTY}


# ---------------------------------------------------------------- divisions

@dataclass
class DivisionLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_division_rows(directory: Path):
    """Rows (code, name, level, parent_code, province_code) in level order."""
    specs = [("provinces.csv", Division.Level.PROVINCE, None),
             ("cities.csv", Division.Level.CITY, "provinceCode"),
             ("areas.csv", Division.Level.COUNTY, "cityCode"),
             ("streets.csv", Division.Level.TOWNSHIP, "areaCode")]
    for filename, level, parent_col in specs:
        path = directory / filename
        if not path.exists():
            raise InvalidInput(f"行政区划文件缺失：{filename}", file=filename)
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
                if not code.isdigit() or not name:
                    raise InvalidInput(f"{filename} 第 {lineno} 行：区划代码或名称无效", file=filename,
                                       row=lineno)
                yield level, code, name, (row[parent_col].strip() if parent_col else None), code[:2]


@transaction.atomic
def load_divisions(*, directory: Path = DIVISIONS_DIR, actor=None) -> DivisionLoadResult:
    """Load the national division data. Idempotent: a second run changes nothing."""
    result = DivisionLoadResult()
    existing = {d.code: d for d in Division.objects.all()}
    by_level: dict[int, list] = {}
    for row in _read_division_rows(directory):
        by_level.setdefault(row[0], []).append(row)
    for level in sorted(by_level):
        ids = dict(Division.objects.filter(level__lt=level).values_list("code", "id")) if level > 1 else {}
        to_create, to_update = [], []
        for _, code, name, parent_code, province in by_level[level]:
            parent_id = ids.get(parent_code) if parent_code else None
            if parent_code and parent_id is None:
                raise InvalidInput(f"区划 {code} 的上级 {parent_code} 不存在")
            current = existing.get(code)
            if current is None:
                to_create.append(Division(code=code, name=name, level=level, parent_id=parent_id,
                                          province_code=province))
            elif (current.name, current.level, current.parent_id) != (name, level, parent_id):
                current.name, current.level, current.parent_id = name, level, parent_id
                to_update.append(current)
            else:
                result.unchanged += 1
        Division.objects.bulk_create(to_create, batch_size=2000)
        Division.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=2000)
        result.created += len(to_create)
        result.updated += len(to_update)
    if result.changed:
        record("divisions_loaded", actor=actor, created=result.created, updated=result.updated)
    return result


# ---------------------------------------------------------------- units

def next_bm_code() -> str:
    """The next free `bm` + 4-digit organizing-unit code."""
    top = Unit.objects.filter(org_code__startswith="bm").aggregate(m=Max("org_code"))["m"]
    number = int(top[2:]) + 1 if top else 101
    if number > 9999:
        raise InvalidState("bm 组织单位代码已用尽")
    return f"bm{number:04d}"


@transaction.atomic
def create_national_office(*, name: str = "国务院办公厅") -> Unit:
    """The root of the tree (once)."""
    root = Unit.objects.get_root_nodes().first()
    if root is not None:
        return root
    return Unit.objects.add_root(dict(name=name, kind=K.NATIONAL_OFFICE, level=Unit.Level.NATIONAL,
                                      is_organizer=True, org_code=NATIONAL_OFFICE_CODE))


def _resolve_division(kind, parent: Unit, division_code: str | None) -> Division | None:
    if not division_code:
        if kind in OFFICE_LEVEL or kind == K.GOVERNMENT:
            raise InvalidInput("请填写行政区划代码", field="division_code")
        return parent.division
    division = division_by_code(division_code)
    if division is None:
        raise InvalidInput(f"行政区划代码“{division_code}”不存在", field="division_code")
    if kind in OFFICE_DIVISION_LEVEL:
        wanted = OFFICE_DIVISION_LEVEL[kind]
        if division.level != wanted:
            raise InvalidInput(f"{K(kind).label}应对应{Division.Level(wanted).label}行政区划，"
                               f"“{division.name}”是{division.get_level_display()}",
                               field="division_code")
    if parent.division is not None and not division.code.startswith(parent.division.code):
        raise InvalidInput(f"行政区划“{division.name}”不在上级单位“{parent.name}”的区域内",
                           field="division_code")
    return division


def _level_for(kind, parent: Unit, division: Division | None) -> int:
    if kind in OFFICE_LEVEL:
        return OFFICE_LEVEL[kind]
    if kind == K.MINISTRY_OFFICE:
        return Unit.Level.NATIONAL
    if kind == K.GOVERNMENT and division is not None:
        return min(division.level, Unit.Level.TOWNSHIP)
    if kind in (K.VERTICAL_BRANCH, K.VERTICAL_UNIT) and division is not None:
        return division.level
    if kind in (K.VERTICAL_BRANCH, K.VERTICAL_UNIT):
        return min(parent.level + 1, Unit.Level.TOWNSHIP)
    return parent.level  # departments, 参公 units and internal bodies sit at their office's level


def _org_code_for(kind, division: Division | None, org_code: str | None) -> str | None:
    if kind not in Unit.ORGANIZER_KINDS:
        if org_code:
            raise InvalidInput("填报单位不设组织单位代码", field="org_code")
        return None
    if kind in Unit.LOCAL_OFFICE_KINDS:
        code = division.code6
        if org_code and org_code != code:
            raise InvalidInput(f"地方组织单位的代码应为其行政区划代码 {code}", field="org_code")
        return code
    org_code = (org_code or "").strip().lower()
    if org_code and not BM_CODE.match(org_code):
        raise InvalidInput("组织单位代码应为 bm 加 4 位数字，如 bm0203", field="org_code")
    return org_code or next_bm_code()


def _system_for(kind, parent: Unit) -> VerticalSystem | None:
    if parent.system_id:
        return parent.system
    if kind == K.VERTICAL_BRANCH:
        system = VerticalSystem.objects.filter(department=parent).first()
        if system is None:
            raise InvalidInput(f"“{parent.name}”没有登记垂直管理系统，不能设立垂直管理部门", field="kind")
        return system
    return None


def _check_follows_tree(kind, parent: Unit, division: Division | None) -> None:
    """Unit creation follows the tree: a people's government sits at its
    office's own division or one level below (a province creates cities, not
    townships: those belong to their county), and one division has one."""
    if kind != K.GOVERNMENT or division is None or parent.division is None:
        return
    if division.level > parent.division.level + 1:
        raise InvalidInput(f"“{division.name}”是{division.get_level_display()}行政区划，应由其所在的"
                           f"{Division.Level(division.level - 1).label}组织单位设立，"
                           f"“{parent.name}”不能越级设立", field="division_code")
    holder = Unit.objects.filter(kind=K.GOVERNMENT, division=division, closed_at__isnull=True).first()
    if holder is not None:
        above = Unit.objects.filter(path=holder.path[: holder.steplen * (holder.depth - 1)]).first()
        raise Duplicate(f"行政区划“{division.name}”已有单位“{holder.name}”"
                        f"（上级：{above.name if above else '—'}），不能重复设立", field="division_code")


@transaction.atomic
def clean_unit_name(name) -> str:
    """A unit name on one line: control characters (CR, LF, tab …) and line or paragraph
    separators are refused — they forge lines in exports, mails and the audit log."""
    import unicodedata

    name = str(name or "").strip()
    if not name:
        raise InvalidInput("请填写单位名称", field="name")
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise InvalidInput(f"单位名称不能包含换行、回车或其他控制字符（U+{ord(bad):04X}）", field="name")
    if len(name) > 200:
        raise InvalidInput("单位名称不能超过 200 字", field="name")
    return name


def create_unit(*, actor, parent: Unit, name: str, kind: str, division_code: str | None = None,
                org_code: str | None = None, vertical_system_name: str | None = None,
                request=None) -> Unit:
    """Create a unit directly below the actor's own organizing unit."""
    parent = Unit.objects.select_for_update().get(pk=parent.pk)  # serialize siblings' paths
    policy.check_manage_children(actor, parent)
    name = clean_unit_name(name)
    allowed = CHILD_KINDS.get(parent.kind, set())
    if kind not in allowed:
        label = dict(K.choices).get(kind, kind)
        raise InvalidInput(f"“{parent.get_kind_display()}”下不能设立“{label}”", field="kind")
    if parent.system_id and kind not in (K.VERTICAL_BRANCH, K.VERTICAL_UNIT, K.INSTITUTION, K.INTERNAL_BODY):
        raise InvalidInput("垂直管理系统内只能设立本系统的单位", field="kind")
    division = _resolve_division(kind, parent, division_code)
    _check_follows_tree(kind, parent, division)
    code = _org_code_for(kind, division, org_code)
    if code and Unit.objects.filter(org_code=code).exists():
        holder = Unit.objects.get(org_code=code)
        raise Duplicate(f"组织单位代码 {code} 已被“{holder.name}”使用", field="org_code")
    if Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, name=name,
                           closed_at__isnull=True).exists():
        raise Duplicate(f"“{parent.name}”下已有名为“{name}”的单位", field="name")
    system = _system_for(kind, parent)
    try:
        with transaction.atomic():
            unit = Unit.objects.add_child(parent, dict(
                name=name, kind=kind, level=_level_for(kind, parent, division), division=division,
                is_organizer=kind in Unit.ORGANIZER_KINDS, org_code=code, system=system,
                created_by=actor))
    except IntegrityError:
        raise Duplicate(f"组织单位代码 {code} 已被使用，请重试", field="org_code") from None
    if kind == K.MINISTRY_OFFICE and vertical_system_name:
        if VerticalSystem.objects.filter(name=vertical_system_name.strip()).exists():
            raise Duplicate(f"垂直管理系统“{vertical_system_name}”已存在", field="vertical_system_name")
        VerticalSystem.objects.create(name=vertical_system_name.strip(), department=unit)
    record("unit_created", actor=actor, request=request, obj=unit, parent=parent.name,
           kind=kind, org_code=code or "")
    return unit


@transaction.atomic
def close_unit(*, actor, unit: Unit, reason: str, request=None) -> Unit:
    """Close (撤销) a unit: never deleted; its accounts are disabled."""
    policy.check_manage_unit(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.closed_at is not None:
        raise InvalidState(f"“{unit.name}”已撤销")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写撤销原因", field="reason")
    open_children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1,
                                        closed_at__isnull=True).count()
    if open_children:
        raise InvalidState(f"“{unit.name}”下还有 {open_children} 个未撤销的单位，请先撤销下级单位")
    unit.closed_at = timezone.now()
    unit.closed_reason = reason[:300]
    unit.save(update_fields=["closed_at", "closed_reason"])
    unit_closed.send(sender=Unit, unit=unit)
    record("unit_closed", actor=actor, request=request, obj=unit, reason=reason)
    return unit


@transaction.atomic
def rename_unit(*, actor, unit: Unit, name: str, request=None) -> Unit:
    """Correct a unit's name (its issuing parent only); the old name stays in the audit log."""
    policy.check_manage_unit(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = clean_unit_name(name)
    if name == unit.name:
        raise InvalidState("名称没有变化", field="name")
    if Unit.objects.filter(path__startswith=unit.parent_path, depth=unit.depth, name=name,
                           closed_at__isnull=True).exclude(pk=unit.pk).exists():
        raise Duplicate(f"同级已有名为“{name}”的单位", field="name")
    old = unit.name
    unit.name = name
    unit.save(update_fields=["name"])
    record("unit_changed", actor=actor, request=request, obj=unit, old_name=old, new_name=name)
    return unit
