"""National-scale data generator, on the real division data.

    python bench/national.py [--reset] [--scale 1.0] [--sites] [--accounts] [--media]

Builds the whole unit tree the census plans for (DESIGN §6): the national office;
31 provincial offices, 342 city offices (municipalities' pseudo-cities have none),
~2,900 county offices, every one of the 41,352 townships as a people's government,
departments and 参公 units at every level, State Council department offices with
internal bodies, and vertical systems with provincial and city branches —
about 150,000 units. Rows are written in bulk with their materialized paths,
so the tree is exactly what the services would have built. Later benchmarks
reuse it (`ensure_national_units`).

--accounts gives every open organizing unit (the national office, every provincial, city
and county office, every State Council department and vertical branch: ~3,700) one account
and prints the list: username `o` + the unit's organizing-unit code (the national office's
is a 国办管理员, the others 组织单位操作员), one bench password for all (hashed once with the
configured hasher), and the demo's second-factor device (`sitecensus demo-otp` shows the code).
Existing accounts are kept; running it again adds only what is missing.
"""

from __future__ import annotations

import argparse
import random
import time

import _setup
from django.db import transaction
from django.utils import timezone

from sitecensus.portal.demo import town_unit_name
from sitecensus.orgs.models import Division, Unit, VerticalSystem
from sitecensus.orgs.services import create_national_office, load_divisions

K = Unit.Kind
DEPARTMENTS = ["发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
               "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会",
               "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
               "行政审批局", "林业局", "体育局", "信访局", "地方金融监督管理局", "国有资产监督管理委员会",
               "城市管理综合行政执法局", "粮食和物资储备局", "机关事务管理局", "乡村振兴局", "数据和政务服务局"]
INSTITUTIONS = ["档案馆", "地方志编纂中心", "供销合作社联合社", "社会保险事业管理中心", "机关事务服务中心"]
MINISTRIES = 62
VERTICAL = ["税务", "海关", "市场监管（药品）", "气象", "地震", "统计调查", "国家安全", "邮政", "烟草", "金融监管"]


class TreeWriter:
    """Collects nodes with their paths and bulk-inserts them."""

    def __init__(self):
        self.rows: list[Unit] = []
        self.children: dict[str, int] = {}
        self.org_codes: set[str] = set()

    def add(self, parent: Unit, **fields) -> Unit:
        n = self.children.get(parent.path, 0) + 1
        self.children[parent.path] = n
        # The model's own path function, so the tree is what treebeard would build.
        node = Unit(path=Unit._get_path(parent.path, parent.depth + 1, n), depth=parent.depth + 1, numchild=0, **fields)
        self.rows.append(node)
        return node

    def bm(self) -> str:
        code = f"bm{len([c for c in self.org_codes if c.startswith('bm')]) + 101:04d}"
        self.org_codes.add(code)
        return code

    def flush(self):
        for node in self.rows:
            node.numchild = self.children.get(node.path, 0)
        Unit.objects.bulk_create(self.rows, batch_size=5000)
        self.rows = []


def _departments(writer, office, level, division, prefix, rng, scale):
    count = max(1, int(len(DEPARTMENTS) * scale * rng.uniform(0.65, 1.0)))
    for name in DEPARTMENTS[:count]:
        writer.add(office, name=prefix + name, kind=K.DEPARTMENT, level=level, division=division)
    for name in INSTITUTIONS[: max(1, int(len(INSTITUTIONS) * scale * rng.uniform(0.3, 1.0)))]:
        writer.add(office, name=prefix + name, kind=K.INSTITUTION, level=level, division=division)


