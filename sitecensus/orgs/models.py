from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node

NATIONAL_OFFICE_CODE = "bm0100"
MUNICIPALITIES = {"11", "12", "31", "50"}


class Division(models.Model):
    """An administrative division (统计用区划代码): 2/4/6/9-digit code by level."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"
        TOWNSHIP = 4, "乡级"

    code = models.CharField("区划代码", max_length=9, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    province_code = models.CharField("省级代码", max_length=2, db_index=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code6}）"

    @property
    def code6(self) -> str:
        """The 6-digit code used in unit and website identifier codes."""
        return self.code.ljust(6, "0")[:6] if self.level < Division.Level.TOWNSHIP else self.code

    @property
    def is_pseudo_city(self) -> bool:
        """市辖区 / 县 groupings of the municipalities: no government of their own."""
        return self.level == Division.Level.CITY and self.name in {"市辖区", "县"}


class VerticalSystem(models.Model):
    """A vertically managed system (垂直管理, e.g. tax): reports through its State
    Council department, never through local governments."""

    name = models.CharField("系统名称", max_length=100, unique=True)
    department = models.ForeignKey("Unit", verbose_name="主管国务院部门", on_delete=models.PROTECT,
                                   related_name="vertical_systems")

    class Meta:
        verbose_name = "垂直管理系统"
        verbose_name_plural = "垂直管理系统"

    def __str__(self):
        return self.name


class Unit(MP_Node):
    """A government body in the census. The tree parent is the organizing unit
    responsible for it; a subtree is one prefix query on `path`."""

    class Kind(models.TextChoices):
        NATIONAL_OFFICE = "national_office", "国务院办公厅"
        PROVINCIAL_OFFICE = "provincial_office", "省级政府办公厅"
        CITY_OFFICE = "city_office", "市级政府办公室"
        COUNTY_OFFICE = "county_office", "县级政府办公室"
        MINISTRY_OFFICE = "ministry_office", "国务院部门办公厅（室）"
        VERTICAL_BRANCH = "vertical_branch", "垂直管理部门"
        GOVERNMENT = "government", "人民政府"
        DEPARTMENT = "department", "政府部门"
        INSTITUTION = "institution", "参公事业单位"
        INTERNAL_BODY = "internal_body", "内设机构"
        VERTICAL_UNIT = "vertical_unit", "垂直管理系统单位"

    class Level(models.IntegerChoices):
        NATIONAL = 0, "国家级"
        PROVINCE = 1, "省级"
        CITY = 2, "市级"
        COUNTY = 3, "县级"
        TOWNSHIP = 4, "乡级"

    ORGANIZER_KINDS = {Kind.NATIONAL_OFFICE, Kind.PROVINCIAL_OFFICE, Kind.CITY_OFFICE,
                       Kind.COUNTY_OFFICE, Kind.MINISTRY_OFFICE, Kind.VERTICAL_BRANCH}
    LOCAL_OFFICE_KINDS = {Kind.PROVINCIAL_OFFICE, Kind.CITY_OFFICE, Kind.COUNTY_OFFICE}

    steplen = 4
    node_order_by = []

    name = models.CharField("单位名称", max_length=200, db_index=True)
    kind = models.CharField("单位类型", max_length=32, choices=Kind.choices)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    division = models.ForeignKey(Division, verbose_name="行政区划", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="units")
    is_organizer = models.BooleanField("组织单位", default=False)
    org_code = models.CharField("组织单位代码", max_length=6, null=True, blank=True)
    system = models.ForeignKey(VerticalSystem, verbose_name="垂直管理系统", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="units")
    closed_at = models.DateTimeField("撤销时间", null=True, blank=True)
    closed_reason = models.CharField("撤销原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.UniqueConstraint(fields=["org_code"], condition=models.Q(org_code__isnull=False),
                                    name="unit_org_code_unique"),
            models.CheckConstraint(
                condition=models.Q(is_organizer=False, org_code__isnull=True)
                | models.Q(is_organizer=True, org_code__isnull=False),
                name="unit_organizer_has_code"),
        ]
        indexes = [models.Index(fields=["kind", "level"]),
                   # A unit's children (depth = d + 1 under its path) — the home page's counts, the
                   # inspection scope — read this index instead of scanning every unit below (PostgreSQL
                   # needs the pattern operator class to use it for LIKE 'path%')…
                   models.Index(fields=["depth", "path"], name="unit_depth_path",
                                opclasses=["int4_ops", "varchar_pattern_ops"]),
                   # …and this one for the first children in path order (ORDER BY path LIMIT n): without
                   # it the planner walks the whole tree in path order to find the national office's.
                   models.Index(fields=["depth", "path"], name="unit_depth_path_order")]

    def __str__(self):
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def parent_path(self) -> str | None:
        return self.path[: -self.steplen] if self.depth > 1 else None

    def delete(self, *args, **kwargs):
        from sitecensus.core.errors import InvalidState

        raise InvalidState("单位不可删除，只能撤销（关闭）")
