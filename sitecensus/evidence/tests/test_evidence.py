"""Evidence files: PNG/JPEG/PDF checked by content, size-limited, scoped,
always served as downloads; immutable on a submitted card; a rectification
answer with a screenshot."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from sitecensus.core.errors import InvalidInput, InvalidState, NotAllowed
from sitecensus.evidence import services
from sitecensus.evidence.models import EvidenceFile
from sitecensus.evidence.testing import jpeg_bytes, pdf_bytes, png_bytes, upload
from sitecensus.registry.models import Website
from sitecensus.scoring import selectors as scoring_selectors
from sitecensus.scoring import services as scoring
from sitecensus.scoring.models import Rectification, Scorecard

pytestmark = pytest.mark.django_db


def draft_self_check(users):
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    return scoring.open_self_check(actor=users["hebei_fgw"], website=fgw)


def test_png_jpeg_pdf_accepted_by_content(demo_users):
    card = draft_self_check(demo_users)
    made = services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, indicator="A2", uploads=[
        upload("首页截图.png", png_bytes()), upload("photo.JPG", jpeg_bytes()), upload("说明.pdf", pdf_bytes())])
    assert [f.kind for f in made] == ["png", "jpeg", "pdf"]
    assert EvidenceFile.objects.filter(scorecard=card, indicator="A2").count() == 3


@pytest.mark.parametrize("name,data,message", [
    ("fake.png", b"<html><script>alert(1)</script></html>", "内容不是"),
    ("shell.pdf", b"#!/bin/sh\necho hi\n", "内容不是"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "不是完整的图片"),
    ("empty.png", b"", "空文件"),
])
def test_other_content_refused_whatever_the_name(demo_users, name, data, message):
    card = draft_self_check(demo_users)
    with pytest.raises(InvalidInput, match=message) as error:
        services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[upload(name, data)])
    assert name in error.value.message
    assert not EvidenceFile.objects.filter(scorecard=card).exists()


def test_size_limit(demo_users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    card = draft_self_check(demo_users)
    big = png_bytes() + b"\x00" * (1024 * 1024)
    with pytest.raises(InvalidInput, match="超过 1 MB"):
        services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[upload("big.png", big)])


def test_nothing_half_saved_when_one_file_is_bad(demo_users):
    card = draft_self_check(demo_users)
    with pytest.raises(InvalidInput):
        services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[
            upload("good.png", png_bytes()), upload("bad.png", b"not an image")])
    assert not EvidenceFile.objects.filter(scorecard=card).exists()


def test_only_the_scorer_attaches_and_a_submitted_card_is_final(demo_users):
    card = draft_self_check(demo_users)
    with pytest.raises(NotAllowed):
        services.attach_to_card(actor=demo_users["hebei_jyt"], card=card, uploads=[upload("a.png", png_bytes())])
    services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[upload("a.png", png_bytes())])
    scoring.submit_card(actor=demo_users["hebei_fgw"], card=card, raw_entries={})
    with pytest.raises(InvalidState, match="不可更改"):
        services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[upload("b.png", png_bytes())])
    # The database refuses it too, whatever the path.
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceFile.objects.filter(scorecard=card).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceFile.objects.create(scorecard=card, name="x.png", kind="png", size=1, sha256="0", content=b"x",
                                    uploaded_by=demo_users["hebei_fgw"])


def test_served_as_a_download_never_inline_and_scoped(client, demo_users):
    card = draft_self_check(demo_users)
    [f] = services.attach_to_card(actor=demo_users["hebei_fgw"], card=card, uploads=[
        upload("首页截图.png", png_bytes())])
    client.force_login(demo_users["hebei_fgw"])
    response = client.get(f"/evidence/{f.pk}/")
    assert response.status_code == 200 and response.content == png_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(demo_users["hebei"])  # the organizing unit above sees it
    assert client.get(f"/evidence/{f.pk}/").status_code == 200
    for outsider in ("laishui", "hebei_jyt", "shuiwu"):
        client.force_login(demo_users[outsider])
        assert client.get(f"/evidence/{f.pk}/").status_code == 404, outsider


def test_card_page_uploads_with_the_entries(client, demo_users):
    card = draft_self_check(demo_users)
    client.force_login(demo_users["hebei_fgw"])
    response = client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "2", "action": "save", "files-indicator": "A2",
                                                       "files": [upload("shot.png", png_bytes())]})
    assert response.status_code == 302
    page = client.get(f"/checks/card/{card.pk}/").content.decode()
    assert "shot.png" in page and "链接可用性（首页）" in page
    bad = client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "9", "action": "save",
                                                  "files": [upload("x.png", b"GIF89a....")]})
    assert bad.status_code == 400 and "内容不是" in bad.content.decode() and 'value="9"' in bad.content.decode()
    assert scoring_selectors.entries_of(card)["A2"]["count"] == 2  # nothing half-saved


def test_rectification_answer_with_a_screenshot_and_text_kept_on_error(client, demo_users):
    notice = Rectification.objects.get(website__name="涞水镇人民政府网站")
    client.force_login(demo_users["laishui_lsz"])
    bad = client.post(f"/checks/rectifications/{notice.pk}/", {
        "action": "answer", "answer": "", "evidence": "http://lsz.laishui.gov.cn/zxzx/"})
    assert bad.status_code == 400 and "http://lsz.laishui.gov.cn/zxzx/" in bad.content.decode()
    bad = client.post(f"/checks/rectifications/{notice.pk}/", {
        "action": "answer", "answer": "已恢复留言功能", "files": [upload("a.png", b"plain text")]})
    assert bad.status_code == 400 and "已恢复留言功能" in bad.content.decode()
    ok = client.post(f"/checks/rectifications/{notice.pk}/", {
        "action": "answer", "answer": "已恢复留言功能", "files": [upload("留言页面.png", png_bytes())]})
    assert ok.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "answered" and notice.files.get().name == "留言页面.png"
    client.force_login(demo_users["laishui"])  # the issuer reads it
    page = client.get(f"/checks/rectifications/{notice.pk}/").content.decode()
    assert "留言页面.png" in page
