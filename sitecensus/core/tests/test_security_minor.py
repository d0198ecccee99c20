"""等保 round two, the minor findings: a portal's code login read (and marked read) its
organizing unit's inbox; an evidence PNG whose header claims 100,000 × 100,000 pixels
gave a 500; unit names accepted CR/LF. (The others are tested beside their code:
accounts/tests/test_resets_and_enrolment.py, accounts/tests/test_limits_without_redis.py,
core/tests/test_tamper_evidence.py.)"""

import struct
import zlib

import pytest

from sitecensus.core.errors import InvalidInput
from sitecensus.evidence.testing import upload
from sitecensus.inbox.models import Message
from sitecensus.orgs import services as org_services
from sitecensus.orgs.models import Unit

pytestmark = pytest.mark.django_db
PORTAL_OF_THE_OFFICE = "1300000001"  # the site of 河北省人民政府办公厅, an organizing unit


def test_a_portals_code_login_does_not_read_its_organizing_units_inbox(client, demo_users):
    site = demo_users[PORTAL_OF_THE_OFFICE]
    office = demo_users["hebei"].unit
    assert site.unit_id == office.pk and office.is_organizer  # the premise: same unit
    message = Message.objects.create(unit=office, kind=Message.Kind.REMIND_REPORT, title="请报送检查整改情况",
                                     body="河北省：请汇总上报。")
    client.force_login(site)
    assert "请报送检查整改情况" not in client.get("/inbox/").content.decode()
    assert client.get(f"/inbox/{message.pk}/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None and message.read_by_id is None
    client.force_login(demo_users["hebei"])  # the office's own accounts still read it
    assert client.get(f"/inbox/{message.pk}/").status_code == 200


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("width,height", [(100_000, 100_000), (9_000, 9_000)])
def test_a_decompression_bomb_png_is_a_typed_refusal_not_a_500(client, demo_users, width, height):
    from sitecensus.registry.models import Website
    from sitecensus.scoring import services as scoring

    fgw = Website.objects.get(name="河北省发展和改革委员会")
    card = scoring.open_self_check(actor=demo_users["hebei_fgw"], website=fgw)
    client.force_login(demo_users["hebei_fgw"])
    response = client.post(f"/checks/card/{card.pk}/", {"e-A2-count": "1", "action": "save",
                                                        "files": [upload("bomb.png", _png_claiming(width, height))]})
    page = response.content.decode()
    assert response.status_code == 400 and "bomb.png" in page and "尺寸" in page


@pytest.mark.parametrize("name", ["保定市\r\n审计", "保定市\n某局", "保定市\u2028某局", "保定\t某局", "保定\x00局"])
def test_unit_names_refuse_line_breaks_and_control_characters(demo_users, name):
    baoding = demo_users["baoding"]
    with pytest.raises(InvalidInput, match="控制字符") as refused:
        org_services.create_unit(actor=baoding, parent=baoding.unit, name=name, kind="county_office",
                                 division_code="130626")
    assert refused.value.field == "name"
    child = Unit.objects.filter(path__startswith=baoding.unit.path, depth=baoding.unit.depth + 1).first()
    with pytest.raises(InvalidInput, match="控制字符"):
        org_services.rename_unit(actor=baoding, unit=child, name=name)
