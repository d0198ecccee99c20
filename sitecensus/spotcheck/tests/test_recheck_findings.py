"""Scanner findings reach the spot-check re-check as data: each pending finding is offered on the re-check
page with its evidence and is accepted into the reviewer's spot-check card or rejected with a reason,
as on the inspection card; the engine's other findings (暗链 …) and the vetoes' readings are shown."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from sitecensus.scanner.models import SiteScan, Suggestion
from sitecensus.scoring import selectors
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import Scorecard
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _recheck(users):
    guoban = users["guoban"]
    b = services.create_batch(actor=guoban, name="复核扫描发现", strata_by=["site_class"], ratio="100",
                              window_start=TODAY - timedelta(days=7), window_end=TODAY)
    b = services.draw(actor=guoban, batch=b)
    services.start(actor=guoban, batch=b)
    Batch.objects.filter(pk=b.pk).update(status="scanned")
    b.refresh_from_db()
    services.assign(actor=guoban, batch=b, reviewer=guoban)
    return guoban, b.sites.select_related("website").first()


def _suggest(site, code, indicator="A2", **entry):
    return Suggestion.objects.create(
        website=site, indicator=indicator, rubric_code=code, entry=entry or {"count": 3}, summary="首页失效链接 3 个",
        evidence=[{"url": site.homepage_url, "item_url": site.homepage_url + "gone.html", "name": "", "date": None,
                   "source": "http_status", "source_label": "所在页面 首页", "snippet": "404"}])


def test_findings_are_accepted_or_rejected_on_the_recheck_page(client, demo_users):
    guoban, bsite = _recheck(demo_users)
    site = bsite.website
    client.force_login(guoban)
    SiteScan.objects.create(website=site, at=timezone.now(), as_of=TODAY, reachable=True, vetoes=["网站不更新"],
                            summary={"findings": [{"code": "暗链", "message": "页面含隐藏的外部链接", "snippet": "澳门娱乐城",
                                                   "items": ["http://bet-88.test/1"]}],
                                     "veto_evidence": [{"veto": "网站不更新", "reading": "rendered", "evidence": [
                                         {"url": site.homepage_url, "date": "2026-01-02", "snippet": "召开会议"}]}]})
    code = scoring_services.current_code()
    take, drop = _suggest(site, code), _suggest(site, code, indicator="A3", count=2)
    page = client.get(f"/spotcheck/site/{bsite.pk}/").content.decode()
    assert "暗链" in page and "bet-88.test" in page and "浏览器渲染后确认" in page
    assert "开始复核评分后" in page and f'/scans/suggestion/{take.pk}/' not in page  # no card yet: shown only
    card = services.review_card(actor=guoban, bsite=bsite)
    assert card.rubric.code == code
    page = client.get(f"/spotcheck/site/{bsite.pk}/").content.decode()
    assert f'/scans/suggestion/{take.pk}/' in page and "gone.html" in page and f'name="card" value="{card.pk}"' in page

    card_page = client.get(f"/checks/card/{card.pk}/").content.decode()   # the card offers them too
    assert f'/scans/suggestion/{take.pk}/' in card_page and f'name="card" value="{card.pk}"' in card_page

    refused = client.post(f"/scans/suggestion/{drop.pk}/", {"accept": "0", "card": card.pk,
                                                            "back": f"spotcheck-{bsite.pk}"})
    assert refused.status_code == 400 and "原因" in refused.content.decode()
    response = client.post(f"/scans/suggestion/{take.pk}/", {"accept": "1", "card": card.pk,
                                                             "back": f"spotcheck-{bsite.pk}"})
    assert response.status_code == 302 and response["Location"].endswith(f"/spotcheck/site/{bsite.pk}/")
    take.refresh_from_db()
    assert take.status == Suggestion.Status.ACCEPTED and take.scorecard_id == card.pk
    assert selectors.entries_of(card)["A2"]["count"] == 3
    assert card.stage == Scorecard.Stage.SPOTCHECK
    client.post(f"/scans/suggestion/{drop.pk}/", {"accept": "0", "card": card.pk, f"reason-{drop.pk}": "链接可用，误报",
                                                  "back": f"spotcheck-{bsite.pk}"})
    drop.refresh_from_db()
    assert drop.status == Suggestion.Status.REJECTED and drop.reason == "链接可用，误报" and drop.scorecard_id == card.pk
    assert "A3" not in selectors.entries_of(card)


def test_another_units_card_cannot_take_a_finding(client, demo_users):
    guoban, bsite = _recheck(demo_users)
    card = services.review_card(actor=guoban, bsite=bsite)
    found = _suggest(bsite.website, card.rubric.code)
    client.force_login(demo_users["hebei"])
    response = client.post(f"/scans/suggestion/{found.pk}/", {"accept": "1", "card": card.pk})
    assert response.status_code in (403, 404)
    found.refresh_from_db()
    assert found.status == Suggestion.Status.PENDING
