"""政务新媒体 self-checks and inspections on the websites' card page (kind "media"): the unit's to-do
list, typed values kept on an error, evidence files saved with the card, submit → immutable (the database
refuses), the organizing unit's queue beside the self-check, the print view and PDF, the results export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from pypdf import PdfReader

from sitecensus.core.errors import InvalidState
from sitecensus.evidence.models import EvidenceFile
from sitecensus.evidence.testing import png_bytes
from sitecensus.newmedia import services as media
from sitecensus.newmedia.testing import sample_values
from sitecensus.scoring import services
from sitecensus.scoring.models import MediaScorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    values = sample_values(unit_name=clerk.unit.name)
    account = media.file_account(actor=clerk, unit=clerk.unit, values={**values, "name": "涞水镇发布测试"})
    for who in ("laishui", "baoding", "hebei"):
        account = media.approve(actor=u[who], account=account)
    return account


def todo(client, testid):
    """A to-do's count on the home page."""
    return next(t["count"] for t in client.get("/").context["todos"] if t["testid"] == testid)


def test_self_check_then_inspection_on_the_card_page(client, demo_users, account):
    u = demo_users
    client.force_login(u["laishui_lsz"])
    waiting = todo(client, "todo-media-selfcheck")
    assert waiting >= 1
    own = client.get("/checks/media/").content.decode()
    assert "涞水镇发布测试" in own and "开始自查" in own
    response = client.post(f"/checks/media/account/{account.pk}/self/")
    card = MediaScorecard.objects.get(account=account, stage="self")
    assert response["Location"] == f"/checks/media/card/{card.pk}/" and card.status == "draft"
    page = client.get(response["Location"]).content.decode()
    assert "政务新媒体自查评分表" in page and "评分表一旦提交不可更改" in page and account.name in page
    # An error keeps what was typed; nothing is saved.
    bad = client.post(f"/checks/media/card/{card.pk}/", {"e-MD1-count": "-1", "e-MD2-count": "7",
                                                          "e-MD2-note": "错别字七处", "action": "save"})
    assert bad.status_code == 400
    typed = bad.content.decode()
    assert "不能为负数" in typed and 'value="7"' in typed and "错别字七处" in typed
    card.refresh_from_db()
    assert card.entries == {}
    preview = client.post(f"/checks/media/card/{card.pk}/preview/", {"e-MD1-count": "2"}).json()
    assert preview["score"] == "90.00" and preview["deductions"]["MD1"] == "10.00"
    shot = SimpleUploadedFile("更新截图.png", png_bytes(), content_type="image/png")
    client.post(f"/checks/media/card/{card.pk}/", {"e-MD1-count": "2", "e-MD1-evidence": "https://weibo.example.cn/lsz",
                                                   "files": shot, "files-indicator": "MD1", "action": "save"})
    card.refresh_from_db()
    assert card.score == 90 and card.entries["MD1"]["points"] == "10.00"
    assert EvidenceFile.objects.get(media_card=card).indicator == "MD1"
    # Not in the organizer's queue before the self-check is submitted.
    client.force_login(u["laishui"])
    assert "涞水镇发布测试" not in client.get("/checks/media/").content.decode()
    client.force_login(u["laishui_lsz"])
    client.post(f"/checks/media/card/{card.pk}/", {"e-MD1-count": "2", "e-MD1-evidence": "https://weibo.example.cn/lsz",
                                                   "action": "submit"})
    card.refresh_from_db()
    assert card.is_submitted and card.submitted_by == u["laishui_lsz"] and card.result == "合格"
    assert todo(client, "todo-media-selfcheck") == waiting - 1
    refused = client.post(f"/checks/media/card/{card.pk}/", {"e-MD1-count": "0", "action": "save"})
    assert refused.status_code == 400 and "提交后不可更改" in refused.content.decode()
    with pytest.raises(DatabaseError), transaction.atomic():
        MediaScorecard.objects.filter(pk=card.pk).update(score=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceFile.objects.filter(media_card=card).delete()
    with pytest.raises(InvalidState):
        services.save_media_entries(actor=u["laishui_lsz"], card=card, raw_entries={})
    # The organizing unit above inspects it, the self-check beside.
    client.force_login(u["laishui"])
    assert todo(client, "todo-media-inspect") == 1
    queue = client.get("/checks/media/").content.decode()
    assert "涞水镇发布测试" in queue and "检查打分" in queue
    response = client.post(f"/checks/media/account/{account.pk}/inspection/")
    inspection = MediaScorecard.objects.get(account=account, stage="inspection")
    page = client.get(response["Location"]).content.decode()
    assert "自查情况" in page and "更新截图.png" in page and "tag danger\">不一致" in page  # MD1: 2 in the self-check, empty here
    client.post(f"/checks/media/card/{inspection.pk}/", {
        "e-MD1-count": "2", "e-MV2-veto": "1", "e-MV2-evidence": "https://weibo.example.cn/lsz", "action": "submit"})
    inspection.refresh_from_db()
    assert inspection.is_submitted and inspection.result == "单项否决" and inspection.vetoes == ["MV2"]
    assert "涞水镇发布测试" not in client.get("/checks/media/").content.decode()
    assert todo(client, "todo-media-inspect") == 0
    # Print view and PDF of the same card.
    assert "政务新媒体检查评分表" in client.get(f"/checks/media/card/{inspection.pk}/print/").content.decode()
    pdf = client.get(f"/checks/media/card/{inspection.pk}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "政务新媒体检查评分表" in text and "登记编号" in text
    # Results and their export.
    listing = client.get("/checks/media/results/").content.decode()
    assert listing.count("涞水镇发布测试") == 2
    export = client.get("/checks/media/results/?stage=inspection&export=1")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "登记编号" and len(rows) == 2
    assert rows[1][2] == "涞水镇发布测试" and rows[1][7] == "单项否决" and rows[1][8] == "内容不更新"


def test_only_the_scorer_fills_and_others_do_not_see_spot_checks(client, demo_users, account):
    u = demo_users
    card = services.open_media_card(actor=u["laishui_lsz"], account=account, stage="self")
    assert services.open_media_card(actor=u["laishui_lsz"], account=account, stage="self") == card
    client.force_login(u["laishui"])
    page = client.get(f"/checks/media/card/{card.pk}/")
    assert page.status_code == 200 and "提交评分表" not in page.content.decode()  # read only for the organizer
    refused = client.post(f"/checks/media/card/{card.pk}/", {"action": "save"})
    assert refused.status_code == 400 and "您不能填写这份政务新媒体评分表" in refused.content.decode()
    client.force_login(u["laishui_jyj"])  # another unit of the county
    assert client.get(f"/checks/media/card/{card.pk}/").status_code == 404
    spot = services.score_account(actor=u["guoban"], account=account, stage="spotcheck", raw_entries={})
    client.force_login(u["laishui_lsz"])
    assert client.get(f"/checks/media/card/{spot.pk}/").status_code == 404
