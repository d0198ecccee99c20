"""政务新媒体 scored by the websites' engine on the new-media table (data/rubric_2019media.json): veto
items fail an account, deductions are capped, each stage by its own scorer, the card immutable."""

import pytest
from django.db import DatabaseError, transaction

from sitecensus.core.errors import InvalidInput, NotAllowed
from sitecensus.newmedia import services as media
from sitecensus.newmedia.testing import sample_values
from sitecensus.scoring import services
from sitecensus.scoring.rubric import load_rubric, rubric_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(demo_users):
    u = demo_users
    clerk = u["laishui_lsz"]
    account = media.file_account(actor=clerk, unit=clerk.unit, values=sample_values(unit_name=clerk.unit.name))
    for who in ("laishui", "baoding", "hebei"):
        account = media.approve(actor=u[who], account=account)
    return account


def test_the_table_is_data_of_its_own_subject():
    rubric = load_rubric("2019media")
    assert rubric.subject == "media" and rubric.source.startswith("国办秘函〔2019〕19号")
    assert [i.name for i in rubric.indicators if i.is_veto] == ["安全、泄密事故等严重问题", "内容不更新", "互动回应差"]
    assert sum(i.cap for i in rubric.indicators if not i.is_veto) == rubric.total == 100
    assert "2019media" not in rubric_codes() and rubric_codes("media") == ["2019media"]


def test_stages_scores_and_immutability(demo_users, account):
    u = demo_users
    card = services.score_account(actor=u["laishui_lsz"], account=account, stage="self", raw_entries={
        "MD1": {"count": 2}, "MD2": {"count": 20}})
    assert card.result == "合格" and card.score == 100 - 10 - 15
    vetoed = services.score_account(actor=u["laishui"], account=account, stage="inspection", raw_entries={
        "MV2": {"veto": True, "evidence": ["https://weibo.example.cn/lsfb"]}})
    assert vetoed.result == "单项否决" and vetoed.vetoes == ["MV2"] and vetoed.score is None
    spot = services.score_account(actor=u["guoban"], account=account, stage="spotcheck", raw_entries={})
    assert spot.result == "合格"
    with pytest.raises(NotAllowed):
        services.score_account(actor=u["laishui"], account=account, stage="spotcheck", raw_entries={})
    with pytest.raises(NotAllowed):
        services.score_account(actor=u["laishui_jyj"], account=account, stage="self", raw_entries={})
    with pytest.raises(InvalidInput, match="证据网址"):
        services.score_account(actor=u["laishui"], account=account, stage="inspection",
                               raw_entries={"MV1": {"veto": True, "evidence": ["weibo"]}})
    with pytest.raises(DatabaseError), transaction.atomic():
        type(card).objects.filter(pk=card.pk).update(score=1)
