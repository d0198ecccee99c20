"""Names, not codes, wherever a person reads: region codes as province names,
the scanner's error and link-kind codes as Chinese. (In the portal: it reads
orgs and the scanner, which core may not.)"""

from django import template

from sitecensus.orgs.selectors import province_name
from sitecensus.scanner.engine.fetch import ERROR_MESSAGES

register = template.Library()

LINK_KINDS = {"link": "链接", "image": "图片", "attachment": "附件"}


@register.filter
def region_name(value):
    """"13" → "河北省"; anything that is not a province code is shown unchanged."""
    return province_name(str(value or "")) or value


@register.filter
def scan_error(code):
    """A scanner error code ("connect", "timeout" …) as the Chinese message."""
    if not code:
        return ""
    return ERROR_MESSAGES.get(str(code), ERROR_MESSAGES["other"])


@register.filter
def link_kind(code):
    return LINK_KINDS.get(str(code or ""), "链接")


@register.filter
def person(user):
    """Who did it, as people read it: the person's name and unit (刘芳（涞水镇人民政府）),
    or the unit alone when the account carries no name — never the account name."""
    if user is None or not getattr(user, "pk", None):
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    unit = user.unit.name if getattr(user, "unit_id", None) else ""
    if name and unit:
        return f"{name}（{unit}）"
    return name or unit or "系统"
