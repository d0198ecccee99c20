"""The scorecard page's write is one scoring service (save_card_page): the entries, the evidence
files sent with them and the submission together, each audited, or nothing at all."""

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput
from sitecensus.evidence.models import EvidenceFile
from sitecensus.evidence.testing import png_bytes, upload
from sitecensus.registry.models import Website
from sitecensus.scoring import selectors, services
from sitecensus.scoring.models import Scorecard

pytestmark = pytest.mark.django_db


def draft(users):
    fgw = Website.objects.get(name="河北省发展和改革委员会")
    return services.open_self_check(actor=users["hebei_fgw"], website=fgw)


def events(card):
    return list(AuditEvent.objects.filter(object_id=str(card.pk), action__in=(
        "evidence_uploaded", "scorecard_submitted")).order_by("id").values_list("action", flat=True))


def test_entries_files_and_submission_together_each_audited(demo_users):
    card = draft(demo_users)
    done = services.save_card_page(actor=demo_users["hebei_fgw"], card=card, raw_entries={"A2": {"count": 2}},
                                   uploads=[upload("shot.png", png_bytes())], indicator="A2", submit=True)
    assert done.status == Scorecard.Status.SUBMITTED
    assert selectors.entries_of(card)["A2"]["count"] == 2
    assert EvidenceFile.objects.get(scorecard=card).indicator == "A2"
    assert events(card) == ["evidence_uploaded", "scorecard_submitted"]


def test_a_refused_file_keeps_no_entry_and_no_submission(demo_users):
    card = draft(demo_users)
    with pytest.raises(InvalidInput):
        services.save_card_page(actor=demo_users["hebei_fgw"], card=card, raw_entries={"A2": {"count": 3}},
                                uploads=[upload("x.png", b"GIF89a....")], submit=True)
    card.refresh_from_db()
    assert card.status == Scorecard.Status.DRAFT and not selectors.entries_of(card)
    assert not EvidenceFile.objects.filter(scorecard=card).exists() and events(card) == []


def test_the_page_calls_the_service(client, demo_users, monkeypatch):
    card = draft(demo_users)
    seen = {}
    monkeypatch.setattr(services, "save_card_page", lambda **kw: seen.update(kw))
    client.force_login(demo_users["hebei_fgw"])
    response = client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "2", "action": "submit",
                                                       "files-indicator": "A2"})
    assert response.status_code == 302
    assert seen["submit"] is True and seen["indicator"] == "A2" and seen["card"].pk == card.pk
