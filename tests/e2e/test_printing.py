"""Printing a scorecard in the browser: the print view, then its PDF, opened and
read back (Chinese text extracted, the embedded font)."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from sitecensus.portal.demo import DEMO_PASSWORD
from sitecensus.scoring.models import Scorecard

from .conftest import login


def test_print_a_scorecard(page, site):
    card = Scorecard.objects.get(website__name="涞水镇人民政府网站", stage="inspection")
    login(page, site, "laishui", DEMO_PASSWORD)
    page.goto(f"{site}/checks/card/{card.pk}/")
    page.get_by_test_id("card-print-link").click()
    sheet = page.get_by_test_id("card-print")
    expect(sheet.locator("h1")).to_have_text("政府网站检查评分表")
    expect(sheet).to_contain_text("涞水镇人民政府网站")
    expect(page.get_by_test_id("signatures")).to_contain_text("单位（盖章）")
    with page.expect_download() as download:
        page.get_by_test_id("card-pdf").click()
    assert download.value.suggested_filename.endswith("检查评分表.pdf")
    with open(download.value.path(), "rb") as f:
        data = f.read()
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    for expected in ("政府网站检查评分表", "涞水镇人民政府网站", "涞水县人民政府办公室", "政务咨询类栏目", "填表人（签字）",
                     "日期"):
        assert expected in text, expected
    assert b"+WenQuanYiMicroHei" in data
