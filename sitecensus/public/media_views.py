"""The public 政务新媒体 pages (issue 22): a region's 矩阵 (its approved, live accounts by unit) and one
unit's accounts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from sitecensus.newmedia import selectors as media_selectors

from .views import _page, anonymous_cache


@login_not_required
@anonymous_cache
def media_matrix(request):
    region = request.GET.get("region", "").strip()[:40]
    unit = request.GET.get("unit", "")
    unit_pk = int(unit) if unit.isdigit() and len(unit) < 12 else None
    accounts = media_selectors.public_matrix(region=region, unit_pk=unit_pk)
    return render(request, "public/media_matrix.html", {"page": _page(request, accounts, size=200), "region": region,
                                                        "unit_pk": unit_pk})
