"""The notice as a PDF in the layout of an official document (公文, GB/T 9704-2012):
发文机关标志 and 发文字号 over a red rule, 标题, 主送机关, 正文 (figures by region, level and
class, the unqualified sites, typical problems), 落款 with the date, and 版记 (印发); the
Chinese font embedded, page numbers."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, SimpleDocTemplate, Spacer

from sitecensus.core.pdf import NumberedCanvas, font, para, styles, table

from .presentation import figure_rows, gongwen

RED = colors.HexColor("#C00000")


def notice_pdf(notice) -> bytes:
    s = styles()
    f = font()
    masthead = ParagraphStyle("masthead", fontName=f, fontSize=26, leading=34, alignment=TA_CENTER,
                              textColor=RED, spaceAfter=10)
    number = ParagraphStyle("number", fontName=f, fontSize=12, leading=18, alignment=TA_CENTER)
    addressees = ParagraphStyle("addressees", fontName=f, fontSize=11, leading=18, spaceBefore=6, spaceAfter=4)
    record = ParagraphStyle("record", fontName=f, fontSize=10, leading=16)
    parts = gongwen(notice, timezone.localdate())
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=37 * mm,
                            bottomMargin=35 * mm, title=notice.title)
    width = A4[0] - 54 * mm
    story = [para(f"{parts['issuer']}文件", masthead), para(parts["number"], number),
             HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=4, spaceAfter=14),
             para(parts["title"], s["title"]), para(parts["addressees"], addressees),
             para(parts["body"], s["body"]), para("一、抽查情况", s["head"])]
    rows = [["分类", "抽查数", "合格数", "合格率"]]
    rows += [[f"{label}：{r['key']}", r["sampled"], r["passed"], f"{r['rate']}%" if r["rate"] is not None else "—"]
             for label, r in figure_rows(notice)]
    story.append(table(rows, s["cell"], [width - 75 * mm, 25 * mm, 25 * mm, 25 * mm]))
    story += [Spacer(1, 6), para("二、不合格网站", s["head"])]
    rows = [["网站标识码", "网站名称", "主管单位", "结果", "主要问题"]]
    rows += [[u["site_code"], u["name"], u["unit"], u["result"], "、".join(u["problems"])] for u in notice.unqualified]
    if len(rows) == 1:
        rows.append(["无", "", "", "", ""])
    story.append(table(rows, s["cell"], [26 * mm, 36 * mm, 34 * mm, 16 * mm, width - 112 * mm]))
    story += [Spacer(1, 6), para("三、典型问题", s["head"])]
    for t in notice.typical:
        story.append(para(f"{t['indicator']}：{t['sites']} 个网站", s["body"]))
    story += _media_story(notice, s, width)
    story += _rounds_story(notice, s, width, "五" if (notice.figures or {}).get("media", {}).get("sampled") else "四")
    story.append(KeepTogether([Spacer(1, 24), para(parts["issuer"], s["right"]), para(parts["date"], s["right"])]))
    story.append(KeepTogether([
        Spacer(1, 30), HRFlowable(width="100%", thickness=1, color=colors.black, spaceAfter=4),
        para(parts["printed"], record),
        HRFlowable(width="100%", thickness=1, color=colors.black, spaceBefore=4)]))
    doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


def _rate(value) -> str:
    return f"{value}%" if value is not None else "—"


def _media_story(notice, s, width) -> list:
    """四、政务新媒体抽查情况, as the HTML and public notice show it (spotcheck/_notice_media.html)."""
    m = (notice.figures or {}).get("media") or {}
    if not m.get("sampled"):
        return []
    story = [Spacer(1, 6), para("四、政务新媒体抽查情况", s["head"]),
             para(f"抽查政务新媒体 {m['sampled']} 个，复核 {m['checked']} 个，合格 {m['passed']} 个，"
                  f"合格率 {_rate(m.get('pass_rate'))}。", s["body"])]
    rows = [["平台", "抽查数", "合格数", "合格率"]]
    rows += [[r["key"], r["sampled"], r["passed"], _rate(r["rate"])] for r in m.get("by_platform", [])]
    story.append(table(rows, s["cell"], [width - 75 * mm, 25 * mm, 25 * mm, 25 * mm]))
    rows = [["登记编号", "平台", "账号名称", "主办单位", "结果", "主要问题"]]
    rows += [[p["media_code"], p["platform"], p["name"], p["unit"], p["result"], "、".join(p["problems"])]
             for p in m.get("problem_accounts", [])]
    if len(rows) == 1:
        rows.append(["无", "", "", "", "", ""])
    story += [Spacer(1, 4), table(rows, s["cell"], [26 * mm, 20 * mm, 30 * mm, 30 * mm, 16 * mm, width - 122 * mm])]
    return story


def _rounds_story(notice, s, width, number="四") -> list:
    """Issue 24: 国办's re-check of a lower level's round — the agreement and each disagreement."""
    found = (notice.figures or {}).get("reverification")
    if not found:
        return []
    rate = f"{found['rate']}%" if found.get("rate") is not None else "—"
    story = [Spacer(1, 6), para(f"{number}、下级抽查结果复核情况", s["head"]),
             para(f"对{found['organizer']}“{found['source']}”中判定合格的网站随机抽取 {found['checked']} 个进行复核，"
                  f"复核结论与原结论一致 {found['agreed']} 个，一致率 {rate}。", s["body"])]
    rows = [["网站标识码", "网站名称", "原结论", "复核结论", "复核发现的问题"]]
    rows += [[d["site_code"], d["name"], d["lower"], d["higher"], "、".join(d["problems"])]
             for d in found.get("disagreements", [])]
    if len(rows) > 1:
        story.append(table(rows, s["cell"], [26 * mm, 40 * mm, 18 * mm, 18 * mm, width - 102 * mm]))
    return story
