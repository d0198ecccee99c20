import shutil

import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import InvalidInput
from sitecensus.orgs.models import Division
from sitecensus.orgs.selectors import division_by_code, division_code_candidates
from sitecensus.orgs.services import DIVISIONS_DIR, load_divisions

pytestmark = pytest.mark.django_db


def test_national_division_counts():
    counts = {level: Division.objects.filter(level=level).count() for level in Division.Level.values}
    assert counts == {1: 31, 2: 342, 3: 2978, 4: 41352}


def test_second_load_changes_nothing():
    before = AuditEvent.objects.count()
    result = load_divisions()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 44703)
    assert not result.changed
    assert AuditEvent.objects.count() == before


def test_changed_name_is_updated_and_audited():
    Division.objects.filter(code="130623").update(name="旧名")
    result = load_divisions()
    assert (result.created, result.updated) == (0, 1)
    assert Division.objects.get(code="130623").name == "涞水县"
    assert AuditEvent.objects.filter(action="divisions_loaded").exists()


def test_municipality_pseudo_city_and_township_parents():
    dongcheng = Division.objects.get(code="110101")
    assert dongcheng.parent.code == "1101" and dongcheng.parent.is_pseudo_city
    town = Division.objects.get(code="130623100")
    assert (town.name, town.parent.name, town.parent.parent.name) == ("涞水镇", "涞水县", "保定市")
    assert town.parent.code6 == "130623" and town.parent.parent.code6 == "130600"


def test_six_digit_codes_resolve_to_the_right_level():
    assert division_code_candidates("130000") == ["13", "130000"]
    assert division_by_code("130000").name == "河北省"
    assert division_by_code("130600").name == "保定市"
    assert division_by_code("130623").name == "涞水县"
    assert division_by_code("441900").level == Division.Level.CITY  # 东莞: the city, not its county row
    assert division_by_code("999999") is None
    assert division_by_code("12ab") is None


def test_missing_file_is_a_clear_error(tmp_path):
    for name in ("provinces.csv", "cities.csv"):
        shutil.copy(DIVISIONS_DIR / name, tmp_path / name)
    with pytest.raises(InvalidInput, match="areas.csv"):
        load_divisions(directory=tmp_path)


def test_bad_row_names_file_and_row(tmp_path):
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        shutil.copy(DIVISIONS_DIR / name, tmp_path / name)
    with (tmp_path / "cities.csv").open("a", encoding="utf-8") as fh:
        fh.write('12x4,"坏行",13\n')
    count = Division.objects.count()
    with pytest.raises(InvalidInput, match="cities.csv 第 344 行"):
        load_divisions(directory=tmp_path)
    assert Division.objects.count() == count


def test_cli_wrapper_maps_hyphenated_command(capsys):
    from sitecensus.cli import main

    assert main(["load-divisions"]) == 0
    assert "没有变化" in capsys.readouterr().out
