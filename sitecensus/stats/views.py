"""Statistics pages: thin views over selectors.statistics (scoped)."""

from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from sitecensus.core.excel import excel_response

from . import policy, selectors


def index(request):
    stats = selectors.statistics(request.user)
    return render(request, "stats/index.html", {"stats": stats, "tables": _tables_html(request, stats),
                                                "own_unit_only": policy.sees_own_unit_only(request.user)})


def _tables_html(request, stats) -> str:
    """The tables (thousands of formatted cells: most of the page's cost), rendered once per
    scope and rebuild and kept beside the cached figures; a reporting unit's live page is not cached."""
    if stats.cache_key is None:
        return render_to_string("stats/_tables.html", {"stats": stats}, request)
    key = f"{stats.cache_key}:html:{stats.as_of.timestamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("stats/_tables.html", {"stats": stats}, request)
        cache.set(key, html, selectors.CACHE_SECONDS())
    return mark_safe(html)  # noqa: S308 - our own template's output


def export(request, key):
    stats = selectors.statistics(request.user)
    table = stats.table(key)  # NotFound for an unknown key
    return excel_response(f"{stats.unit.name}-{table.title}.xlsx", table.title, table.headers, table.rows)
