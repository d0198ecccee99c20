"""One counting rule for "approved": statistics, public pages and progress agree."""

import pytest

from sitecensus.public import selectors as public
from sitecensus.registry import selectors, services
from sitecensus.registry.models import Website
from sitecensus.stats import selectors as stats
from sitecensus.stats.services import refresh_tallies

pytestmark = pytest.mark.django_db


def test_a_pending_change_still_counts_as_approved_everywhere(demo_users):
    u = demo_users
    site = Website.objects.filter(site_code__isnull=False, status="approved",
                                  unit__path__startswith=u["laishui"].unit.path).first()
    data = dict(site.data, principal_name="变更人")
    columns = [{k: getattr(c, k) for k in services.COLUMN_FIELDS} for c in site.columns.order_by("position")]
    services.request_change(actor=u["laishui"], website=site, filing=services.Filing(basic=data, columns=columns))
    coded = Website.objects.filter(site_code__isnull=False).count()
    guoban = u["guoban"]
    live = stats.statistics(guoban, live=True).summary["approved"]
    refresh_tallies(force=True)
    tallied = stats.statistics(guoban, live=False).summary["approved"]
    public_total = public.progress_by_province(live=True)["totals"]["approved"]
    public_tallied = public.progress_by_province()["totals"]["approved"]
    national = selectors.progress(guoban, guoban.unit)
    assert live == tallied == public_total == public_tallied == national["approved"] == coded
    # Progress rolls up the subtree: the national office sees the real national counts.
    assert national["sites"] == Website.objects.count() and national["subtree_reported"] > 0


def test_review_queue_page_size_and_select_all_matching(client, demo_users):
    from sitecensus.registry.testing import sample_filing

    clerk = demo_users["laishui_lsz"]
    for i in range(3):
        site = services.save_draft(actor=clerk, unit=clerk.unit, filing=sample_filing(
            name=f"批量{i}", url=f"http://pl{i}.lsz.laishui.gov.cn", unit_name=clerk.unit.name))
        services.submit(actor=clerk, website=site)
    client.force_login(demo_users["laishui"])
    page = client.get("/sites/review/", {"size": "100"})
    assert page.context["size"] == 100 and 'data-testid="all-matching"' in page.content.decode()
    pending = selectors.review_queue(demo_users["laishui"], query="批量").count()
    assert pending == 3
    client.post("/sites/review/bulk/", {"all_matching": "1", "q": "批量", "action": "approve"})
    assert selectors.review_queue(demo_users["laishui"], query="批量").count() == 0
