"""Sample filings for tests and the demo."""

from __future__ import annotations

from .presentation import form_text
from .services import Filing

CLASSES = ["工作动态/要闻", "通知公告", "政策文件", "信息公开目录", "政务咨询", "办事指南", "在线系统", "领导", "机构"]


def sample_filing(*, name: str, url: str, unit_name: str, site_class: str = "乡镇街道网站",
                  columns: int = 6, email: str = "fuzeren@example.gov.cn", portal: bool = False) -> Filing:
    url = url.rstrip("/")
    basic = {
        "site_name": name, "homepage_url": url + "/", "other_domains": [], "ip_address": [],
        "competent_unit": unit_name, "sponsor_unit": unit_name, "operator_unit": "",
        "site_class": site_class, "is_portal": portal, "icp_number": "冀ICP备05001234号",
        "psb_number": "", "office_address": "河北省保定市", "principal_name": "张明",
        "principal_post": "主任", "principal_phone": "0312-4512345", "principal_mobile": "13812345678",
        "principal_email": email, "contact1_name": "李华", "contact1_phone": "0312-4512346",
        "contact1_mobile": "13912345678", "contact1_email": "lianxiren@example.gov.cn",
        "running_status": "正常运行", "remarks": "",
    }
    cols = []
    for i in range(columns):
        cls = CLASSES[i % len(CLASSES)]
        cols.append({"name": f"{cls.split('/')[0]}{i + 1}", "url": f"{url}/col{i + 1}/", "parent_name": "",
                     "is_homepage": i < columns // 2, "column_class": cls, "update_period": "每周",
                     "remarks": ""})
    return Filing(basic=basic, columns=cols)


def fill_workbook(data: bytes, filings: list[Filing]) -> bytes:
    """Fill a downloaded workbook as a clerk would: one row per site on the
    basic sheet, one row per column on the column sheet (codes in row 2)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    basic, columns = book["基本信息表"], book["栏目信息表"]
    basic_codes = {c.value: c.column for c in basic[2] if c.value}
    column_codes = {c.value: c.column for c in columns[2] if c.value}
    stored = {"column_name": "name", "column_url": "url", "parent_column": "parent_name"}
    col_row = 3
    for row, filing in enumerate(filings, start=3):
        for code, column in basic_codes.items():
            # Every cell of the row is typed over (the system's 网站标识码 / 系统编号 too).
            basic.cell(row=row, column=column).value = form_text(filing.basic.get(code, "")) or None
        for col in filing.columns:
            for code, column in column_codes.items():
                value = filing.basic["homepage_url"] if code == "site_url" else col.get(stored.get(code, code), "")
                columns.cell(row=col_row, column=column, value=form_text(value) if value != "" else None)
            col_row += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def complete_life_change(website, actor):
    """An approved closure, merge or migration taken to its end as if the scanner had watched its notice
    for the whole period and found the old site gone (tests of what comes after: the scanner's own
    part is tested in scanner/tests/test_site_life.py)."""
    from datetime import timedelta

    from django.utils import timezone

    from sitecensus.registry.models import Website
    from sitecensus.registry.services import life

    closure = life.open_closure(website)
    notice_on = timezone.localdate() - timedelta(days=closure.period_days)
    life.record_notice(actor=actor, website=website, notice_url=website.homepage_url.rstrip("/") + "/gg.html",
                       notice_on=notice_on)
    closure.refresh_from_db()
    life.record_closure_check(closure=closure, notice_held=True, period_reason="（测试）",
                              gone={"verdict": "gone", "verified": True})
    return life.file_closure(actor=actor, website=Website.objects.get(pk=website.pk), note="报备")
