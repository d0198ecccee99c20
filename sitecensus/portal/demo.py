"""The demo: the seed's own example, built through the real services —
国务院办公厅 → 河北省政府办公厅 → 保定市政府办公室 → 涞水县政府办公室 → Laishui's towns,
departments and 参公 units at each level, and the tax system as a vertical system."""

from __future__ import annotations

from django.db import transaction
from django.test.utils import override_settings

from sitecensus.accounts import otp
from sitecensus.accounts import policy as accounts_policy
from sitecensus.accounts import services as account_services
from sitecensus.accounts.models import User
from sitecensus.core.errors import InvalidState
from sitecensus.orgs import services as org_services
from sitecensus.orgs.models import Division, Unit
from sitecensus.public.services import create_news
from sitecensus.registry.demo import load_registry_demo
from sitecensus.scoring.demo import load_scoring_demo
from sitecensus.newmedia.demo import load_media_demo

DEMO_PASSWORD = "Pucha@2015Demo"
DEMO_USERNAMES = ("guoban", "guoban_fh", "sysadmin", "secadmin", "auditadmin", "hebei", "hebei_fgw", "hebei_jyt",
                  "baoding", "baoding_jyj", "laishui", "laishui_jyj", "laishui_lsz", "shuiwu", "hebei_tax",
                  "baoding_tax", "laishui_tax", "jiaoyubu", "jiaoyubu_xxzx")
K = Unit.Kind


def _demo_password(user: User) -> User:
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    if accounts_policy.gets_demo_device(user):
        # Demo devices share a published key (`sitecensus demo-otp` shows the code).
        otp.install_demo_device(user)
    return user


def _unit(actor, parent, name, kind, username=None, **kw):
    unit = org_services.create_unit(actor=actor, parent=parent, name=name, kind=kind, **kw)
    account = None
    if username:
        account, _ = account_services.issue_account(actor=actor, unit=unit, username=username,
                                                    email=f"{username}@example.gov.cn")
        _demo_password(account)
    return unit, account


# The people behind the demo accounts (made-up names).
DEMO_PEOPLE = {
    "guoban": "李明", "guoban_fh": "陈静", "sysadmin": "吴刚", "secadmin": "郑敏", "auditadmin": "冯丽",
    "hebei": "赵华", "hebei_fgw": "钱进", "hebei_jyt": "孙悦", "baoding": "孙伟", "baoding_jyj": "杨帆",
    "laishui": "周强", "laishui_jyj": "朱红", "laishui_lsz": "刘芳", "shuiwu": "何平", "hebei_tax": "高远",
    "baoding_tax": "林涛", "laishui_tax": "郭亮", "jiaoyubu": "马骏", "jiaoyubu_xxzx": "罗兰",
}


def town_unit_name(name: str) -> str:
    if name.endswith(("镇", "乡")):
        return f"{name}人民政府"
    if name.endswith("街道"):
        return f"{name}办事处"
    return name


def demo_state() -> str:
    """"demo" when the database holds the demo, "empty" when it holds no unit and no account,
    "other" otherwise (e.g. the national data set, which has its own 河北省人民政府办公厅)."""
    if User.objects.filter(username="hebei", role="organizer", unit__name="河北省人民政府办公厅",
                           unit__depth=2).exists():
        return "demo"
    if Unit.objects.exists() or User.objects.exists():
        return "other"
    return "empty"


