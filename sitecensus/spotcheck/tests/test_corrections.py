"""A published notice is final: a correction is a new notice of the same batch, linked to
the original, its figures recomputed from the current results, published by the same
declared transition; the original stays as it was published."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput, NotAllowed
from sitecensus.core.lifecycle import TransitionRefused
from sitecensus.scoring import services as scoring
from sitecensus.scoring.models import Rectification, Scorecard
from sitecensus.spotcheck import services
from sitecensus.spotcheck.models import BatchSite, Notice

from .test_spotcheck import batch

pytestmark = pytest.mark.django_db
FAILING = {"A2": {"count": 50}, "A3": {"count": 500}, "B2": {"count": 20}, "C1": {"count": 5}}  # 55 points


def signed_batch(users):
    guoban, second = users["guoban"], users["guoban_fh"]
    b = services.draw(actor=guoban, batch=batch(users, ratio="100", strata_by=["site_class"]))
    b = services.skip_scan(actor=guoban, batch=services.start(actor=guoban, batch=b), reason="人工复核")
    services.assign(actor=guoban, batch=b, reviewer=guoban)
    for each in b.sites.all():
        card = services.review_card(actor=guoban, bsite=each)
        scoring.submit_card(actor=guoban, card=card, raw_entries=FAILING)
    services.sign_off_many(actor=second, bsites=list(b.sites.all()))
    return b


def published(users):
    b = signed_batch(users)
    notice = services.compose_notice(actor=users["guoban"], batch=b)
    return services.publish(actor=users["guoban"], notice=notice)


def test_refused_before_publication_and_without_a_reason(demo_users):
    guoban = demo_users["guoban"]
    notice = services.compose_notice(actor=guoban, batch=signed_batch(demo_users))
    with pytest.raises(TransitionRefused) as caught:
        services.compose_correction(actor=guoban, notice=notice, reason="数据有误")
    assert caught.value.code == "spotcheck.notice.correct" and "尚未发布" in caught.value.message
    notice = services.publish(actor=guoban, notice=notice)
    with pytest.raises(InvalidInput, match="更正原因") as caught:
        services.compose_correction(actor=guoban, notice=notice, reason="   ")
    assert caught.value.field == "更正原因"
    assert not Notice.objects.filter(corrects=notice).exists()


def test_wrong_role_and_out_of_scope_refused(demo_users):
    notice = published(demo_users)
    for who in ("hebei", "laishui_lsz"):  # another organizer's batch; a unit that organizes nothing
        with pytest.raises(NotAllowed):
            services.compose_correction(actor=demo_users[who], notice=notice, reason="数据有误")
    assert not notice.corrections.exists()


def test_correction_recomputes_and_publishes_through_the_same_transition(demo_users):
    guoban = demo_users["guoban"]
    original = published(demo_users)
    before = dict(original.figures), list(original.unqualified), original.published_at
    rectifications = Rectification.objects.count()
    # A result changed after publication (a site re-scored, e.g. wrongly recorded): the correction shows it.
    first = original.batch.sites.exclude(scorecard__result="合格").order_by("pk").first()
    card = Scorecard.objects.create(website=first.website, stage=Scorecard.Stage.SPOTCHECK,
                                    rubric=scoring.current_table(), scorer_unit=original.batch.organizer,
                                    created_by=guoban)
    card = scoring.submit_card(actor=guoban, card=card, raw_entries={})
    assert card.result == "合格"
    BatchSite.objects.filter(pk=first.pk).update(scorecard=card)
    correction = services.compose_correction(actor=guoban, notice=original, reason="一个网站的结果录入有误")
    assert correction.corrects == original and correction.batch_id == original.batch_id
    assert correction.status == Notice.Status.COMPOSED and correction.title.endswith("的更正通报")
    assert correction.body.startswith("更正原因：一个网站的结果录入有误")
    assert f"《{original.title}》" in correction.body and f"{original.published_at:%Y年}" in correction.body
    assert correction.figures["passed"] == before[0]["passed"] + 1
    assert len(correction.unqualified) == len(before[1]) - 1
    event = AuditEvent.objects.get(action="notice_correction_composed")
    assert event.details["reason"] == "一个网站的结果录入有误"
    # One unpublished correction at a time.
    with pytest.raises(TransitionRefused) as caught:
        services.compose_correction(actor=guoban, notice=original, reason="再次更正")
    assert caught.value.code == "spotcheck.notice.correct.no_pending_correction"
    correction = services.publish(actor=guoban, notice=correction)
    assert correction.status == Notice.Status.PUBLISHED and correction.published_at
    # No second rectification for a problem whose notice is still open.
    assert Rectification.objects.count() == rectifications
    original.refresh_from_db()
    assert (original.status, original.figures, original.unqualified, original.published_at) == (
        Notice.Status.PUBLISHED, before[0], before[1], before[2])
    assert original.batch.notice == original  # the batch's original notice, corrections beside it
    # Published, a further correction may follow; a correction itself is not corrected.
    with pytest.raises(TransitionRefused, match="更正通报不能再更正"):
        services.compose_correction(actor=guoban, notice=correction, reason="x")
    assert services.compose_correction(actor=guoban, notice=original, reason="再次更正").corrects == original


def test_correct_from_the_notice_page_and_the_public_links(client, demo_users):
    guoban = demo_users["guoban"]
    original = published(demo_users)
    client.force_login(guoban)
    page = client.get(f"/spotcheck/{original.batch_id}/notice/").content.decode()
    assert 'data-testid="correct-form"' in page and "发布更正通报" in page
    empty = client.post(f"/spotcheck/{original.batch_id}/notice/correct/", {"reason": ""})
    assert empty.status_code == 400 and "请填写更正原因" in empty.content.decode()
    response = client.post(f"/spotcheck/{original.batch_id}/notice/correct/", {"reason": "合格率计算有误"})
    correction = original.corrections.get()
    assert response.status_code == 302 and response["Location"] == f"/spotcheck/notices/{correction.pk}/"
    page = client.get(f"/spotcheck/notices/{correction.pk}/").content.decode()
    assert "的更正通报" in page and f"/spotcheck/{original.batch_id}/notice/" in page
    assert 'data-testid="correct-form"' not in page and f'name="notice" value="{correction.pk}"' in page
    client.post(f"/spotcheck/{original.batch_id}/action/", {"action": "publish", "notice": correction.pk})
    correction.refresh_from_db()
    assert correction.published_at
    page = client.get(f"/spotcheck/{original.batch_id}/notice/").content.decode()
    assert "已更正" in page and f"/spotcheck/notices/{correction.pk}/" in page
    assert client.get(f"/spotcheck/notices/{correction.pk}.pdf")["Content-Type"] == "application/pdf"
    assert client.get(f"/spotcheck/notices/{correction.pk}.xlsx").status_code == 200
    # Another organizer does not reach it.
    client.force_login(demo_users["hebei"])
    for suffix in ("/", ".pdf", ".xlsx"):
        assert client.get(f"/spotcheck/notices/{correction.pk}{suffix}").status_code == 404
    # The public pages: the original says it was corrected and links to the correction, and back.
    client.logout()
    public = client.get(f"/pucha/notices/{original.pk}/").content.decode()
    assert "已更正" in public and f"/pucha/notices/{correction.pk}/" in public
    public = client.get(f"/pucha/notices/{correction.pk}/").content.decode()
    assert "的更正通报" in public and f"/pucha/notices/{original.pk}/" in public