@transaction.atomic
def generate_units(*, scale: float = 1.0, seed: int = 2015) -> int:
    rng = random.Random(seed)
    if not Division.objects.exists():
        load_divisions()
    root = create_national_office()
    writer = TreeWriter()
    writer.org_codes.add(root.org_code)
    divisions = list(Division.objects.all())
    kids: dict[int | None, list[Division]] = {}
    for d in divisions:
        kids.setdefault(d.parent_id, []).append(d)

    provinces = [d for d in divisions if d.level == Division.Level.PROVINCE]
    for province in provinces:
        p_office = writer.add(root, name=f"{province.name}人民政府办公厅", kind=K.PROVINCIAL_OFFICE,
                              level=Unit.Level.PROVINCE, division=province, is_organizer=True,
                              org_code=province.code6)
        _departments(writer, p_office, Unit.Level.PROVINCE, province, province.name, rng, scale)
        for city in kids.get(province.id, []):
            if city.is_pseudo_city:
                c_office = p_office
            else:
                c_office = writer.add(p_office, name=f"{city.name}人民政府办公室", kind=K.CITY_OFFICE,
                                      level=Unit.Level.CITY, division=city, is_organizer=True,
                                      org_code=city.code6)
                _departments(writer, c_office, Unit.Level.CITY, city, city.name, rng, scale)
            for county in kids.get(city.id, []):
                if county.code6 == city.code6:  # cities without counties: towns hang under the city
                    k_office = c_office
                else:
                    k_office = writer.add(c_office, name=f"{county.name}人民政府办公室", kind=K.COUNTY_OFFICE,
                                          level=Unit.Level.COUNTY, division=county, is_organizer=True,
                                          org_code=county.code6)
                    _departments(writer, k_office, Unit.Level.COUNTY, county, county.name, rng, scale)
                for town in kids.get(county.id, []):
                    writer.add(k_office, name=town_unit_name(town.name), kind=K.GOVERNMENT,
                               level=Unit.Level.TOWNSHIP, division=town)
    writer.flush()

    # State Council departments, some with a vertical system down to the cities.
    systems = []
    for i in range(MINISTRIES):
        vertical = VERTICAL[i] if i < len(VERTICAL) else None
        office = writer.add(root, name=f"国务院部门{i + 1:02d}办公厅" if not vertical else f"国家{vertical}总局办公厅",
                            kind=K.MINISTRY_OFFICE, level=Unit.Level.NATIONAL, is_organizer=True,
                            org_code=writer.bm())
        for j in range(3):
            writer.add(office, name=f"{office.name[:-3]}第{j + 1}司", kind=K.INTERNAL_BODY, level=Unit.Level.NATIONAL)
        writer.add(office, name=f"{office.name[:-3]}信息中心", kind=K.INSTITUTION, level=Unit.Level.NATIONAL)
        if vertical:
            systems.append((vertical, office))
    writer.flush()
    for vertical, office in systems:
        office = Unit.objects.get(path=office.path)
        system = VerticalSystem.objects.create(name=f"{vertical}系统", department=office)
        writer = _vertical_branches(writer, office, system, provinces, kids)
    root.numchild = Unit.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    return Unit.objects.count()


def _vertical_branches(writer, office, system, provinces, kids):
    writer.children[office.path] = office.numchild
    branch_kwargs = dict(kind=K.VERTICAL_BRANCH, is_organizer=True, system=system)
    for province in provinces:
        p_branch = writer.add(office, name=f"{office.name[:-3]}{province.name}局", level=Unit.Level.PROVINCE,
                              division=province, org_code=writer.bm(), **branch_kwargs)
        for city in kids.get(province.id, []):
            if city.is_pseudo_city:
                continue
            writer.add(p_branch, name=f"{office.name[:-3]}{city.name}局", kind=K.VERTICAL_UNIT,
                       level=Unit.Level.CITY, division=city, system=system)
    rows = writer.rows
    writer.flush()
    Unit.objects.filter(pk=office.pk).update(numchild=writer.children[office.path])
    del rows
    return writer


def ensure_national_units() -> int:
    """The national tree, generated once per benchmark database."""
    if Unit.objects.filter(kind=K.COUNTY_OFFICE).count() > 1000:
        return Unit.objects.count()
    return generate_units()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="drop and rebuild the benchmark database")
    parser.add_argument("--scale", type=float, default=1.0, help="share of departments per office")
    parser.add_argument("--sites", action="store_true", help="also ~85,000 websites with ~2,500,000 columns")
    parser.add_argument("--accounts", action="store_true",
                        help="an account for every organizing unit, with the printed list")
    parser.add_argument("--media", action="store_true", help="also ~300,000 政务新媒体 accounts (issue 22)")
    args = parser.parse_args()
    if args.reset:
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    _setup.migrate()
    started = time.perf_counter()
    total = ensure_national_units() if args.scale == 1.0 else generate_units(scale=args.scale)
    elapsed = time.perf_counter() - started
    print(f"database: {_setup.describe_database()}")
    print(f"units: {total:,} in {elapsed:.1f} s")
    for kind, label in K.choices:
        print(f"  {label:<14}{Unit.objects.filter(kind=kind).count():>9,}")
    if args.sites:
        from django.db.models import Count

        from sitecensus.registry.models import Website, WebsiteColumn

        started = time.perf_counter()
        ensure_national_sites()
        print(f"websites: {Website.objects.count():,}, columns: {WebsiteColumn.objects.count():,} "
              f"in {time.perf_counter() - started:.1f} s")
        for row in Website.objects.values("status", "life").annotate(n=Count("id")).order_by("status", "life"):
            print(f"  {row['status']:<10}{row['life']:<10}{row['n']:>9,}")
    if args.media:  # 政务新媒体 (issue 22)
        started = time.perf_counter()
        print(f"media accounts: {ensure_national_media():,} in {time.perf_counter() - started:.1f} s")
    if args.accounts:
        started = time.perf_counter()
        created = ensure_national_accounts()
        print_accounts(created)
        print(f"accounts: {len(created):,} created in {time.perf_counter() - started:.1f} s")
    from sitecensus.core.db import analyze

    started = time.perf_counter()
    analyze()  # the planner's statistics for the freshly loaded tables
    print(f"ANALYZE in {time.perf_counter() - started:.1f} s")