def demo_accounts() -> list[User]:
    """The demo's own accounts (not whatever other accounts the database holds)."""
    return list(User.objects.select_related("unit").filter(username__in=DEMO_USERNAMES)
                .order_by("unit__path", "username"))


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")  # demo codes are not mailed
@transaction.atomic
def load_demo() -> list[User] | None:
    """Build the demo tree; returns the demo accounts, or None when it exists. A database that
    holds another tree (a national data set, a production database) is refused: the demo would
    give the accounts there the published demo password."""
    state = demo_state()
    if state == "demo":
        return None
    if state == "other":
        raise InvalidState(f"数据库中已有单位树或账号（{Unit.objects.count():,} 个单位、{User.objects.count():,} 个账号），"
                           "不是演示数据：演示数据只加载到空数据库，没有加载，也没有修改任何账号")
    if not Division.objects.exists():
        org_services.load_divisions()
    account_services.bootstrap()
    for user in User.objects.filter(username__in=["guoban", "sysadmin", "secadmin", "auditadmin"]):
        _demo_password(user)
    guoban = User.objects.get(username="guoban")
    root = guoban.unit
    # A second national reviewer: spot-check results are signed off by a second person.
    second = User(username="guoban_fh", unit=root, role=guoban.role, email="guoban_fh@example.gov.cn")
    second.set_unusable_password()
    second.save()
    _demo_password(second)

    hebei_office, hebei = _unit(guoban, root, "河北省人民政府办公厅", K.PROVINCIAL_OFFICE, "hebei",
                                division_code="130000")
    for name, kind, username in [("河北省发展和改革委员会", K.DEPARTMENT, "hebei_fgw"),
                                 ("河北省教育厅", K.DEPARTMENT, "hebei_jyt"),
                                 ("河北省档案馆", K.INSTITUTION, None)]:
        _unit(hebei, hebei_office, name, kind, username)
    _unit(hebei, hebei_office, "石家庄市人民政府办公室", K.CITY_OFFICE, None, division_code="130100")
    baoding_office, baoding = _unit(hebei, hebei_office, "保定市人民政府办公室", K.CITY_OFFICE, "baoding",
                                    division_code="130600")
    for name, kind, username in [("保定市教育局", K.DEPARTMENT, "baoding_jyj"),
                                 ("保定市生态环境局", K.DEPARTMENT, None),
                                 ("保定市档案馆", K.INSTITUTION, None)]:
        _unit(baoding, baoding_office, name, kind, username)
    for code, name in [("130681", "涿州市"), ("130633", "易县"), ("130684", "高碑店市")]:
        _unit(baoding, baoding_office, f"{name}人民政府办公室", K.COUNTY_OFFICE, None, division_code=code)
    laishui_office, laishui = _unit(baoding, baoding_office, "涞水县人民政府办公室", K.COUNTY_OFFICE,
                                    "laishui", division_code="130623")
    for name, kind, username in [("涞水县教育局", K.DEPARTMENT, "laishui_jyj"),
                                 ("涞水县卫生健康局", K.DEPARTMENT, None),
                                 ("涞水县文化广电和旅游局", K.DEPARTMENT, None),
                                 ("涞水县档案馆", K.INSTITUTION, None)]:
        _unit(laishui, laishui_office, name, kind, username)
    towns = Division.objects.filter(parent__code="130623").order_by("code")
    for index, town in enumerate(towns):
        _unit(laishui, laishui_office, town_unit_name(town.name), K.GOVERNMENT,
              "laishui_lsz" if index == 0 else None, division_code=town.code)

    tax_office, tax = _unit(guoban, root, "国家税务总局办公厅", K.MINISTRY_OFFICE, "shuiwu",
                            vertical_system_name="税务系统")
    hebei_tax_office, hebei_tax = _unit(tax, tax_office, "国家税务总局河北省税务局", K.VERTICAL_BRANCH,
                                        "hebei_tax", division_code="130000")
    baoding_tax_office, baoding_tax = _unit(hebei_tax, hebei_tax_office, "国家税务总局保定市税务局",
                                            K.VERTICAL_BRANCH, "baoding_tax", division_code="130600")
    _unit(baoding_tax, baoding_tax_office, "国家税务总局涞水县税务局", K.VERTICAL_UNIT, "laishui_tax",
          division_code="130623")
    edu_office, edu = _unit(guoban, root, "教育部办公厅", K.MINISTRY_OFFICE, "jiaoyubu")
    _unit(edu, edu_office, "教育部教育管理信息中心", K.INSTITUTION, "jiaoyubu_xxzx")
    for username, person in DEMO_PEOPLE.items():  # lists name people, never accounts
        User.objects.filter(username=username).update(first_name=person)
    users = {u.username: u for u in User.objects.select_related("unit")}
    load_registry_demo(users)
    load_scoring_demo(users)
    load_media_demo(users)  # 政务新媒体 (issue 22)
    create_news(actor=users["guoban"], publish=True, title="全国政府网站普查统计摸底工作有序推进",
                body="各地区、各部门按照通知要求，组织填报单位填报《政府网站基本信息表》和《政府网站栏目（系统）"
                     "基本信息表》，逐级审核上报。河北省保定市涞水县已完成乡镇网站的统计摸底和自查。")
    return demo_accounts()
