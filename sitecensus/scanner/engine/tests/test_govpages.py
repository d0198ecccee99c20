"""Extraction on real saved government pages (copies in fixtures/govpages) vs hand-read expectations."""
import json
from datetime import date
from pathlib import Path

import pytest

from sitecensus.scanner.engine.extract import parse_page

HERE = Path(__file__).parent / "fixtures" / "govpages"
EXP = json.loads((HERE / "expectations.json").read_text("utf-8"))
AS_OF = date.fromisoformat(EXP["as_of"])
PAGES = sorted(EXP["pages"])
_cache = {}
# Each page is read at its own site's address (SOURCES.md): links to other domains never date a page.
DOMAIN = {row.split("|")[1].strip(): row.split("|")[4].strip()
          for row in (HERE / "SOURCES.md").read_text("utf-8").splitlines() if row.startswith("| 0")}


def page(name):
    if name not in _cache:
        _cache[name] = parse_page((HERE / name).read_bytes(), url=f"https://{DOMAIN.get(name, 'www.example.gov.cn')}/a/b.html", as_of=AS_OF)
    return _cache[name]


def _check(name, field, actual):
    e = EXP["pages"][name]
    xf = e.get("xfail", {}).get(field)
    if xf:
        pytest.xfail(xf)
    assert actual == e[field], f"{name} {field}: {e.get('note', '')}"


def test_all_fixture_pages_have_expectations():
    assert sorted(p.name for p in HERE.glob("*.html")) == PAGES
    assert len(PAGES) == 28


@pytest.mark.parametrize("name", PAGES)
def test_site_id_code(name):
    _check(name, "site_id_code", page(name).site_id_code)


@pytest.mark.parametrize("name", PAGES)
def test_encoding(name):
    _check(name, "encoding", page(name).encoding)


@pytest.mark.parametrize("name", PAGES)
def test_icp(name):
    _check(name, "icp", page(name).icp)


@pytest.mark.parametrize("name", [n for n in PAGES if "page_date" in EXP["pages"][n]])
def test_article_date(name):
    d = page(name).page_date
    _check(name, "page_date", d.isoformat() if d else None)


@pytest.mark.parametrize("name", [n for n in PAGES if "latest_date" in EXP["pages"][n]])
def test_list_latest_date(name):
    d = page(name).latest_date
    _check(name, "latest_date", d.isoformat() if d else None)


def test_column_page_items_resolved_and_dated():
    p = page("002.html")
    dated = [i for i in p.items if i.date]
    assert len(dated) == 1 and dated[0].url.startswith("http://hdzfxxgk.hd.gov.cn/")
    assert all(i.url is None or i.url.startswith("http") for i in p.items)