# ---------------------------------------------------------------- accounts

BENCH_PASSWORD = "Pucha@2015Bench"


def account_username(unit: Unit) -> str:
    return f"o{unit.org_code.lower()}"


@transaction.atomic
def ensure_national_accounts(*, password: str = BENCH_PASSWORD) -> list:
    """One account for every open organizing unit that has none; returns the accounts created."""
    from django.contrib.auth.hashers import make_password

    from sitecensus.accounts import otp, roles
    from sitecensus.accounts.models import User

    encoded = make_password(password)  # one hash for all: the bench needs the same known password
    now = timezone.now()
    have = set(User.objects.filter(unit__is_organizer=True, role__in=[roles.ORGANIZER, roles.NATIONAL_ADMIN])
               .values_list("unit_id", flat=True))
    taken = set(User.objects.values_list("username", flat=True))
    users = []
    for unit in (Unit.objects.filter(is_organizer=True, closed_at__isnull=True, org_code__isnull=False)
                 .exclude(pk__in=have).order_by("path")):
        username = account_username(unit)
        if username in taken:
            continue
        users.append(User(username=username, unit=unit, password=encoded, must_change_password=False,
                          role=roles.NATIONAL_ADMIN if unit.depth == 1 else roles.ORGANIZER,
                          email=f"{username}@bench.example.gov.cn", password_changed_at=now, issued_at=now))
    User.objects.bulk_create(users, batch_size=2000)
    created = list(User.objects.filter(username__in=[u.username for u in users]).select_related("unit")
                   .order_by("unit__path"))
    otp.TOTPDevice.objects.bulk_create(
        [otp.TOTPDevice(user=user, name="演示动态口令", key=otp.DEMO_KEY_HEX, confirmed=True, tolerance=1)
         for user in created if otp.required_for(user)], batch_size=2000)
    return created


def print_accounts(users, *, password: str = BENCH_PASSWORD) -> None:
    print(f"{'账号':<12}{'角色':<10}{'代码':<8}单位")
    for user in users:
        print(f"{user.username:<12}{user.role_label:<10}{user.unit.org_code or '':<8}{user.unit.name}")
    print(f"密码均为 {password}；二次验证用演示密钥（运行 sitecensus demo-otp 查看当前口令）。")


# ---------------------------------------------------------------- websites

# Share of units of each kind that run a website (2015: 85,890 sites in all).
SITE_SHARE = {K.PROVINCIAL_OFFICE: 1.0, K.CITY_OFFICE: 1.0, K.COUNTY_OFFICE: 1.0, K.MINISTRY_OFFICE: 1.0,
              K.DEPARTMENT: 0.50, K.INSTITUTION: 0.35, K.GOVERNMENT: 0.70, K.VERTICAL_BRANCH: 0.9,
              K.VERTICAL_UNIT: 0.8, K.INTERNAL_BODY: 0.3}
PORTAL_KINDS = {K.PROVINCIAL_OFFICE, K.MINISTRY_OFFICE, K.CITY_OFFICE, K.COUNTY_OFFICE}
COLUMN_CLASSES = ["工作动态/要闻", "通知公告", "政策文件", "人事", "规划计划", "领导", "机构", "地区介绍", "财政",
                  "重大项目", "统计", "信息公开目录", "政务咨询", "调查征集", "互动访谈", "办事指南", "在线系统", "其他"]
