"""The scanner's table on the statistics page: IPv6 support of county-level-and-above government portals per
region against the year's target (data/ipv6_targets.json), from each portal's latest scan that judged IPv6.
One grouped query; exported to Excel like the page's other tables."""

from __future__ import annotations

import json
from pathlib import Path

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from sitecensus.registry.counting import approved_q
from sitecensus.registry.models import Website
from sitecensus.stats import charts, extra
from sitecensus.stats.selectors import Table

from .models import SiteScan

TARGETS = json.loads((Path(__file__).resolve().parent / "data" / "ipv6_targets.json").read_text("utf-8"))


def target_for(year: int) -> int | None:
    """The target rate (%) in force in a year: the latest target from that year or before (None before any)."""
    rate = None
    for t in sorted(TARGETS["targets"], key=lambda t: t["year"]):
        if t["year"] <= year:
            rate = t["rate"]
    return rate


def ipv6_rows(sites, group_len: int, labels) -> list[dict]:
    latest = (SiteScan.objects.filter(website=OuterRef("pk"), ipv6_ok__isnull=False)
              .order_by("-at", "-id").values("ipv6_ok")[:1])
    grouped = (sites.open().filter(approved_q(), site_class__in=TARGETS["classes"]).order_by()
               .annotate(g=Substr("organizer__path", 1, group_len), v6=Subquery(latest)).values("g")
               .annotate(portals=Count("id"), checked=Count("id", filter=Q(v6__isnull=False)),
                         ok=Count("id", filter=Q(v6=True))))
    grouped = list(grouped)
    names = labels([g["g"] for g in grouped]) if grouped else {}
    rows: dict[str, dict] = {}
    for g in grouped:
        name = names[g["g"]]
        row = rows.setdefault(name, {"label": name, "portals": 0, "checked": 0, "ok": 0})
        for k in ("portals", "checked", "ok"):
            row[k] += g[k]
    return sorted(rows.values(), key=lambda r: r["label"])


@extra.register
def ipv6_table(user, sites, group_len: int, labels) -> Table:
    year = timezone.localdate().year
    target = target_for(year)
    rows = ipv6_rows(sites, group_len, labels)
    total = {"label": "合计", **{k: sum(r[k] for r in rows) for k in ("portals", "checked", "ok")}}

    def cells(r):
        rate = r["ok"] * 100 / r["portals"] if r["portals"] else None
        met = "—" if rate is None or target is None else ("达标" if rate >= target else "未达标")
        return [r["label"], r["portals"], r["checked"], r["ok"], f"{rate:.1f}%" if rate is not None else "—",
                f"{target}%" if target is not None else "—", met]

    return Table("ipv6", f"县级以上政府门户网站 IPv6 支持率（{year}年目标 {target if target is not None else '—'}%）",
                 ["地区/单位", "县级以上政府门户", "已检测", "支持IPv6", "支持率", "目标", "是否达标"],
                 [cells(r) for r in rows] + ([cells(total)] if rows else []),
                 charts.bar([r["label"] for r in rows], [("支持IPv6", [r["ok"] for r in rows]),
                                                         ("未支持或未检测", [r["portals"] - r["ok"] for r in rows])],
                            title="门户网站数", stack=True),
                 note="支持：有 AAAA 记录，首页和二、三级页面通过 IPv6 可访问且内容与 IPv4 一致（各门户最近一次判定 IPv6 的扫描）；"
                      "支持率以全部县级以上政府门户为分母，未检测的计为未支持。目标见 scanner/data/ipv6_targets.json。")
