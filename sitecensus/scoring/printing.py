"""A scorecard as leaders sign and seal it: the print view's rows and the PDF
(unit, site, every item, the evidence list, signature and date lines)."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from sitecensus.core.pdf import NumberedCanvas, para, styles, table

from . import services
from .cardkinds import kind_of

SIGNATURES = [("填表人（签字）", "审核人（签字）"), ("单位负责人（签字）", "单位（盖章）")]


def entry_text(indicator, data: dict | None) -> str:
    """An entry as a person reads it (never a raw code or a Python value)."""
    data = data or {}
    if indicator.kind == "veto":
        return "单项否决" if data.get("veto") else "未否决"
    if indicator.kind == "veto_counts":
        counts = data.get("counts") or {}
        return "；".join(f"{c.label} {counts.get(c.code, 0) or 0}" for c in indicator.counts)
    if indicator.kind == "band":
        return f"{data['value']}%" if data.get("value") not in (None, "") else "—"
    count = data.get("count")
    return f"{count} {indicator.unit or '项'}" if count not in (None, "") else "—"


def card_rows(card) -> list[dict]:
    """A website's or a new-media account's card, row by row."""
    kinds = kind_of(card)
    rubric = services.rubric_of(card)
    entries = kinds.entries(card)
    points = kinds.deductions(card)
    return [{"i": i, "text": entry_text(i, entries.get(i.code)), "points": points.get(i.code),
             "evidence": [e for e in (entries.get(i.code) or {}).get("evidence") or [] if e],
             "note": (entries.get(i.code) or {}).get("note") or ""} for i in rubric.indicators]


def title_of(card) -> str:
    return kind_of(card).title(card)


def card_pdf(card, files) -> bytes:
    s = styles()
    out = io.BytesIO()
    subject = kind_of(card).subject(card)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=20 * mm, title=f"{subject.name}{title_of(card)}")
    rubric = services.rubric_of(card)
    story = [para(title_of(card), s["title"]), para(f"{rubric.name}（版本 {rubric.code}）", s["subtitle"])]
    info = [[f"{subject.kind_label}名称", subject.name, subject.code_label, subject.code or "—"],
            [subject.address_label, subject.address, "填报单位", subject.unit],
            ["评分单位", card.scorer_unit.name, "状态", card.get_status_display()],
            ["得分", str(card.score) if card.score is not None else "—", "结果", card.result or "—"],
            ["提交时间", f"{timezone.localtime(card.submitted_at):%Y-%m-%d %H:%M}" if card.submitted_at else "未提交",
             "逾期", "是" if card.is_late else "否"]]
    story.append(table(info, s["cell"], [24 * mm, 66 * mm, 24 * mm, 66 * mm]))
    story += [Spacer(1, 8), para("评分明细", s["head"])]
    rows = [["指标", "评分规则", "填写", "扣分", "证据与说明"]]
    for r in card_rows(card):
        proof = "\n".join(r["evidence"] + ([f"说明：{r['note']}"] if r["note"] else []))
        rows.append([f"{r['i'].code} {r['i'].group}·{r['i'].name}", r["i"].rule, r["text"],
                     str(r["points"]) if r["points"] is not None else "", proof])
    story.append(table(rows, s["cell"], [38 * mm, 52 * mm, 26 * mm, 14 * mm, 50 * mm]))
    story += [Spacer(1, 8), para("证据文件", s["head"])]
    file_rows = [["文件名", "类型", "大小", "上传时间"]]
    file_rows += [[f.name, f.get_kind_display(), f.size_label, f"{timezone.localtime(f.uploaded_at):%Y-%m-%d %H:%M}"]
                  for f in files]
    if len(file_rows) == 1:
        file_rows.append(["无", "", "", ""])
    story.append(table(file_rows, s["cell"], [90 * mm, 30 * mm, 25 * mm, 35 * mm]))
    story.append(Spacer(1, 20))
    for left, right in SIGNATURES:
        story += [para(f"{left}：＿＿＿＿＿＿＿＿　　　　{right}：＿＿＿＿＿＿＿＿", s["plain"]), Spacer(1, 14)]
    story.append(para("日期：＿＿＿＿年＿＿月＿＿日", s["plain"]))
    doc.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()