COLUMNS_PER_SITE = 30
QUEUE_PROVINCE = "130000"
QUEUE_SIZE = 5000


def _state(rng):
    """Inventory states spread as in a census in its last weeks."""
    r = rng.random()
    if r < 0.70:
        return "approved", "open"
    if r < 0.74:
        return "approved", "closed"
    if r < 0.76:
        return "approved", "merged"
    if r < 0.77:
        return "approved", "exception"
    if r < 0.87:
        return "submitted", "open"
    if r < 0.92:
        return "returned", "open"
    return "draft", "open"


@transaction.atomic
def generate_sites(*, seed: int = 85890) -> int:
    from sitecensus.registry.models import CodeSequence, Website, WebsiteColumn, WebsiteDomain
    from sitecensus.registry.services.records import identity_keys
    from sitecensus.registry.siteclass import default_for

    rng = random.Random(seed)
    units = list(Unit.objects.exclude(kind=K.NATIONAL_OFFICE).values(
        "id", "path", "depth", "kind", "level", "is_organizer", "org_code", "name", "system_id"))
    by_path = {u["path"]: u for u in units}
    root = Unit.objects.get(depth=1)
    by_path[root.path] = {"id": root.id, "path": root.path, "depth": 1, "org_code": root.org_code}
    hebei_office = Unit.objects.get(org_code=QUEUE_PROVINCE)
    sequences: dict[int, int] = {}
    sites, queue_left = [], QUEUE_SIZE
    now = timezone.now()
    for u in units:
        in_queue_province = u["path"].startswith(hebei_office.path) and u["depth"] > 2 and queue_left > 0
        if rng.random() >= SITE_SHARE.get(u["kind"], 0) and not in_queue_province:
            continue
        organizer = u if u["is_organizer"] else by_path[u["path"][:-Unit.steplen]]
        status, life = _state(rng)
        pending = None
        if in_queue_province:
            status, life, pending = "submitted", "open", hebei_office.id  # the province's big queue
            queue_left -= 1
        elif status == "submitted":
            # Waiting somewhere on the chain between the organizer and the top.
            depth = rng.randint(2, max(2, organizer["depth"]))
            pending = by_path[organizer["path"][: Unit.steplen * depth]]["id"]
        code = None
        if status == "approved":
            sequences[organizer["id"]] = sequences.get(organizer["id"], 0) + 1
            code = f"{organizer['org_code']}{sequences[organizer['id']]:04d}"
        host = f"s{len(sites):05d}.{(organizer['org_code'] or 'x')}.gov.cn"
        sites.append(Website(
            unit_id=u["id"], organizer_id=organizer["id"], name=f"{u['name']}网站", homepage_url=f"http://{host}/",
            url_key=f"http://{host}", is_portal=u["kind"] in PORTAL_KINDS, status=status, life=life,
            site_class=default_for(Unit(kind=u["kind"], level=u["level"], system_id=u["system_id"]),
                                   is_portal=u["kind"] in PORTAL_KINDS),
            pending_at_id=pending, site_code=code, data={"site_name": f"{u['name']}网站", "homepage_url": f"http://{host}/"},
            submitted_at=now if status != "draft" else None, approved_at=now if code else None,
            is_late=rng.random() < 0.04, version=1 if status != "draft" else 0))
    Website.objects.bulk_create(sites, batch_size=5000)
    CodeSequence.objects.bulk_create([CodeSequence(organizer_id=k, last=v) for k, v in sequences.items()],
                                     batch_size=5000)
    site_ids = list(Website.objects.values_list("id", "url_key"))
    # The "one site, one code" lookup table, as the services keep it (sync_domains): the reviewers'
    # duplicate flag and every clash check read it, so a data set without it would measure too little.
    WebsiteDomain.objects.bulk_create(
        [WebsiteDomain(website_id=site_id, key=key[:500], field=field)
         for site_id, data in Website.objects.values_list("id", "data").iterator(chunk_size=5000)
         for key, (field, _value) in identity_keys(data).items()], batch_size=5000)
    batch = []
    for site_id, url in site_ids:
        for i in range(COLUMNS_PER_SITE):
            batch.append(WebsiteColumn(website_id=site_id, position=i + 1, name=f"栏目{i + 1}",
                                       url=f"{url}/c{i + 1}/", is_homepage=i < 20,
                                       column_class=COLUMN_CLASSES[i % len(COLUMN_CLASSES)], update_period="每周"))
        if len(batch) >= 20000:
            WebsiteColumn.objects.bulk_create(batch)
            batch = []
    WebsiteColumn.objects.bulk_create(batch)
    return len(site_ids)


