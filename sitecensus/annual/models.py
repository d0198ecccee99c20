"""Annual reports (国办函〔2018〕12号): every website's 政府网站工作年度报表, pre-filled by the
system, completed by its unit, approved by the organizing unit above and published in its
region's 专栏; every province's and State Council department's 政府网站监管年度报表, generated
from the year's spot checks, life changes, 找错 handling, accountability and training records."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sitecensus.core.lifecycle import FSMField, FSMModelMixin, condition, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import Website

UNIT = "网站的主办（填报）单位的业务人员（annual.policy.check_fill）"
APPROVER = "上一级组织单位的业务人员（annual.policy.check_approve）"
COMPILER = "编制单位（省级政府办公厅或国务院部门办公厅）的业务人员（annual.policy.check_compile）"


@condition("还有必填项目未填写，请补全后再报送")
def _complete(report) -> bool:
    from .items import missing

    return not missing(report.values)


class SiteReport(FSMModelMixin, models.Model):
    """政府网站工作年度报表: one per website and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已发布"

    class Link(models.TextChoices):
        UNCHECKED = "", "未检查"
        LINKED = "linked", "首页已链接"
        ABSENT = "absent", "首页未链接"
        UNDETERMINED = "undetermined", "无法判定"

    website = models.ForeignKey(Website, verbose_name="网站", on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField("报表年度")
    unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(Unit, verbose_name="审核单位", on_delete=models.PROTECT, related_name="+")
    # The 专栏 the report is published in: the province's general office or the State Council department's.
    region = models.ForeignKey(Unit, verbose_name="专栏", on_delete=models.PROTECT, related_name="+")
    values = models.JSONField("填报内容", default=dict)
    prefilled = models.JSONField("系统预填", default=dict)  # item code → value the system proposed
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    generated_at = models.DateTimeField("预填时间", default=timezone.now)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    is_late = models.BooleanField("逾期发布", default=False)
    link_verdict = models.CharField("首页链接检查", max_length=16, choices=Link.choices, blank=True, default="")
    link_reason = models.CharField("检查说明", max_length=300, blank=True)

    is_editable = in_states("status", Status.DRAFT, Status.RETURNED, doc="填写中或已退回：单位可以修改、报送")
    is_submitted = in_states("status", Status.SUBMITTED)
    is_approved = in_states("status", Status.APPROVED)
    is_published = in_states("status", Status.PUBLISHED)
    link_evidence = models.JSONField("检查证据", default=list, blank=True)
    link_checked_at = models.DateTimeField("检查时间", null=True, blank=True)

    class Meta:
        verbose_name = "政府网站工作年度报表"
        verbose_name_plural = "政府网站工作年度报表"
        constraints = [models.UniqueConstraint(fields=["website", "year"], name="annual_site_report_unique")]
        indexes = [models.Index(fields=["region", "year", "status"], name="annual_region_year"),
                   models.Index(fields=["approver", "year", "status"], name="annual_approver_year"),
                   models.Index(fields=["unit", "year"], name="annual_unit_year")]

    def __str__(self):
        return f"{self.website.name}{self.year}年度工作年度报表"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED, label="报送审核",
          event="annual_report_submitted", who=UNIT, conditions=[_complete],
          refused="只有填写中或已退回的年度报表可以报送")
    def submit(self, **audit):
        self.submitted_at, self.return_reason = timezone.now(), ""

    @step(source=Status.SUBMITTED, target=Status.APPROVED, label="审核通过", event="annual_report_approved",
          who=APPROVER, refused="只有待审核的年度报表可以审核")
    def approve(self, *, actor, **audit):
        self.approved_at, self.approved_by = timezone.now(), actor

    @step(source=Status.SUBMITTED, target=Status.RETURNED, label="退回修改（须说明原因）",
          event="annual_report_returned", who=APPROVER, refused="只有待审核的年度报表可以退回")
    def return_report(self, *, reason: str, **audit):
        self.return_reason = reason[:500]

    @step(source=Status.APPROVED, target=Status.PUBLISHED, label="发布", event="annual_report_published",
          who=UNIT + "或审核单位；发布后在本地区年度报表专栏公开", refused="年度报表须审核通过后才能发布")
    def publish(self, **audit):
        self.published_at = timezone.now()


class SupervisionReport(FSMModelMixin, models.Model):
    """政府网站监管年度报表: one per province (its general office) or State Council department and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        APPROVED = "approved", "已审定"
        PUBLISHED = "published", "已发布"

    unit = models.ForeignKey(Unit, verbose_name="编制单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("报表年度")
    figures = models.JSONField("系统生成的数据", default=dict)
    values = models.JSONField("填写内容", default=dict)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    is_late = models.BooleanField("逾期发布", default=False)

    is_draft = in_states("status", Status.DRAFT)
    is_approved = in_states("status", Status.APPROVED)
    is_published = in_states("status", Status.PUBLISHED)

    class Meta:
        verbose_name = "政府网站监管年度报表"
        verbose_name_plural = "政府网站监管年度报表"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="annual_supervision_unique")]

    def __str__(self):
        return f"{self.unit.name}{self.year}年度政府网站监管年度报表"

    @step(source=Status.DRAFT, target=Status.APPROVED, label="审定", event="supervision_report_approved",
          who=COMPILER, refused="只有草稿可以审定")
    def approve(self, *, actor, **audit):
        self.approved_at, self.approved_by = timezone.now(), actor

    @step(source=Status.APPROVED, target=Status.DRAFT, label="撤回审定，重新生成", event="supervision_report_reopened",
          who=COMPILER, refused="只有已审定、未发布的报表可以撤回")
    def reopen(self, **audit):
        self.approved_at, self.approved_by = None, None

    @step(source=Status.APPROVED, target=Status.PUBLISHED, label="发布", event="supervision_report_published",
          who=COMPILER, refused="监管年度报表须审定后才能发布")
    def publish(self, **audit):
        self.published_at = timezone.now()


class TrainingEntry(models.Model):
    """人员培训: one training a province or State Council department held (counted in its report)."""

    unit = models.ForeignKey(Unit, verbose_name="举办单位", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("培训日期")
    title = models.CharField("培训名称", max_length=200)
    participants = models.PositiveIntegerField("参训人数")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self):
        return self.title
