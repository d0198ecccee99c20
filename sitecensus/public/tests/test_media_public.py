"""The public 政务新媒体 pages: a region's 矩阵 lists its approved, live accounts by unit (nothing in
review, closed or cancelled), and one unit's accounts; anonymous readers see them."""

import pytest

from sitecensus.newmedia import services
from sitecensus.newmedia.testing import sample_values, without_demo_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(db):
    without_demo_accounts()


def test_region_matrix_and_unit_list(client, demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    approved = services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(
        unit_name=clerk.unit.name, name="涞水镇发布"))
    for who in ("laishui", "baoding", "hebei"):
        approved = services.approve(actor=u[who], account=approved)
    services.file_account(actor=clerk, unit=clerk.unit, values=sample_values(
        unit_name=clerk.unit.name, platform="抖音", name="涞水镇抖音号（审核中）"))
    page = client.get("/pucha/media/", {"region": "涞水县"}).content.decode()
    assert "涞水镇发布" in page and approved.media_code in page and "审核中" not in page
    assert "涞水镇发布" in client.get("/pucha/media/", {"region": "河北省"}).content.decode()
    assert "涞水镇发布" not in client.get("/pucha/media/", {"region": "北京市"}).content.decode()
    assert "涞水镇发布" in client.get("/pucha/media/", {"unit": clerk.unit_id}).content.decode()
    assert "请输入地区名称" in client.get("/pucha/media/").content.decode()
