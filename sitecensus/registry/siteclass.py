"""Site classes (网站类别) for every kind of website the census covers (普查范围):
local governments' portals at each level and townships; their departments and
参公事业单位 at county level and above; State Council departments, their internal
bodies (内设机构) and 参公事业单位; and vertically managed systems.

The class is chosen on the form (the list is in the form definitions); it must fit
the reporting unit's tier — a State Council department's site is never a local
government's class, a local site never a State Council department's nor another
level's (a county department never files a 省级政府门户), a vertical system's site
never a local one — and `default_for` gives the class a unit's site
has when nobody chose one (the demo, the national data generator, the migration)."""

from __future__ import annotations

from sitecensus.orgs.models import Unit

from .formspec.spec import load_choices

K = Unit.Kind
LEVEL_PREFIX = {Unit.Level.PROVINCE: "省级", Unit.Level.CITY: "市级", Unit.Level.COUNTY: "县级"}
TOWNSHIP = "乡镇街道网站"
MINISTRY = "国务院部门网站"
MINISTRY_INTERNAL = "国务院部门内设机构网站"
MINISTRY_INSTITUTION = "国务院部门参公事业单位网站"
VERTICAL = "垂直管理系统网站"
NATIONAL_CLASSES = (MINISTRY, MINISTRY_INTERNAL, MINISTRY_INSTITUTION)
PORTAL_KINDS = {K.PROVINCIAL_OFFICE, K.CITY_OFFICE, K.COUNTY_OFFICE, K.GOVERNMENT}
VERTICAL_KINDS = {K.VERTICAL_BRANCH, K.VERTICAL_UNIT}


def all_classes() -> tuple[str, ...]:
    return load_choices()["site_class"]


def tier(unit: Unit) -> str:
    """"vertical", "national" (the State Council tree) or "local"."""
    if unit.kind in VERTICAL_KINDS or (unit.system_id and unit.level != Unit.Level.NATIONAL):
        return "vertical"  # the State Council department heading a vertical system is "national"
    return "national" if unit.level == Unit.Level.NATIONAL else "local"


def default_for(unit: Unit, *, is_portal: bool = False) -> str:
    """The class a unit's site has by the unit's kind and level."""
    which = tier(unit)
    if which == "vertical":
        return VERTICAL
    if which == "national":
        if unit.kind == K.INTERNAL_BODY:
            return MINISTRY_INTERNAL
        if unit.kind == K.INSTITUTION:
            return MINISTRY_INSTITUTION
        return MINISTRY
    if unit.level >= Unit.Level.TOWNSHIP:
        return TOWNSHIP
    prefix = LEVEL_PREFIX[unit.level]
    if unit.kind == K.INSTITUTION:
        return f"{prefix}参公事业单位网站"
    if is_portal or unit.kind in PORTAL_KINDS:
        return f"{prefix}政府门户"
    return f"{prefix}政府部门网站"


def allowed_for(unit: Unit) -> tuple[str, ...]:
    """The classes a unit's site may be filed under (in the list's order)."""
    which = tier(unit)
    if which == "vertical":
        return (VERTICAL,)
    if which == "national":
        return NATIONAL_CLASSES
    if unit.level >= Unit.Level.TOWNSHIP:
        return (TOWNSHIP,)
    # A local unit's sites are of its own level: a county department never files a 省级政府门户.
    # (A county files for townships without their own account: 乡镇街道网站 fits it too.)
    prefix = LEVEL_PREFIX.get(unit.level, "")
    if not prefix:
        return tuple(c for c in all_classes() if c not in NATIONAL_CLASSES and c != VERTICAL)
    return tuple(c for c in all_classes()
                 if c.startswith(prefix) or (c == TOWNSHIP and unit.level == Unit.Level.COUNTY))


def problem(unit: Unit, site_class: str | None) -> str | None:
    """Why `site_class` does not fit the unit's tier (None when it fits or is empty)."""
    if not site_class or site_class in allowed_for(unit):
        return None
    which = tier(unit)
    what = {"vertical": "垂直管理系统", "national": "国务院部门（含内设机构、参公事业单位）",
            "local": f"{Unit.Level(unit.level).label}地方政府及其部门"}[which]
    return (f"“{unit.name}”属于{what}，其网站不能填报为“{site_class}”，"
            f"应选择：{'、'.join(allowed_for(unit))}（通常为“{default_for(unit)}”）")
