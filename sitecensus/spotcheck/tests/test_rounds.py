"""Spot-check batches belong to a campaign round (the quarterly spot checks after the
census): chosen when the batch is made (default: the open round), gated by the round's
抽查核查 dates (refused before, late after), shown and grouped by round."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps

from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.registry import campaigns
from sitecensus.scoring import services as scoring
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import Batch

pytestmark = pytest.mark.django_db
TODAY = date.today()
D = timedelta(days=1)


def make_round(users, name, spot, rect=None):
    phases = {"spotcheck": spot}
    if rect:
        phases["rectification"] = rect
    return campaigns.create_round(actor=users["guoban"], parent=campaigns.active_campaign(), name=name,
                                  phases=phases)


def new_batch(users, name="第二季度抽查", actor="guoban", **kw):
    return services.create_batch(actor=users[actor], name=name, strata_by=["site_class"], ratio="100",
                                 window_start=TODAY - 7 * D, window_end=TODAY, **kw)


def test_without_rounds_a_batch_is_unassigned_and_says_so(demo_users):
    b = new_batch(demo_users)
    assert b.round is None and not b.is_late and b.round_label == "未关联抽查轮次"


def test_the_open_round_is_the_default_and_its_dates_gate_the_batch(demo_users):
    closed = make_round(demo_users, "2026年第一季度抽查", (TODAY - 90 * D, TODAY - 60 * D))
    open_ = make_round(demo_users, "2026年第二季度抽查", (TODAY - 5 * D, TODAY + 20 * D))
    ahead = make_round(demo_users, "2026年第三季度抽查", (TODAY + 30 * D, TODAY + 60 * D))
    b = new_batch(demo_users)
    assert b.round == open_ and not b.is_late
    late = new_batch(demo_users, name="补抽", campaign_round=closed.pk)
    assert late.round == closed and late.is_late
    with pytest.raises(InvalidState) as refused:
        new_batch(demo_users, name="提前", campaign_round=ahead)
    message = refused.value.message
    assert "2026年第三季度抽查" in message and "抽查核查" in message and "尚未开始" in message
    from sitecensus.core.dates import cn_date

    assert cn_date(TODAY + 30 * D) in message and cn_date(TODAY + 60 * D) in message
    with pytest.raises(InvalidInput, match="没有这个抽查轮次"):
        new_batch(demo_users, name="乱填", campaign_round="abc")


def test_after_every_round_closed_the_latest_is_the_default_and_late(demo_users):
    make_round(demo_users, "一季度", (TODAY - 90 * D, TODAY - 60 * D))
    second = make_round(demo_users, "二季度", (TODAY - 30 * D, TODAY - 2 * D))
    b = new_batch(demo_users)
    assert b.round == second and b.is_late


def _signed_notice(users, b):
    guoban, second = users["guoban"], users["guoban_fh"]
    b = services.draw(actor=guoban, batch=b)
    services.start(actor=guoban, batch=b)
    Batch.objects.filter(pk=b.pk).update(status="scanned")
    b.refresh_from_db()
    services.assign(actor=guoban, batch=b, reviewer=guoban)
    for n, bsite in enumerate(b.sites.all()):
        card = services.review_card(actor=guoban, bsite=bsite)
        assert card.campaign_id == b.round_id  # the card's rectifications follow its round
        raw = {"V2": {"veto": True, "evidence": ["http://x.gov.cn/"]}} if n == 0 else {"A2": {"count": 1}}
        scoring.submit_card(actor=guoban, card=card, raw_entries=raw)
        services.sign_off(actor=second, bsite=bsite)
    return services.compose_notice(actor=guoban, batch=b)


def test_notice_pages_and_lists_group_by_round(client, demo_users):
    spring = make_round(demo_users, "2026年第二季度抽查", (TODAY - 5 * D, TODAY + 20 * D),
                        rect=(TODAY - 5 * D, TODAY + 45 * D))
    notice = _signed_notice(demo_users, new_batch(demo_users))
    assert notice.figures["round"] == spring.name and spring.name in notice.body
    services.publish(actor=demo_users["guoban"], notice=notice)
    from sitecensus.scoring.models import Rectification

    issued = Rectification.objects.filter(scorecard__campaign=spring)
    assert issued.exists() and {r.deadline for r in issued} == {TODAY + 45 * D}  # the round's 整改 close
    public = client.get("/pucha/notices/").content.decode()
    assert 'data-testid="notice-round">2026年第二季度抽查' in public and notice.title in public
    assert "抽查轮次：2026年第二季度抽查" in client.get(f"/pucha/notices/{notice.pk}/").content.decode()
    client.force_login(demo_users["guoban"])
    new_batch(demo_users, name="旧批次", campaign_round=None)
    Batch.objects.filter(name="旧批次").update(round=None)
    page = client.get("/spotcheck/").content.decode()
    assert 'data-testid="batch-round"' in page and "当前轮次：2026年第二季度抽查" in page
    assert 'data-testid="by-round"' in page and "未关联抽查轮次" in page
    detail = client.get(f"/spotcheck/{notice.batch.pk}/").content.decode()
    assert 'data-testid="batch-round">2026年第二季度抽查' in detail
    from sitecensus.spotcheck.selectors import figures_by_round

    rows = figures_by_round(demo_users["guoban"].unit)
    assert rows[0]["round"] == spring.name and rows[0]["signed"] == notice.figures["checked"]
    assert rows[-1]["round"] == "未关联抽查轮次" and rows[-1]["batches"] == 1


def test_the_batch_form_takes_a_round(client, demo_users):
    spring = make_round(demo_users, "2026年第二季度抽查", (TODAY - 5 * D, TODAY + 20 * D))
    client.force_login(demo_users["guoban"])
    response = client.post("/spotcheck/", {"name": "页面抽查", "strata_by": ["region"], "ratio": "20",
                                           "round": str(spring.pk), "window_start": TODAY.isoformat(),
                                           "window_end": TODAY.isoformat()})
    assert response.status_code == 302 and Batch.objects.get(name="页面抽查").round == spring


def test_migration_assigns_existing_batches_to_their_round(demo_users):
    spring = make_round(demo_users, "二季度", (TODAY - 10 * D, TODAY + 10 * D))
    inside = new_batch(demo_users, name="期内")
    outside = new_batch(demo_users, name="期外")
    Batch.objects.filter(pk=inside.pk).update(round=None)
    Batch.objects.filter(pk=outside.pk).update(round=None, created_at=inside.created_at - timedelta(days=200),
                                                window_start=TODAY - 200 * D)
    module = importlib.import_module("sitecensus.spotcheck.migrations.0002_batch_round")
    module.assign_rounds(django_apps, None)
    assert Batch.objects.get(pk=inside.pk).round == spring
    assert Batch.objects.get(pk=outside.pk).round is None
