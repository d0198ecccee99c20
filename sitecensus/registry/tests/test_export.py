"""The national database whole: every field and a 栏目 sheet."""

import io

import openpyxl
import pytest

from sitecensus.registry.formspec.spec import load_forms
from sitecensus.registry.models import Website, WebsiteColumn

pytestmark = pytest.mark.django_db


def test_export_has_every_field_and_a_columns_sheet(client, demo_users):
    client.force_login(demo_users["laishui"])
    response = client.get("/sites/export/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["政府网站", "栏目"]
    sites = list(book["政府网站"].iter_rows(values_only=True))
    header = list(sites[0])
    for f in load_forms()["basic_info"].fields:
        if not f.system:
            assert f.label in header, f.label
    assert "网站标识码" in header and "运行状态（生命周期）" in header
    coded = Website.objects.filter(site_code__isnull=False, unit__path__startswith=demo_users["laishui"].unit.path)
    site = coded.first()
    row = next(r for r in sites[1:] if r[0] == site.site_code)
    assert row[header.index("负责人姓名")] == site.data["principal_name"]
    assert row[header.index("运行状态（生命周期）")] == site.get_life_display()
    columns = list(book["栏目"].iter_rows(values_only=True))
    mine = [c for c in columns[1:] if c[0] == site.site_code]
    assert len(mine) == WebsiteColumn.objects.filter(website=site).count() > 0
    in_scope = WebsiteColumn.objects.filter(website__unit__path__startswith=demo_users["laishui"].unit.path).count()
    assert len(columns) - 1 == in_scope


def test_columns_past_the_row_limit_continue_on_numbered_sheets_in_site_order(client, demo_users, monkeypatch):
    from sitecensus.core import excel

    monkeypatch.setattr(excel, "EXCEL_MAX_ROWS", 11)  # 10 data rows a sheet instead of 1,048,575
    client.force_login(demo_users["laishui"])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/sites/export/").streaming_content)))
    in_scope = WebsiteColumn.objects.filter(website__unit__path__startswith=demo_users["laishui"].unit.path)
    parts = [name for name in book.sheetnames if name.startswith("栏目")]
    assert len(parts) == -(-in_scope.count() // 10) > 1
    assert parts == [f"栏目({n})" for n in range(1, len(parts) + 1)]
    rows = []
    for name in parts:
        sheet = list(book[name].iter_rows(values_only=True))
        assert sheet[0][0] == "网站标识码" and 1 < len(sheet) <= 11
        rows += sheet[1:]
    assert [(r[1], r[4]) for r in rows] == list(in_scope.order_by("website_id", "position")
                                              .values_list("website_id", "position"))
