"""The notice as a PDF: the Chinese font embedded, figures by region, level and
class, the unqualified sites, typical problems, the 落款 and page numbers."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from sitecensus.core.pdf import NumberedCanvas, para, styles, table

from .presentation import figure_rows, issuer_and_date


def notice_pdf(notice) -> bytes:
    s = styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=notice.title)
    story = [para(notice.title, s["title"]), para(notice.body, s["body"]), para("一、抽查情况", s["head"])]
    rows = [["分类", "抽查数", "合格数", "合格率"]]
    rows += [[f"{label}：{r['key']}", r["sampled"], r["passed"], f"{r['rate']}%" if r["rate"] is not None else "—"]
             for label, r in figure_rows(notice)]
    story.append(table(rows, s["cell"], [80 * mm, 25 * mm, 25 * mm, 25 * mm]))
    story += [Spacer(1, 6), para("二、不合格网站", s["head"])]
    rows = [["网站标识码", "网站名称", "主管单位", "结果", "主要问题"]]
    rows += [[u["site_code"], u["name"], u["unit"], u["result"], "、".join(u["problems"])] for u in notice.unqualified]
    if len(rows) == 1:
        rows.append(["无", "", "", "", ""])
    story.append(table(rows, s["cell"], [28 * mm, 40 * mm, 38 * mm, 18 * mm, 50 * mm]))
    story += [Spacer(1, 6), para("三、典型问题", s["head"])]
    for t in notice.typical:
        story.append(para(f"{t['indicator']}：{t['sites']} 个网站", s["body"]))
    issuer, day = issuer_and_date(notice, timezone.localdate())
    story += [Spacer(1, 24), para(issuer, s["right"]), para(f"{day.year}年{day.month}月{day.day}日", s["right"])]
    doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()
