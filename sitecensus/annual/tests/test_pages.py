"""The annual reports' pages: the Excel export of the list, the print view, the deadline on the
home page's calendar, the public 专栏."""

import io
from datetime import date

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from sitecensus.annual import items, services
from sitecensus.annual.testing import published_site_report

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_the_list_exports_to_excel_with_every_item(client, demo_users):
    services.generate(actor=demo_users["guoban"], year=YEAR)
    client.force_login(demo_users["laishui"])
    response = client.get(f"/annual/export/?year={YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:3] == ("网站标识码", "网站名称", "主办单位")
    assert all(any(h and h.startswith(i["label"]) for h in headers) for i in items.items())
    names = {r[1] for r in rows[1:]}
    assert "涞水县人民政府" in names and "保定市人民政府" not in names  # the organizer's scope only


def test_print_view_and_public_column(client, demo_users):
    report = published_site_report(demo_users)
    client.force_login(demo_users["laishui_lsz"])
    page = client.get(f"/annual/{report.pk}/print/").content.decode()
    assert "政府网站工作年度报表" in page and "填表人（签字）" in page
    client.logout()
    column = client.get(f"/pucha/annual/region/{report.region_id}/{YEAR}/").content.decode()
    assert report.website.name in column
    public = client.get(f"/pucha/annual/{report.website.site_code}/{YEAR}/").content.decode()
    assert "填表人" not in public and report.website.name in public


def test_the_deadline_shows_on_the_home_calendar(client, demo_users):
    services.set_deadline(actor=demo_users["guoban"], year=YEAR)
    with time_machine.travel(date(YEAR, 12, 20)):
        client.force_login(demo_users["laishui_lsz"])
        page = client.get("/").content.decode()
    assert "发布年度报表" in page


def test_links_of_every_published_report_in_scope_checked_as_a_job(client, demo_users, settings):
    """The job reads each published report's homepage and records the verdict with its evidence."""
    from sitecensus.jobs.models import Job
    from sitecensus.registry.models import Website
    from sitecensus.scanner.engine.testing.pages import PageServer

    settings.SCANNER_ALLOW_PRIVATE, settings.SCANNER_TIMEOUT = True, 3
    report = published_site_report(demo_users)
    with PageServer({"/": "<html><body><a href='/zwgk/'>政务公开</a><a href='/a/'>A</a><a href='/b/'>B</a>"
                          "</body></html>"}) as server:
        Website.objects.filter(pk=report.website_id).update(homepage_url=f"http://lsz.laishui.gov.cn:{server.port}/")
        settings.SCANNER_HOST_MAP = {"lsz.laishui.gov.cn": "127.0.0.1"}
        client.force_login(demo_users["baoding"])  # above the approving 涞水县
        response = client.post("/annual/check-links/", {"year": YEAR})
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "done" and job.result == {"linked": 0, "absent": 1, "undetermined": 0}
    report.refresh_from_db()
    assert report.link_verdict == "absent" and report.link_evidence[0]["url"].endswith(f":{server.port}/")
