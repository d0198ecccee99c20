"""The notice as a PDF with the Chinese font embedded (WenQuanYi Micro Hei,
shipped with the project, so it prints the same everywhere)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT = "WQYMicroHei"


@lru_cache(maxsize=1)
def _font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))  # embedded as a subset
    return FONT


def notice_pdf(notice) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=12)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, firstLineIndent=22)
    head = ParagraphStyle("head", fontName=font, fontSize=13, leading=20, spaceBefore=10, spaceAfter=6)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=notice.title)
    f = notice.figures
    story = [Paragraph(escape(notice.title), title), Paragraph(escape(notice.body), body),
             Paragraph("一、抽查情况", head)]
    rows = [["分类", "抽查数", "合格数", "合格率"]]
    for group, label in (("by_region", "地区"), ("by_class", "网站类别")):
        for r in f.get(group, []):
            rows.append([f"{label}：{r['key']}", r["sampled"], r["passed"], f"{r['rate']}%" if r["rate"] is not None else "—"])
    story.append(_table(rows, cell, [80 * mm, 25 * mm, 25 * mm, 25 * mm]))
    story += [Spacer(1, 6), Paragraph("二、不合格网站", head)]
    rows = [["网站标识码", "网站名称", "主管单位", "结果", "主要问题"]]
    rows += [[u["site_code"], u["name"], u["unit"], u["result"], "、".join(u["problems"])] for u in notice.unqualified]
    story.append(_table(rows, cell, [28 * mm, 40 * mm, 38 * mm, 18 * mm, 50 * mm]))
    story += [Spacer(1, 6), Paragraph("三、典型问题", head)]
    for t in notice.typical:
        story.append(Paragraph(escape(f"{t['indicator']}：{t['sites']} 个网站"), body))
    doc.build(story)
    return out.getvalue()


def _table(rows, style, widths):
    data = [[Paragraph(escape(str(c)), style) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
