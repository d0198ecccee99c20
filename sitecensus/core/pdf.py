"""PDF documents with the Chinese font embedded (WenQuanYi Micro Hei, shipped
with the project, so a document prints the same everywhere), page numbers
(第 N 页 共 M 页) and shared table styling."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT = "WQYMicroHei"


@lru_cache(maxsize=1)
def font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))  # embedded as a subset
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    f = font()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=18, leading=26, alignment=1, spaceAfter=12),
        "subtitle": ParagraphStyle("subtitle", fontName=f, fontSize=10, leading=15, alignment=1, spaceAfter=8),
        "body": ParagraphStyle("body", fontName=f, fontSize=11, leading=18, firstLineIndent=22),
        "plain": ParagraphStyle("plain", fontName=f, fontSize=10.5, leading=17),
        "head": ParagraphStyle("head", fontName=f, fontSize=13, leading=20, spaceBefore=10, spaceAfter=6),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=9, leading=12),
        "right": ParagraphStyle("right", fontName=f, fontSize=11, leading=20, alignment=2),
    }


def para(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def table(rows, style, widths) -> Table:
    data = [[c if isinstance(c, Paragraph) else para(c, style) for c in row] for row in rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                                ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return result


class NumberedCanvas(canvas.Canvas):
    """Draws 第 N 页 共 M 页 at the foot of every page (the total known only at the end)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(font(), 9)
            width = self._pagesize[0]
            self.drawCentredString(width / 2, 10 * 2.835, f"第 {self._pageNumber} 页 共 {total} 页")
            super().showPage()
        super().save()
