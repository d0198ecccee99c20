"""An import's dry run and its confirm read and write the registry in a number of queries
that does not grow with the number of rows (issue 28): a file's rows are identified and
checked for clashes together, new sites saved and submitted together — the same checks
and the same records, versions, review events and audit events as one site at a time.
SQLite and PostgreSQL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import Duplicate
from sitecensus.orgs.models import Unit
from sitecensus.registry import imports, services
from sitecensus.registry.models import ReviewEvent, Website, WebsiteColumn, WebsiteDomain, WebsiteVersion
from sitecensus.registry.testing import fill_workbook, sample_filing

pytestmark = pytest.mark.django_db


def _queries(actor, unit, n, prefix) -> tuple[int, int, object]:
    rows = [sample_filing(name=f"{unit.name}网站{i}", url=f"http://{prefix}{i}.laishui.gov.cn", unit_name=unit.name)
            for i in range(n)]
    data = fill_workbook(imports.workbook_for(unit), rows)
    batch = imports.receive(actor=actor, uploads=[("a.xlsx", SimpleUploadedFile("a.xlsx", data))])
    with CaptureQueriesContext(connection) as dry:
        batch = imports.analyse(actor=actor, batch=batch)
    assert batch.summary["totals"]["create"] == n, batch.summary
    with CaptureQueriesContext(connection) as confirm:
        assert imports.commit(actor=actor, batch=batch, chunk=50)["created"] == n
    return len(dry.captured_queries), len(confirm.captured_queries), batch


def test_dry_run_and_confirm_queries_do_not_grow_with_the_rows(demo_users):
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    dry_2, confirm_2, _ = _queries(laishui, town, 2, "qfew")
    dry_12, confirm_12, batch = _queries(laishui, town, 12, "qmany")
    assert (dry_12, confirm_12) == (dry_2, confirm_2), \
        f"dry run {dry_2} → {dry_12} queries, confirm {confirm_2} → {confirm_12} queries for 2 → 12 rows"
    # Each new site written as one at a time would write it: submitted, version 1, its keys and
    # columns, the submission's review event, and its two audit events.
    sites = Website.objects.filter(unit=town, homepage_url__startswith="http://qmany")
    assert sites.count() == 12
    for site in sites:
        assert site.status == Website.Status.SUBMITTED and site.version == 1 and site.submitted_at is not None
        assert site.pending_at_id == services.review_chain(town)[0].pk
        assert WebsiteVersion.objects.filter(website=site, number=1, source="import").count() == 1
        assert WebsiteDomain.objects.filter(website=site, key=site.url_key.split("://", 1)[-1]).exists()
        assert WebsiteColumn.objects.filter(website=site).count() == 6
        assert ReviewEvent.objects.filter(website=site, action=ReviewEvent.Action.SUBMIT, version=1).count() == 1
        assert sorted(AuditEvent.objects.filter(object_id=str(site.pk), object_type="registry.website")
                      .values_list("action", flat=True)) == ["website_saved", "website_submitted"]
    assert batch.pk


def test_new_sites_filed_together_refuse_as_one_at_a_time_would(demo_users):
    """file_new_sites: a filing refused (a site already registered, twice in the same call, an
    incomplete one) writes nothing and is returned as its typed error; the others are written."""
    laishui = demo_users["laishui"]
    town = Unit.objects.get(name="赵各庄镇人民政府")
    taken = Website.objects.open().exclude(unit=town).exclude(homepage_url="").first()

    def filing(url, **changes):
        f = sample_filing(name=f"网站{url}", url=url, unit_name=town.name)
        f.basic.update(changes)
        f.keys = services.records.identity_keys(f.basic)
        return f

    incomplete = filing("http://together3.laishui.gov.cn", principal_name="")
    results = services.file_new_sites(actor=laishui, filings=[
        (town, filing("http://together1.laishui.gov.cn")), (town, filing(taken.homepage_url)),
        (town, filing("http://together1.laishui.gov.cn/index.html")), (town, incomplete)])
    assert isinstance(results[0], Website) and results[0].status == Website.Status.SUBMITTED
    assert isinstance(results[1], Duplicate) and "同一网站只能登记一次" in results[1].message
    assert isinstance(results[2], Duplicate) and "本次导入" in results[2].message
    assert "负责人" in results[3].message or "不能报送" in results[3].message
    assert Website.objects.filter(homepage_url__startswith="http://together").count() == 1