def _ensure(model, at_least: int, generate) -> int:
    """The national units, then `generate()` unless the table already holds more than `at_least` rows."""
    ensure_national_units()
    count = model.objects.count()
    return count if count > at_least else generate()


def ensure_national_sites() -> int:
    from sitecensus.registry.models import Website

    return _ensure(Website, 50000, generate_sites)



# ---------------------------------------------------------------- 政务新媒体 (issue 22)

MEDIA_PLATFORMS = [("微信公众号", 0.55), ("微博", 0.15), ("抖音", 0.14), ("今日头条", 0.07), ("快手", 0.04),
                   ("客户端", 0.02), ("小程序", 0.02), ("其他", 0.01)]
MEDIA_PER_UNIT = 2.0  # ~150,000 units → ~300,000 accounts
MEDIA_QUEUE_SIZE = 5000  # a province's review queue (the Hebei office)


@transaction.atomic
def generate_media(*, seed: int = 123) -> int:
    """~300,000 accounts in the states of a registry in use: most approved with their numbers, some
    in review along the chain (5,000 waiting at the Hebei office), returned, drafts, closed, cancelled,
    a share on the same platform twice. Written by bulk insert without the API's change feed (a
    generated data set has no mirror to tell)."""
    from django.db.models import QuerySet

    from sitecensus.newmedia.models import MediaAccount, MediaSequence

    rng = random.Random(seed)
    units = list(Unit.objects.exclude(kind=K.NATIONAL_OFFICE).values("id", "path", "depth", "is_organizer",
                                                                     "org_code", "name"))
    by_path = {u["path"]: u for u in units}
    root = Unit.objects.get(depth=1)
    by_path[root.path] = {"id": root.id, "path": root.path, "depth": 1, "org_code": root.org_code}
    hebei_office = Unit.objects.get(org_code=QUEUE_PROVINCE)
    names, weights = zip(*MEDIA_PLATFORMS)
    sequences: dict[int, int] = {}
    rows, queue_left, now, today = [], MEDIA_QUEUE_SIZE, timezone.now(), timezone.localdate()
    for u in units:
        organizer = u if u["is_organizer"] else by_path[u["path"][:-Unit.steplen]]
        for platform in rng.choices(names, weights, k=rng.choice((0, 1, 2, 2, 3, 4))):
            status, life = _state(rng)
            life = {"merged": "cancelled", "exception": "changed"}.get(life, life)
            pending = None
            if queue_left > 0 and u["path"].startswith(hebei_office.path) and u["depth"] > 2:
                status, life, pending = "submitted", "open", hebei_office.id
                queue_left -= 1
            elif status == "submitted":
                depth = rng.randint(2, max(2, organizer["depth"]))
                pending = by_path[organizer["path"][: Unit.steplen * depth]]["id"]
            code = None
            if status == "approved":
                sequences[organizer["id"]] = sequences.get(organizer["id"], 0) + 1
                code = f"{organizer['org_code']}M{sequences[organizer['id']]:05d}"
            rows.append(MediaAccount(
                unit_id=u["id"], organizer_id=organizer["id"], platform=platform, name=f"{u['name'][:40]}{platform}",
                account_id=f"a{len(rows):06d}", host_unit=u["name"], certified_subject=u["name"],
                is_certified=rng.random() > 0.05, operator_unit=u["name"], opened_on=today,
                status=status, life=life, pending_at_id=pending, media_code=code,
                last_post_on=today - timezone.timedelta(days=rng.randint(0, 60)) if code else None,
                submitted_at=now if status != "draft" else None, approved_at=now if code else None))
    QuerySet(MediaAccount).bulk_create(rows, batch_size=5000)
    MediaSequence.objects.bulk_create([MediaSequence(organizer_id=k, last=v) for k, v in sequences.items()],
                                      batch_size=5000)
    from sitecensus.newmedia import counts

    counts.rebuild()  # a bulk insert sends no signal: the statistics' counts recounted once
    return len(rows)


def ensure_national_media() -> int:
    from sitecensus.newmedia.models import MediaAccount

    return _ensure(MediaAccount, 200000, generate_media)


if __name__ == "__main__":
    main()
