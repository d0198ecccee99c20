"""The national database whole: every field of every site in scope, and a 栏目
sheet with every column of those sites (grouped by site, in their order). Rows
are read as plain tuples through a server-side cursor in chunks (no model
objects) and streamed into the workbook by core.excel, so 88,000 sites and 2.65
million columns never sit in memory together; past Excel's 1,048,576 rows a
sheet continues as 栏目(1), 栏目(2), …"""

from __future__ import annotations

from .formspec.spec import load_forms
from .models import Website, WebsiteColumn

CHUNK = 5000
STATUS = dict(Website.Status.choices)
LIFE = dict(Website.Life.choices)
SITE_HEAD = ["网站标识码", "系统编号", "填报单位", "组织单位", "行政区划代码", "审核状态", "运行状态（生命周期）",
             "状态说明", "整合至（网站标识码）", "报送时间", "通过时间", "逾期报送"]
COLUMN_HEAD = ["网站标识码", "系统编号", "网站名称", "所属网站首页网址", "顺序", "栏目（系统）名称", "栏目网址",
               "上级栏目", "首页栏目", "栏目类别", "更新周期", "备注"]


def _basic_fields():
    return [f for f in load_forms()["basic_info"].fields if not f.system]


def site_headers() -> list[str]:
    return SITE_HEAD + [f.label for f in _basic_fields()]


def _text(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return value


def site_rows(sites, progress=None):
    fields = [f.code for f in _basic_fields()]
    rows = sites.order_by("id").values_list(
        "site_code", "id", "unit__name", "organizer__name", "unit__division__code", "status", "life",
        "life_reason", "merged_into__site_code", "submitted_at", "approved_at", "is_late", "data")
    for n, (code, pk, unit, organizer, division, status, life, reason, merged, submitted, approved, late,
            data) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        if progress is not None and n % CHUNK == 0:
            progress(n)
        data = data or {}
        yield [code or "", pk, unit, organizer, (division or "")[:6], STATUS.get(status, status),
               LIFE.get(life, life), reason, merged or "", submitted, approved, late,
               *(_text(data.get(c)) for c in fields)]


def column_rows(sites):
    columns = (WebsiteColumn.objects.filter(website__in=sites.order_by().values("pk"))
               .order_by("website_id", "position").values_list("website__site_code", "website_id", "website__name", "website__homepage_url",
                                       "position", "name", "url", "parent_name", "is_homepage", "column_class",
                                       "update_period", "remarks"))
    for row in columns.iterator(chunk_size=CHUNK):
        yield [row[0] or "", *row[1:]]


def export_sheets(sites, progress=None) -> list:
    """(sheet name, headers, rows) for core.excel.write_sheets."""
    return [("政府网站", site_headers(), site_rows(sites, progress)),
            ("栏目", COLUMN_HEAD, column_rows(sites))]
