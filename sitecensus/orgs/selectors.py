"""Reads of units, always through the scope policy."""

from __future__ import annotations

from django.db.models import Q, QuerySet


from .models import Division, Unit

from . import policy


def unit_list(user, *, root: Unit | None = None, query: str = "", include_closed: bool = True) -> QuerySet:
    """Units the user may see, optionally within root's subtree, filtered by
    name, organizing-unit code or division code."""
    qs = policy.visible_units(user).select_related("division", "system")
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    query = query.strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(org_code__iexact=query)
                       | Q(division__code__startswith=query.rstrip("0") or query))
    if not include_closed:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("path")


def children(user, unit: Unit) -> QuerySet:
    return unit_list(user, root=unit).filter(depth=unit.depth + 1)


def ancestors(user, unit: Unit) -> list[Unit]:
    """The visible part of the chain above unit (for the breadcrumb)."""
    paths = [unit.path[: i * unit.steplen] for i in range(1, unit.depth)]
    return list(policy.visible_units(user).filter(path__in=paths).order_by("depth"))


def units_in_region(division_code: str) -> QuerySet:
    """Units that count in a region's figures: vertical systems never do."""
    prefix = division_code.rstrip("0") if len(division_code) == 6 else division_code
    if len(prefix) % 2:
        prefix += "0"
    return Unit.objects.filter(division__code__startswith=prefix, system__isnull=True)


def division_code_candidates(code: str) -> list[str]:
    """Stored codes a 6-digit code may stand for, the highest level first:
    130000 is the province 13, 130600 the city 1306, 130623 a county."""
    code = (code or "").strip()
    if not (code.isdigit() and len(code) in (2, 4, 6, 9)):
        return []
    if len(code) != 6:
        return [code]
    if code.endswith("0000"):
        return [code[:2], code]
    if code.endswith("00"):
        return [code[:4], code]
    return [code]


def division_by_code(code: str) -> Division | None:
    candidates = division_code_candidates(code)
    found = {d.code: d for d in Division.objects.filter(code__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)


_PROVINCES: dict[str, str] = {}


def province_names() -> dict[str, str]:
    """Province code (2 digits) → name, e.g. "13" → "河北省" (divisions are reference data: read once)."""
    if not _PROVINCES:
        _PROVINCES.update(Division.objects.filter(level=Division.Level.PROVINCE).values_list("code", "name"))
    return _PROVINCES


def province_name(code: str) -> str | None:
    code = (code or "").strip()
    if len(code) == 2 and code.isdigit():
        return province_names().get(code)
    return None


def province_code_for(text: str) -> str:
    """What a person typed for a region (河北省, 河北 or 13) as the province code; "" if unknown."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.isdigit():
        return text[:2]
    for code, name in province_names().items():
        if name == text or name.startswith(text):
            return code
    return ""
