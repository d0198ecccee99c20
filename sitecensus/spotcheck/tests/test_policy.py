"""The spot-check policy: only the organizing unit's operators take part. A
site's identifier-code login whose site belongs to the organizing unit itself
(河北省人民政府办公厅's own site, 1300000001) must not open sampled sites, claim
them as reviewer, or sign off as the second reviewer."""

from datetime import date, timedelta

import pytest

from sitecensus.core.errors import NotAllowed
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import policy, services

pytestmark = pytest.mark.django_db
TODAY = date.today()
SITE_OF_ORGANIZER = "1300000001"  # the site of 河北省人民政府办公厅, the batch's organizer


@pytest.fixture
def hebei_batch(demo_users):
    hebei = demo_users["hebei"]
    b = services.create_batch(actor=hebei, name="省级抽查", strata_by=[], ratio="100",
                              window_start=TODAY - timedelta(days=7), window_end=TODAY)
    b = services.draw(actor=hebei, batch=b)
    services.start(actor=hebei, batch=b)
    return b


def test_site_login_of_the_organizer_is_not_a_member(demo_users, hebei_batch):
    site = demo_users[SITE_OF_ORGANIZER]
    assert site.unit_id == hebei_batch.organizer_id  # the attack's premise: same unit
    bsite = hebei_batch.sites.first()
    assert not policy.may_organize(site)
    assert not policy.may_open_site(site, bsite)
    assert not policy.may_review(site, bsite)
    assert not policy.may_sign_off(site, bsite)
    assert policy.may_review(demo_users["hebei"], bsite)


def test_site_login_cannot_claim_a_sampled_site(demo_users, hebei_batch):
    site = demo_users[SITE_OF_ORGANIZER]
    bsite = hebei_batch.sites.first()
    with pytest.raises(NotAllowed) as refused:
        services.review_card(actor=site, bsite=bsite)
    assert refused.value.code == "spotcheck.review"
    bsite.refresh_from_db()
    assert bsite.reviewer_id is None and bsite.scorecard_id is None


def test_site_login_cannot_sign_off(demo_users, hebei_batch):
    hebei, site = demo_users["hebei"], demo_users[SITE_OF_ORGANIZER]
    bsite = hebei_batch.sites.first()
    scoring.submit_card(actor=hebei, card=services.review_card(actor=hebei, bsite=bsite),
                        raw_entries={"A2": {"count": 1}})
    with pytest.raises(NotAllowed) as refused:
        services.sign_off(actor=site, bsite=bsite)
    assert refused.value.code == "spotcheck.sign_off"
    bsite.refresh_from_db()
    assert bsite.second_reviewer_id is None


def test_site_login_pages_refused(client, demo_users, hebei_batch):
    client.force_login(demo_users[SITE_OF_ORGANIZER])
    bsite = hebei_batch.sites.first()
    assert client.get(f"/spotcheck/site/{bsite.pk}/").status_code == 404
    assert client.post(f"/spotcheck/site/{bsite.pk}/", {"action": "sign"}).status_code == 404
    assert client.post(f"/spotcheck/site/{bsite.pk}/").status_code == 404  # claiming as reviewer
    assert client.get("/spotcheck/").status_code == 403
    assert client.get(f"/spotcheck/{hebei_batch.pk}/").status_code == 403
    bsite.refresh_from_db()
    assert bsite.reviewer_id is None


