"""The change feed misses no bulk write: `QuerySet.update()`, `bulk_update()` and
`bulk_create()` of every synced model record their rows (sitecensus.core.feed)
in the write's own transaction, and move `updated_at`; a mirror following
/api/events sees each change. Evidence uploads mark their card changed."""

import pytest
from django.db import transaction
from django.utils import timezone

from sitecensus.api import services
from sitecensus.api.models import Change
from sitecensus.core.feed import FeedQuerySet
from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring_services
from sitecensus.scoring.models import InspectionReport, Rectification, Scorecard

pytestmark = pytest.mark.django_db
FEED_MODELS = (Website, Scorecard, Rectification, InspectionReport)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class Mirror:
    """A platform following /api/events from the latest event it knows."""

    def __init__(self, client, user):
        self.client = client
        self.raw = services.create_token(actor=user, name="镜像", days=30,
                                         scopes=["registry:read", "scoring:read", "reports:read"])[1]
        self.after = client.get("/api/events", **bearer(self.raw)).json()["latest"]

    def follow(self) -> set[tuple[str, int]]:
        seen = set()
        while True:
            page = self.client.get("/api/events", {"after": self.after}, **bearer(self.raw)).json()
            seen |= {(e["kind"], e["object_id"]) for e in page["items"]}
            self.after = page["next_after"]
            if not page["has_more"]:
                return seen


def test_every_synced_model_writes_in_bulk_through_the_feed_queryset():
    for model in FEED_MODELS:
        assert isinstance(model.objects.all(), FeedQuerySet), model
    site = Website.objects.first()
    assert isinstance(site.scorecards.all(), FeedQuerySet)  # related managers too


def test_queryset_update_of_websites_is_seen(client, demo_users):
    mirror = Mirror(client, demo_users["laishui"])
    sites = list(Website.objects.filter(unit__path__startswith=demo_users["laishui"].unit.path)
                 .values_list("pk", flat=True))
    before = timezone.now()
    assert Website.objects.filter(pk__in=sites).update(is_late=True) == len(sites)
    assert mirror.follow() == {("website", pk) for pk in sites}
    assert all(w.updated_at >= before for w in Website.objects.filter(pk__in=sites))
    # updated_since sees them as well (update() moves updated_at as save() does).
    listed = client.get("/api/sites", {"updated_since": before.isoformat()}, **bearer(mirror.raw)).json()
    assert {s["id"] for s in listed["items"]} == set(sites)


def test_bulk_update_and_bulk_create_of_websites_are_seen(client, demo_users):
    mirror = Mirror(client, demo_users["laishui"])
    site = Website.objects.filter(unit=demo_users["laishui_lsz"].unit).first()
    site.return_reason = "批量更新"
    Website.objects.bulk_update([site], ["return_reason"])
    assert mirror.follow() == {("website", site.pk)}
    made = Website.objects.bulk_create([Website(name="批量新建网站", homepage_url="http://pl.example.gov.cn/",
                                                unit=site.unit, organizer=site.organizer, site_class=site.site_class)])
    assert mirror.follow() == {("website", made[0].pk)}
    assert Change.objects.get(object_id=made[0].pk, kind="website").action == "created"


def test_queryset_update_of_cards_notices_and_reports_is_seen(client, demo_users):
    organizer = demo_users["laishui"]
    mirror = Mirror(client, organizer)
    owner = demo_users["hebei_fgw"]
    card = scoring_services.open_self_check(actor=owner, website=Website.objects.get(name="河北省发展和改革委员会"))
    own_mirror = Mirror(client, owner)
    Scorecard.objects.filter(pk=card.pk).update(is_late=True)
    assert own_mirror.follow() == {("scorecard", card.pk)}
    assert mirror.follow() == set()  # another unit's card: not in laishui's scope
    notice = Rectification.objects.get(website__site_code="1306230002")
    Rectification.objects.filter(pk=notice.pk).update(requirement="补充整改要求")
    assert mirror.follow() == {("rectification", notice.pk)}
    report = scoring_services.save_report(actor=organizer, narrative="草稿")
    mirror.follow()
    InspectionReport.objects.filter(pk=report.pk).update(narrative="批量改写")
    assert mirror.follow() == {("report", report.pk)}


def test_a_rolled_back_bulk_write_leaves_no_event(client, demo_users):
    mirror = Mirror(client, demo_users["laishui"])
    site = Website.objects.filter(unit=demo_users["laishui_lsz"].unit).first()
    with pytest.raises(RuntimeError), transaction.atomic():
        Website.objects.filter(pk=site.pk).update(is_late=True)
        raise RuntimeError
    assert mirror.follow() == set()


def test_evidence_upload_marks_its_card_changed(client, demo_users):
    from sitecensus.evidence.services import attach_to_card
    from sitecensus.evidence.testing import png_bytes, upload

    owner = demo_users["hebei_fgw"]
    card = scoring_services.open_self_check(actor=owner, website=Website.objects.get(name="河北省发展和改革委员会"))
    mirror = Mirror(client, owner)
    before = Scorecard.objects.get(pk=card.pk).updated_at
    attach_to_card(actor=owner, card=card, uploads=[upload("a.png", png_bytes())])
    assert mirror.follow() == {("scorecard", card.pk)}
    assert Scorecard.objects.get(pk=card.pk).updated_at > before


def test_the_schema_tells_clients_to_overlap_or_follow_the_feed():
    from sitecensus.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    assert "减去余量" in schema["info"]["description"] or "减去一段余量" in schema["info"]["description"]
    assert "/api/events" in schema["info"]["description"] and "提交顺序" in schema["info"]["description"]
    since = next(p for p in schema["paths"]["/api/sites"]["get"]["parameters"] if p["name"] == "updated_since")
    assert "余量" in since["description"]
    after = next(p for p in schema["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "after")
    assert "seq" in after["description"]


def test_sites_named_by_the_feed_are_fetched_by_id_within_scope(client, demo_users):
    mirror = Mirror(client, demo_users["laishui"])
    inside = Website.objects.filter(unit__path__startswith=demo_users["laishui"].unit.path).order_by("id")[:2]
    outside = Website.objects.exclude(unit__path__startswith=demo_users["laishui"].unit.path).first()
    ids = ",".join(str(pk) for pk in [w.pk for w in inside] + [outside.pk])
    got = client.get("/api/sites", {"ids": ids}, **bearer(mirror.raw)).json()
    assert sorted(s["id"] for s in got["items"]) == sorted(w.pk for w in inside)
    bad = client.get("/api/sites", {"ids": "1,x"}, **bearer(mirror.raw))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
