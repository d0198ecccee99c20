import pytest

from sitecensus.audit.models import AuditEvent
from sitecensus.core.errors import Duplicate, InvalidInput, InvalidState, NotAllowed, NotFound
from sitecensus.orgs import selectors, services
from sitecensus.orgs.models import Division, Unit

pytestmark = pytest.mark.django_db
K = Unit.Kind


def unit(name):
    return Unit.objects.get(name=name)


def test_demo_tree_follows_the_seed():
    root = Unit.objects.get_root_nodes().get()
    assert (root.name, root.org_code, root.kind) == ("国务院办公厅", "bm0100", K.NATIONAL_OFFICE)
    hebei = unit("河北省人民政府办公厅")
    baoding = unit("保定市人民政府办公室")
    laishui = unit("涞水县人民政府办公室")
    assert (hebei.org_code, baoding.org_code, laishui.org_code) == ("130000", "130600", "130623")
    assert (hebei.parent_path, baoding.parent_path, laishui.parent_path) == (root.path, hebei.path, baoding.path)
    towns = Division.objects.filter(parent__code="130623")
    laishui_towns = Unit.objects.filter(path__startswith=laishui.path, kind=K.GOVERNMENT)
    assert laishui_towns.count() == towns.count() == 16
    assert laishui_towns.filter(name="三坡镇人民政府", level=Unit.Level.TOWNSHIP).exists()
    assert not laishui_towns.filter(is_organizer=True).exists()


def test_vertical_system_never_counts_in_the_region():
    laishui_tax = unit("国家税务总局涞水县税务局")
    assert laishui_tax.system.name == "税务系统"
    assert laishui_tax.parent_path == unit("国家税务总局保定市税务局").path
    region = selectors.units_in_region("130623")
    assert region.filter(name="涞水县教育局").exists()
    assert not region.filter(pk=laishui_tax.pk).exists()
    assert not selectors.units_in_region("130000").filter(system__isnull=False).exists()
    assert selectors.units_in_region("130000").filter(name="涞水镇人民政府").exists()


def test_create_unit_one_level_down(demo_users):
    laishui = demo_users["laishui"]
    new = services.create_unit(actor=laishui, parent=laishui.unit, name="涞水县统计局", kind=K.DEPARTMENT)
    assert new.parent_path == laishui.unit.path
    assert (new.level, new.division.code, new.is_organizer, new.org_code) == (Unit.Level.COUNTY, "130623", False, None)
    assert AuditEvent.objects.filter(action="unit_created", object_id=str(new.pk), actor=laishui).exists()


def _unchanged(fn):
    before = (Unit.objects.count(), AuditEvent.objects.count())
    fn()
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("username,parent_name,error,message", [
    ("baoding", "河北省人民政府办公厅", NotAllowed, "只能在本单位下"),      # visible? no: above baoding
    ("baoding", "涞水县人民政府办公室", NotAllowed, "只能在本单位下"),      # visible, but two levels down
    ("laishui", "保定市人民政府办公室", NotFound, "不在您的权限范围内"),    # outside the scope
    ("laishui_jyj", "涞水县教育局", NotAllowed, "只能在本单位下"),          # a reporting unit
])
def test_unit_creation_outside_ones_place_is_refused(demo_users, username, parent_name, error, message):
    actor = demo_users[username]
    parent = unit(parent_name)
    if username == "baoding" and parent_name == "河北省人民政府办公厅":
        error, message = NotFound, "不在您的权限范围内"
    _unchanged(lambda: pytest.raises(error, services.create_unit, actor=actor, parent=parent,
                                     name="新单位", kind=K.DEPARTMENT).match(message))


def test_duplicate_org_code_is_refused(demo_users):
    hebei = demo_users["hebei"]
    with pytest.raises(Duplicate, match="130600 已被“保定市人民政府办公室”使用"):
        services.create_unit(actor=hebei, parent=hebei.unit, name="保定市政府办公室（重复）",
                             kind=K.CITY_OFFICE, division_code="130600")


def test_duplicate_sibling_name_is_refused(demo_users):
    laishui = demo_users["laishui"]
    with pytest.raises(Duplicate, match="已有名为“涞水县教育局”"):
        services.create_unit(actor=laishui, parent=laishui.unit, name="涞水县教育局", kind=K.DEPARTMENT)


@pytest.mark.parametrize("code,message", [
    ("139999", "行政区划代码“139999”不存在"),
    ("abc", "行政区划代码“abc”不存在"),
    ("130623", "应对应地级行政区划"),
    ("110100", "不在上级单位“河北省人民政府办公厅”的区域内"),
    ("", "请填写行政区划代码"),
])
def test_bad_division_codes_are_refused(demo_users, code, message):
    hebei = demo_users["hebei"]
    _unchanged(lambda: pytest.raises(InvalidInput, services.create_unit, actor=hebei, parent=hebei.unit,
                                     name="某市人民政府办公室", kind=K.CITY_OFFICE,
                                     division_code=code).match(message))