def test_no_notice_before_the_scan_and_a_published_notice_is_final(demo_users):
    from sitecensus.core.errors import InvalidState
    from sitecensus.spotcheck.models import Batch

    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    b = services.create_batch(actor=guoban, name="终稿", strata_by=[], ratio="100",
                              window_start=TODAY - timedelta(days=7), window_end=TODAY)
    b = services.draw(actor=guoban, batch=b)
    services.start(actor=guoban, batch=b)
    for bsite in b.sites.all():
        scoring.submit_card(actor=guoban, card=services.review_card(actor=guoban, bsite=bsite),
                            raw_entries={"A2": {"count": 1}})
        services.sign_off(actor=second, bsite=bsite)
    with pytest.raises(InvalidState, match="尚未完成系统扫描"):
        services.compose_notice(actor=guoban, batch=b)
    Batch.objects.filter(pk=b.pk).update(status="scanned")  # the scan itself is tested with the scanner
    notice = services.compose_notice(actor=guoban, batch=b)
    services.publish(actor=guoban, notice=notice)
    published = notice.__class__.objects.get(pk=notice.pk)
    with pytest.raises(InvalidState, match="通报已发布"):
        services.compose_notice(actor=guoban, batch=b)
    again = notice.__class__.objects.get(pk=notice.pk)
    assert (again.body, again.published_at, again.figures) == (published.body, published.published_at,
                                                               published.figures)


def test_second_reviewer_returns_a_result_with_a_reason_and_signs_in_bulk(demo_users):
    from sitecensus.core.errors import InvalidInput

    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    b = services.create_batch(actor=guoban, name="退回", strata_by=[], ratio="100",
                              window_start=TODAY - timedelta(days=7), window_end=TODAY)
    b = services.draw(actor=guoban, batch=b)
    services.start(actor=guoban, batch=b)
    sites = list(b.sites.all())
    for bsite in sites:
        scoring.submit_card(actor=guoban, card=services.review_card(actor=guoban, bsite=bsite),
                            raw_entries={"A2": {"count": 1}})
    first = sites[0]
    old_card = first.__class__.objects.get(pk=first.pk).scorecard_id
    with pytest.raises(InvalidInput, match="原因"):
        services.return_to_reviewer(actor=second, bsite=first, reason=" ")
    with pytest.raises(NotAllowed):  # the reviewer cannot return its own result
        services.return_to_reviewer(actor=guoban, bsite=first, reason="自己退回")
    with pytest.raises(NotAllowed):
        services.return_to_reviewer(actor=demo_users[SITE_OF_ORGANIZER], bsite=first, reason="x")
    services.return_to_reviewer(actor=second, bsite=first, reason="首页截图不清晰")
    first.refresh_from_db()
    assert first.scorecard_id is None and first.status == "pending"
    new_card = services.review_card(actor=guoban, bsite=first)
    assert new_card.pk != old_card  # the returned card stays as it was; a new one is scored
    done, refused = services.sign_off_many(actor=second, bsites=sites)
    assert {s.pk for s in done} == {s.pk for s in sites[1:]}
    assert [s.pk for s, _ in refused] == [first.pk] and "尚未提交" in refused[0][1]


def test_results_reach_the_inspected_unit_only_when_signed_off(demo_users):
    from sitecensus.scoring import selectors as scoring_selectors

    guoban, second = demo_users["guoban"], demo_users["guoban_fh"]
    b = services.create_batch(actor=guoban, name="发布前", strata_by=[], ratio="100",
                              window_start=TODAY - timedelta(days=7), window_end=TODAY)
    b = services.draw(actor=guoban, batch=b)
    services.start(actor=guoban, batch=b)
    bsite = b.sites.get(website__site_code="1306230002")
    card = services.review_card(actor=guoban, bsite=bsite)
    scoring.submit_card(actor=guoban, card=card, raw_entries={"A2": {"count": 1}})
    for who in ("laishui_lsz", "1306230002", "laishui"):  # the unit, its site login, the county above
        assert not scoring_selectors.visible_scorecards(demo_users[who]).filter(pk=card.pk).exists(), who
    assert scoring_selectors.visible_scorecards(second).filter(pk=card.pk).exists()  # the second reviewer
    services.sign_off(actor=second, bsite=bsite)
    for who in ("laishui_lsz", "1306230002", "laishui"):
        assert scoring_selectors.visible_scorecards(demo_users[who]).filter(pk=card.pk).exists(), who
