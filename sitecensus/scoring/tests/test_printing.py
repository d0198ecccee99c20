"""Printing: a scorecard's print view and PDF (unit, site, items, evidence list,
signature and date lines, Chinese text extractable, page numbers)."""

import io

import pytest
from pypdf import PdfReader

from sitecensus.evidence import services as evidence
from sitecensus.evidence.testing import png_bytes, upload
from sitecensus.registry.models import Website
from sitecensus.scoring import services
from sitecensus.scoring.models import Scorecard
from sitecensus.scoring.printing import card_pdf, entry_text
from sitecensus.scoring.rubric import load_rubric

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_scorecard_pdf_has_everything_a_leader_signs(demo_users):
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    card = services.open_self_check(actor=demo_users["hebei_fgw"], website=fgw)
    services.save_entries(actor=demo_users["hebei_fgw"], card=card, raw_entries={
        "A2": {"count": 2, "evidence": ["http://hbdrc.hebei.gov.cn/dead"], "note": "两处失效"}})
    evidence.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[upload("首页截图.png", png_bytes())])
    card = services.submit_card(actor=demo_users["hebei_fgw"], card=card)
    data = card_pdf(card, card.files.all())
    assert b"FontFile2" in data  # the Chinese font is embedded
    text = pdf_text(data)
    flat = text.replace("\n", "")
    for expected in ("政府网站自查评分表", "河北省发展和改革委员会", fgw.site_code, "链接可用性（首页）", "2 个",
                     "两处失效", "首页截图.png", "填表人（签字）", "单位（盖章）", "日期", "第 1 页 共"):
        assert expected in flat, expected


def test_print_view_and_pdf_download(client, demo_users):
    town = Website.objects.get(name="涞水镇人民政府网站")
    card = Scorecard.objects.get(website=town, stage="inspection")
    client.force_login(demo_users["laishui"])
    page = client.get(f"/checks/card/{card.pk}/print/").content.decode()
    assert "政府网站检查评分表" in page and "涞水县人民政府办公室" in page and "填表人（签字）" in page
    assert "政务咨询类栏目" in page
    response = client.get(f"/checks/card/{card.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "涞水镇人民政府网站" in pdf_text(response.content)
    client.force_login(demo_users["hebei_fgw"])
    assert client.get(f"/checks/card/{card.pk}/pdf/").status_code == 404


def test_entries_read_as_words():
    rubric = load_rubric("2015")
    assert entry_text(rubric.indicator("V2"), {"veto": True}) == "单项否决"
    assert entry_text(rubric.indicator("V2"), {}) == "未否决"
    assert entry_text(rubric.indicator("A2"), {"count": 3}).startswith("3")


def test_list_comparing_self_check_and_inspection_scores(client, demo_users):
    import io as _io

    import openpyxl

    client.force_login(demo_users["laishui"])
    page = client.get("/checks/compare/").content.decode()
    town = Website.objects.get(name="涞水镇人民政府网站")
    self_card = Scorecard.objects.get(website=town, stage="self")
    inspection = Scorecard.objects.get(website=town, stage="inspection")
    assert "涞水镇人民政府网站" in page and str(float(self_card.score)) in page and "data-print" in page
    response = client.get("/checks/compare/export/")
    book = openpyxl.load_workbook(_io.BytesIO(b"".join(response.streaming_content)))
    row = next(r for r in book.active.iter_rows(min_row=2, values_only=True) if r[1] == "涞水镇人民政府网站")
    assert row[3] == float(self_card.score) and row[5] == float(inspection.score)
    assert row[7] == float(inspection.score - self_card.score)
