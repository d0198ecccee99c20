"""Statistics pages: thin views over selectors.statistics (scoped)."""

from django.shortcuts import render

from sitecensus.core.excel import excel_response

from . import selectors


def index(request):
    stats = selectors.statistics(request.user)
    return render(request, "stats/index.html", {"stats": stats})


def export(request, key):
    stats = selectors.statistics(request.user)
    table = stats.table(key)  # NotFound for an unknown key
    return excel_response(f"{stats.unit.name}-{table.title}.xlsx", table.title, table.headers, table.rows)