def test_kind_not_allowed_under_parent(demo_users):
    laishui = demo_users["laishui"]
    with pytest.raises(InvalidInput, match="下不能设立“市级政府办公室”"):
        services.create_unit(actor=laishui, parent=laishui.unit, name="X", kind=K.CITY_OFFICE,
                             division_code="130600")


def test_ministry_codes_and_vertical_branches(demo_users):
    guoban = demo_users["guoban"]
    ministry = services.create_unit(actor=guoban, parent=guoban.unit, name="海关总署办公厅",
                                    kind=K.MINISTRY_OFFICE, org_code="BM0180", vertical_system_name="海关系统")
    assert ministry.org_code == "bm0180" and ministry.vertical_systems.get().name == "海关系统"
    auto = services.create_unit(actor=guoban, parent=guoban.unit, name="科学技术部办公厅", kind=K.MINISTRY_OFFICE)
    assert auto.org_code.startswith("bm") and auto.org_code != "bm0180"
    with pytest.raises(InvalidInput, match="bm 加 4 位数字"):
        services.create_unit(actor=guoban, parent=guoban.unit, name="某部办公厅", kind=K.MINISTRY_OFFICE,
                             org_code="xx12")
    edu = demo_users["jiaoyubu"]
    with pytest.raises(InvalidInput, match="没有登记垂直管理系统"):
        services.create_unit(actor=edu, parent=edu.unit, name="教育部某分局", kind=K.VERTICAL_BRANCH)


def test_units_are_closed_never_deleted(demo_users):
    laishui_unit = unit("涞水县人民政府办公室")
    with pytest.raises(InvalidState, match="不可删除"):
        laishui_unit.delete()
    baoding = demo_users["baoding"]
    with pytest.raises(InvalidState, match="还有 .* 个未撤销的单位"):
        services.close_unit(actor=baoding, unit=laishui_unit, reason="撤并")
    laishui = demo_users["laishui"]
    jyj = unit("涞水县教育局")
    with pytest.raises(InvalidInput, match="撤销原因"):
        services.close_unit(actor=laishui, unit=jyj, reason="  ")
    services.close_unit(actor=laishui, unit=jyj, reason="机构改革撤并")
    jyj.refresh_from_db()
    assert jyj.closed_at is not None
    assert not jyj.accounts.filter(is_active=True).exists()
    assert AuditEvent.objects.filter(action="unit_closed", object_id=str(jyj.pk)).exists()
    with pytest.raises(InvalidState, match="已撤销"):
        services.close_unit(actor=laishui, unit=jyj, reason="again")


def test_rename_is_audited_and_checked(demo_users, client):
    laishui = demo_users["laishui"]
    jyj = unit("涞水县教育局")
    services.rename_unit(actor=laishui, unit=jyj, name="涞水县教育和体育局")
    event = AuditEvent.objects.get(action="unit_changed", object_id=str(jyj.pk))
    assert event.details == {"old_name": "涞水县教育局", "new_name": "涞水县教育和体育局"}
    with pytest.raises(Duplicate):
        services.rename_unit(actor=laishui, unit=jyj, name="涞水县卫生健康局")
    with pytest.raises(NotAllowed):
        services.rename_unit(actor=demo_users["baoding"], unit=jyj, name="x")
    client.force_login(demo_users["baoding"])
    response = client.post(f"/units/{jyj.pk}/rename/", {"name": "伪造"})
    assert response.status_code == 403
    jyj.refresh_from_db()
    assert jyj.name == "涞水县教育和体育局"


def test_unit_creation_follows_the_tree(demo_users):
    hebei, laishui = demo_users["hebei"], demo_users["laishui"]
    # A province cannot create a township government (it belongs to its county) …
    _unchanged(lambda: pytest.raises(InvalidInput, services.create_unit, actor=hebei, parent=hebei.unit,
                                     name="三坡镇人民政府（省建）", kind=K.GOVERNMENT, division_code="130623104"))
    with pytest.raises(InvalidInput, match="不能越级设立"):
        services.create_unit(actor=hebei, parent=hebei.unit, name="三坡镇人民政府（省建）", kind=K.GOVERNMENT,
                             division_code="130623104")
    # … and the county cannot create a second one for a division that already has it.
    existing = Unit.objects.get(kind=K.GOVERNMENT, division__code="130623104")
    with pytest.raises(Duplicate, match=f"已有单位“{existing.name}”"):
        services.create_unit(actor=laishui, parent=laishui.unit, name="三坡镇政府", kind=K.GOVERNMENT,
                             division_code="130623104")


def test_unit_kind_list_is_stable_with_nothing_preselected(demo_users):
    from sitecensus.accounts.forms import UnitWithAccountForm

    form = UnitWithAccountForm(kinds=services.CHILD_KINDS[K.PROVINCIAL_OFFICE])
    choices = [k for k, _ in form.fields["kind"].choices]
    assert choices[0] == ""  # 请选择: no type preselected
    assert choices[1:] == [k for k in K.values if k in services.CHILD_KINDS[K.PROVINCIAL_OFFICE]]
    html = str(form["kind"])
    assert html.count("selected") == 1 and 'value="" selected' in html  # only the empty prompt
