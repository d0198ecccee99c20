"""Evidence files, scanner suggestions and spot-check review through the API: the
UI's services and policies, the UI's refusal codes, idempotent retries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sitecensus.api import services
from sitecensus.audit.models import AuditEvent
from sitecensus.evidence.models import EvidenceFile
from sitecensus.evidence.testing import pdf_bytes, png_bytes
from sitecensus.registry.models import Website
from sitecensus.scanner.models import Suggestion
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring.models import Rectification, Scorecard
from sitecensus.spotcheck import services as spot_services
from sitecensus.spotcheck.models import Batch, BatchSite

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token(user, scopes=("registry:write", "scoring:write")):
    return services.create_token(actor=user, name="平台", scopes=list(scopes), days=30)[1]


def files(*pairs):
    return [SimpleUploadedFile(name, data) for name, data in pairs]


# ---------------------------------------------------------------- evidence

def test_self_check_evidence_upload_download_and_scope(client, demo_users):
    raw = token(demo_users["hebei_fgw"])
    site = Website.objects.get(name="河北省发展和改革委员会")
    card_id = client.post(f"/api/sites/{site.pk}/selfcheck", **bearer(raw)).json()["id"]
    url = f"/api/scorecards/{card_id}/files"
    fake = client.post(url, {"files": files(("首页.png", b"<html>not an image</html>"))}, **bearer(raw))
    assert fake.status_code == 400 and fake.json()["code"] == "invalid" and "首页.png" in fake.json()["detail"]
    assert not EvidenceFile.objects.exists()
    key = {"HTTP_IDEMPOTENCY_KEY": "evidence-1"}
    pdf = pdf_bytes()
    first = client.post(url, {"indicator": "A2", "files": files(("首页截图.png", png_bytes()), ("说明.pdf", pdf))},
                        **key, **bearer(raw))
    assert first.status_code == 201, first.content
    assert [(f["name"], f["kind"], f["indicator"]) for f in first.json()["files"]] == [
        ("首页截图.png", "png", "A2"), ("说明.pdf", "pdf", "A2")]
    retry = client.post(url, {"indicator": "A2", "files": files(("首页截图.png", png_bytes()), ("说明.pdf", pdf))},
                        **key, **bearer(raw))
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert EvidenceFile.objects.filter(scorecard_id=card_id).count() == 2  # a retry never attaches twice
    other = client.post(url, {"files": files(("另一个.png", png_bytes()))}, **key, **bearer(raw))
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    png_id = first.json()["files"][0]["id"]
    got = client.get(f"/api/evidence/{png_id}", **bearer(raw))
    assert got.status_code == 200 and got.content == png_bytes() and got["Content-Type"] == "image/png"
    assert got["Content-Disposition"].startswith("attachment;") and got["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/scorecards/{card_id}", **bearer(raw)).json()["files"][0]["id"] == png_id
    # The organizing unit above reads it; other units are told it does not exist.
    assert client.get(f"/api/evidence/{png_id}", **bearer(token(demo_users["hebei"]))).status_code == 200
    stranger = token(demo_users["hebei_jyt"])
    missing = client.get(f"/api/evidence/{png_id}", **bearer(stranger))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.post(url, {"files": files(("a.png", png_bytes()))}, **bearer(stranger)).status_code == 404
    # A submitted card is final, files included.
    assert client.post(f"/api/scorecards/{card_id}/submit", **bearer(raw)).status_code == 200
    final = client.post(url, {"files": files(("晚了.png", png_bytes()))}, **bearer(raw))
    assert final.status_code == 409 and final.json()["code"] == "invalid_state"
    assert AuditEvent.objects.filter(action="evidence_uploaded").count() == 2


def test_size_limit_and_file_count(client, demo_users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    raw = token(demo_users["hebei_fgw"])
    site = Website.objects.get(name="河北省发展和改革委员会")
    card_id = client.post(f"/api/sites/{site.pk}/selfcheck", **bearer(raw)).json()["id"]
    big = client.post(f"/api/scorecards/{card_id}/files",
                      {"files": files(("大.png", png_bytes() + b"\0" * 1024 * 1024))}, **bearer(raw))
    assert big.status_code == 400 and "超过 1 MB" in big.json()["detail"] and "大.png" in big.json()["detail"]
    many = client.post(f"/api/scorecards/{card_id}/files",
                       {"files": files(*[(f"{i}.png", png_bytes()) for i in range(21)])}, **bearer(raw))
    # The schema says at most 20 (maxItems): more is what the schema refuses, 422 naming the field.
    assert many.status_code == 422 and many.json()["errors"][0]["loc"][-1] == "files"
    assert "最多 20 项" in many.json()["detail"]
    none = client.post(f"/api/scorecards/{card_id}/files", {"indicator": "A2"}, **bearer(raw))
    assert none.status_code == 422 and none.json()["code"] == "invalid"
    read_only = token(demo_users["hebei_fgw"], scopes=["scoring:read"])
    refused = client.post(f"/api/scorecards/{card_id}/files", {"files": files(("a.png", png_bytes()))},
                          **bearer(read_only))
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"


def inspectable(client, users) -> Website:
    """A site whose self-check is in: its organizing unit may inspect it."""
    site = Website.objects.get(name="河北省发展和改革委员会")
    own = token(users["hebei_fgw"])
    card = client.post(f"/api/sites/{site.pk}/selfcheck", **bearer(own)).json()
    assert client.post(f"/api/scorecards/{card['id']}/submit", **bearer(own)).status_code == 200
    return site


def test_inspection_evidence_by_the_inspecting_unit(client, demo_users):
    site = inspectable(client, demo_users)
    inspector = token(demo_users["hebei"])
    card = client.post(f"/api/sites/{site.pk}/inspection", {"reason": "未自查，按计划检查"},
                       content_type="application/json", **bearer(inspector))
    assert card.status_code == 200, card.content
    card_id = card.json()["id"]
    up = client.post(f"/api/scorecards/{card_id}/files", {"files": files(("检查.pdf", pdf_bytes()))},
                     **bearer(inspector))
    assert up.status_code == 201 and up.json()["files"][0]["kind"] == "pdf"
    # The site's own unit sees the card but does not score it (the UI's rule).
    owner = client.post(f"/api/scorecards/{card_id}/files", {"files": files(("x.png", png_bytes()))},
                        **bearer(token(demo_users["hebei_fgw"])))
    assert owner.status_code == 403 and owner.json()["code"] == "evidence.upload"


def test_rectification_answer_with_files(client, demo_users):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    raw = token(demo_users["laishui_lsz"], scopes=["scoring:write"])
    url = f"/api/rectifications/{notice.pk}/answer/files"
    bad = client.post(url, {"answer": "已恢复留言功能", "files": files(("a.png", b"plain text"))}, **bearer(raw))
    assert bad.status_code == 400 and "a.png" in bad.json()["detail"]
    notice.refresh_from_db()
    assert notice.status == "open" and not notice.files.exists()  # nothing half-saved
    ok = client.post(url, {"answer": "已恢复留言功能", "evidence": ["http://lsz.laishui.gov.cn/zxzx/"],
                           "files": files(("留言页面.png", png_bytes()))}, **bearer(raw))
    assert ok.status_code == 200, ok.content
    answer = ok.json()
    assert answer["status"] == "answered" and answer["answer_evidence"] == ["http://lsz.laishui.gov.cn/zxzx/"]
    assert [f["name"] for f in answer["files"]] == ["留言页面.png"]
    # The issuer reads the answer and its file, in the list too.
    issuer = token(demo_users["laishui"], scopes=["scoring:read"])
    listed = client.get("/api/rectifications", **bearer(issuer)).json()["items"]
    assert next(r for r in listed if r["id"] == notice.pk)["files"][0]["name"] == "留言页面.png"
    got = client.get(f"/api/evidence/{answer['files'][0]['id']}", **bearer(issuer))
    assert got.status_code == 200 and got.content == png_bytes()


# ---------------------------------------------------------------- scanner suggestions

def test_suggestions_accepted_or_rejected_on_the_inspection_card(client, demo_users):
    site = inspectable(client, demo_users)
    inspector = token(demo_users["hebei"])
    card_id = client.post(f"/api/sites/{site.pk}/inspection", {"reason": "按计划检查"},
                          content_type="application/json", **bearer(inspector)).json()["id"]
    card = Scorecard.objects.get(pk=card_id)
    take = Suggestion.objects.create(website=site, indicator="A2", entry={"count": 3}, summary="首页 3 个链接不可用",
                                     rubric_code=card.rubric.code)
    drop = Suggestion.objects.create(website=site, indicator="B1", entry={"count": 1}, summary="栏目 1 个未更新",
                                     rubric_code=card.rubric.code)
    Suggestion.objects.create(website=site, indicator="A2", entry={"count": 1}, summary="另一版评分表",
                              rubric_code="other-table")
    listed = client.get(f"/api/scorecards/{card_id}/suggestions", **bearer(inspector)).json()["items"]
    assert [s["id"] for s in listed] == [take.pk, drop.pk]  # only this card's table
    url = f"/api/scorecards/{card_id}/suggestions"
    accepted = client.post(f"{url}/{take.pk}", {"accept": True}, content_type="application/json",
                           **bearer(inspector))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert scoring_selectors.entries_of(card)["A2"]["count"] == 3  # taken into the draft card
    again = client.post(f"{url}/{take.pk}", {"accept": True}, content_type="application/json", **bearer(inspector))
    assert again.status_code == 200 and again.json() == accepted.json()  # the same decision: same answer
    assert AuditEvent.objects.filter(action="suggestion_accepted").count() == 1
    flip = client.post(f"{url}/{take.pk}", {"accept": False, "reason": "误报"}, content_type="application/json",
                       **bearer(inspector))
    assert flip.status_code == 409 and flip.json()["code"] == "invalid_state"
    no_reason = client.post(f"{url}/{drop.pk}", {"accept": False}, content_type="application/json",
                            **bearer(inspector))
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    rejected = client.post(f"{url}/{drop.pk}", {"accept": False, "reason": "该栏目已撤销"},
                           content_type="application/json", **bearer(inspector))
    assert rejected.status_code == 200 and rejected.json()["reason"] == "该栏目已撤销"
    assert {s["status"] for s in client.get(url, **bearer(inspector)).json()["items"]} == {"accepted", "rejected"}
    # The site's unit sees the card but is not the inspector; other units do not see it.
    other = Suggestion.objects.create(website=site, indicator="A2", entry={"count": 2}, summary="x",
                                      rubric_code=card.rubric.code)
    owner = client.post(f"{url}/{other.pk}", {"accept": True}, content_type="application/json",
                        **bearer(token(demo_users["hebei_fgw"])))
    assert owner.status_code == 403 and owner.json()["code"] == "scanner.suggestion"
    stranger = client.post(f"{url}/{other.pk}", {"accept": True}, content_type="application/json",
                           **bearer(token(demo_users["hebei_jyt"])))
    assert stranger.status_code == 404
    read_only = client.post(f"{url}/{other.pk}", {"accept": True}, content_type="application/json",
                            **bearer(token(demo_users["hebei"], scopes=["scoring:read"])))
    assert read_only.status_code == 403 and read_only.json()["code"] == "token_scope"
    # A self-check card has no suggestions.
    self_card = Scorecard.objects.get(website=site, stage="self")
    assert client.get(f"/api/scorecards/{self_card.pk}/suggestions",
                      **bearer(token(demo_users["hebei_fgw"]))).status_code == 404


# ---------------------------------------------------------------- spot-check review and sign-off

def started_batch(users) -> Batch:
    guoban = users["guoban"]
    today = timezone.localdate()
    batch = spot_services.create_batch(actor=guoban, name="API 抽查", strata_by=["site_class"], ratio="100",
                                       window_start=today - timedelta(days=7), window_end=today)
    batch = spot_services.draw(actor=guoban, batch=batch)
    spot_services.start(actor=guoban, batch=batch)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")  # the scan itself is tested with the scanner
    batch.refresh_from_db()
    spot_services.assign(actor=guoban, batch=batch, reviewer=guoban)
    return batch


def test_spot_check_review_return_and_sign_off(client, demo_users):
    batch = started_batch(demo_users)
    first, second = (token(demo_users[u], scopes=["spotcheck:write"]) for u in ("guoban", "guoban_fh"))
    bsite, other_site = list(batch.sites.order_by("id"))[:2]
    base = f"/api/spotcheck/sites/{bsite.pk}"
    opened = client.post(f"{base}/review", **bearer(first))
    assert opened.status_code == 200 and opened.json()["card"]["stage"] == "spotcheck"
    taken = client.post(f"{base}/review", **bearer(second))
    assert taken.status_code == 403 and taken.json()["code"] == "spotcheck.other_reviewer"
    filled = client.put(f"{base}/entries", {"entries": {"A2": {"count": 1}}}, content_type="application/json",
                        **bearer(first))
    assert filled.status_code == 200 and filled.json()["card"]["entries"]["A2"]["count"] == 1
    early = client.post(f"{base}/sign", **bearer(second))
    assert early.status_code == 409 and early.json()["code"] == "spotcheck.batchsite.sign_off.card_submitted"
    assert client.post(f"{base}/submit", **bearer(first)).json()["card"]["status"] == "submitted"
    own = client.post(f"{base}/sign", **bearer(first))
    assert own.status_code == 403 and own.json()["code"] == "spotcheck.second_person"
    no_reason = client.post(f"{base}/return", {"reason": ""}, content_type="application/json", **bearer(second))
    assert no_reason.status_code == 422
    returned = client.post(f"{base}/return", {"reason": "A2 链接数有误"}, content_type="application/json",
                           **bearer(second))
    assert returned.status_code == 200 and returned.json()["site"]["status"] == "pending"
    assert returned.json()["card"] is None
    # The reviewer scores a new card; the second reviewer signs it off (bulk, with a refusal per site).
    client.post(f"{base}/review", **bearer(first))
    client.put(f"{base}/entries", {"entries": {"A2": {"count": 2}}}, content_type="application/json",
               **bearer(first))
    client.post(f"{base}/submit", **bearer(first))
    key = {"HTTP_IDEMPOTENCY_KEY": "sign-1"}
    bulk = client.post(f"/api/spotcheck/batches/{batch.pk}/sign", {"ids": [bsite.pk, other_site.pk, 2**40]},
                       content_type="application/json", **key, **bearer(second))
    assert bulk.status_code == 200, bulk.content
    assert bulk.json()["done"] == [bsite.pk]
    assert {r["id"] for r in bulk.json()["refused"]} == {other_site.pk, 2**40}
    retry = client.post(f"/api/spotcheck/batches/{batch.pk}/sign", {"ids": [bsite.pk, other_site.pk, 2**40]},
                        content_type="application/json", **key, **bearer(second))
    assert retry.json() == bulk.json() and retry["Idempotent-Replayed"] == "true"
    signed = client.get(base, **bearer(first)).json()["site"]
    assert signed["status"] == "signed" and signed["second_reviewer"] == "guoban_fh"
    assert AuditEvent.objects.filter(action="spotcheck_signed").count() == 1
    assert AuditEvent.objects.filter(action="spotcheck_returned").count() == 1
    again = client.post(f"{base}/sign", **bearer(second))
    assert again.status_code == 409 and again.json()["code"] == "spotcheck.batchsite.sign_off"


def test_spot_check_writes_refused_outside_the_batch(client, demo_users):
    batch = started_batch(demo_users)
    bsite = batch.sites.order_by("id").first()
    province = token(demo_users["hebei"], scopes=["spotcheck:write"])
    for method, path in (("post", "review"), ("post", "sign"), ("post", "submit")):
        refused = getattr(client, method)(f"/api/spotcheck/sites/{bsite.pk}/{path}", **bearer(province))
        assert refused.status_code == 404 and refused.json()["code"] == "not_found", path
    assert client.get(f"/api/spotcheck/sites/{bsite.pk}", **bearer(province)).status_code == 404
    bulk = client.post(f"/api/spotcheck/batches/{batch.pk}/sign", {"ids": [bsite.pk]},
                       content_type="application/json", **bearer(province))
    assert bulk.status_code == 404
    read_only = token(demo_users["guoban_fh"], scopes=["spotcheck:read"])
    refused = client.post(f"/api/spotcheck/sites/{bsite.pk}/review", **bearer(read_only))
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"
    assert BatchSite.objects.get(pk=bsite.pk).scorecard_id is None
