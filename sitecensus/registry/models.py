"""The national website database: websites, their columns, every version, the
level-by-level review, identifier codes, and the campaign's deadlines."""

from django.conf import settings
from django.db import models

from sitecensus.core.feed import FeedQuerySet
from sitecensus.core.lifecycle import ConcurrentTransitionMixin, FSMField, FSMModelMixin, condition, step
from sitecensus.orgs.models import Unit

FILER = "网站的填报单位或其网站标识码账号（registry.policy.may_file_for / check_change）"
REVIEWER = "记录待审级别的组织单位业务人员（registry.policy.check_review），逐级审核"
IMPORTER = "上传该批次的组织单位业务人员（registry.policy.may_import_for）"


@condition("该网站已有网站标识码，已通过的网站请提交变更申请")
def _not_coded(website) -> bool:
    return not website.site_code


@condition("只有已通过审核的网站可以退回变更申请")
def _coded(website) -> bool:
    return bool(website.site_code)


@condition("该网站已关停或整合，不能提交变更")
def _still_open(website) -> bool:
    return website.life not in ("closed", "merged")


class Campaign(models.Model):
    """A census campaign with phases and dates (deadlines are data, not code)."""

    class Kind(models.TextChoices):
        CENSUS = "census", "普查"
        ROUND = "round", "抽查轮次"

    name = models.CharField("普查名称", max_length=100, unique=True)
    is_active = models.BooleanField("当前普查", default=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.CENSUS)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    rubric_code = models.CharField("评分表版本", max_length=16, blank=True)
    parent = models.ForeignKey("self", verbose_name="所属普查", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="rounds")
    created_at = models.DateTimeField("创建时间", null=True, blank=True, auto_now_add=True)

    class Meta:
        verbose_name = "普查"
        verbose_name_plural = "普查"

    def __str__(self):
        return self.name


class Phase(models.Model):
    class Kind(models.TextChoices):
        INVENTORY = "inventory", "统计摸底"
        SELFCHECK = "selfcheck", "自查"
        INSPECTION = "inspection", "检查"
        RECTIFICATION = "rectification", "整改"
        REPORT = "report", "报送检查整改情况"
        SPOTCHECK = "spotcheck", "抽查核查"
        SUMMARY = "summary", "通报总结"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("阶段", max_length=16, choices=Kind.choices)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")

    class Meta:
        verbose_name = "阶段"
        verbose_name_plural = "阶段"
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="phase_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.opens_on:%m月%d日}—{self.closes_on:%m月%d日}）"

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on

    def days_left(self, day) -> int:
        return (self.closes_on - day).days


class WindowException(models.Model):
    """Writes after a phase closes need an exception granted by the organizing unit above."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="exceptions")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="window_exceptions")
    until = models.DateField("延至")
    reason = models.CharField("原因", max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "补报许可"
        verbose_name_plural = "补报许可"


class Website(FSMModelMixin, models.Model):
    """One government website, reported by its competent unit (填报单位)."""

    objects = FeedQuerySet.as_manager()  # bulk writes reach the API's change feed too

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "审核中"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    class Life(models.TextChoices):
        OPEN = "open", "正常运行"
        EXCEPTION = "exception", "例外"
        CLOSED = "closed", "关停"
        MERGED = "merged", "整合"
        MIGRATED = "migrated", "迁移"

    unit = models.ForeignKey(Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="websites")
    organizer = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+",
                                  help_text="负责审核并以其代码生成网站标识码的组织单位")
    name = models.CharField("网站名称", max_length=100)
    homepage_url = models.CharField("首页网址", max_length=500)
    url_key = models.CharField("规范化网址", max_length=500, db_index=True)
    site_class = models.CharField("网站类别", max_length=32, blank=True, db_index=True)
    is_portal = models.BooleanField("门户网站", default=False)
    data = models.JSONField("基本信息", default=dict)
    status = FSMField("审核状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True,
                      protected=True)
    # The organizing unit whose review the record waits for (None when not in review).
    pending_at = models.ForeignKey(Unit, verbose_name="待审单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    site_code = models.CharField("网站标识码", max_length=10, null=True, blank=True, unique=True)
    verification_hash = models.CharField("校验码（散列）", max_length=200, blank=True)
    life = models.CharField("运行状态", max_length=16, choices=Life.choices, default=Life.OPEN, db_index=True)
    life_reason = models.CharField("状态说明", max_length=300, blank=True)
    merged_into = models.ForeignKey("self", verbose_name="整合至", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_sites")
    version = models.PositiveIntegerField("当前版本", default=0)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("通过时间", null=True, blank=True)
    is_late = models.BooleanField("逾期报送", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政府网站"
        verbose_name_plural = "政府网站"
        constraints = [
            # One homepage URL per unit; drafts not given their URL yet stay apart.
            models.UniqueConstraint(fields=["unit", "url_key"], name="website_unit_url_unique",
                                    condition=~models.Q(url_key="")),
            # One site, one code: no two coded open sites share a homepage URL.
            models.UniqueConstraint(fields=["url_key"], name="website_one_code_per_open_url",
                                    condition=models.Q(site_code__isnull=False)
                                    & ~models.Q(life__in=["closed", "merged"])),
        ]
        # The review queue: its filter and its order in one index (no sort of the whole table).
        indexes = [models.Index(fields=["pending_at", "status", "submitted_at", "id"], name="website_review_queue"),
                   models.Index(fields=["organizer", "status"]),
                   # API sync: keyset pages by change time (/api/sites?cursor=…&updated_since=…).
                   models.Index(fields=["updated_at", "id"], name="website_sync")]

    def __str__(self):
        return f"{self.name}（{self.site_code}）" if self.site_code else self.name

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)
    # The review services set the other fields (level waited for, version, codes); a transition moves the status.

    @step(source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED, label="报送", event="website_submitted",
          who=FILER + "；报送到直接上级组织单位", conditions=[_not_coded])
    def submit(self, **audit):
        """Into review at the organizing unit directly above."""

    @step(source=Status.APPROVED, target=Status.SUBMITTED, label="提交变更申请", event="website_change_requested",
          who=FILER, conditions=[_still_open], refused="只有已通过审核且没有待审变更的网站可以提交变更")
    def request_change(self, **audit):
        """A new version through the same review; the approved record stays until it is approved."""

    @step(source=Status.APPROVED, target=Status.SUBMITTED, label="申请运行状态变更（关停、整合、迁移、例外）",
          event="website_life_requested", who=FILER, refused="只有已通过审核且没有待审变更的网站可以申请状态变更")
    def request_life_change(self, **audit):
        """Approved like any change; the code is kept."""

    @step(source=Status.SUBMITTED, target=Status.SUBMITTED, label="本级审核通过，报上一级", event="website_approved",
          who=REVIEWER)
    def approve_level(self, **audit):
        """The record moves to the next organizing unit of its review chain."""

    @step(source=Status.SUBMITTED, target=Status.APPROVED, label="终审通过（首次通过时赋网站标识码）",
          event="website_final_approved", who=REVIEWER + "；审核链最后一级（省级政府办公厅或国务院部门办公厅）")
    def approve_final(self, **audit):
        """The pending version becomes current; a first approval gives the codes."""

    @step(source=Status.SUBMITTED, target=Status.RETURNED, label="退回（须说明原因）", event="website_returned",
          who=REVIEWER + "；任一级在记录待其审核时", conditions=[_not_coded])
    def return_filing(self, **audit):
        """Back to the reporting unit, with the reason."""

    @step(source=Status.SUBMITTED, target=Status.APPROVED, label="退回变更申请（须说明原因，原记录不变）",
          event="website_returned", who=REVIEWER + "；任一级在记录待其审核时", conditions=[_coded])
    def return_change(self, **audit):
        """The change is rejected; the approved record stays as it was."""

    @step(source=Status.SUBMITTED, target=Status.SUBMITTED, label="撤销本级审核", event="website_approval_undone",
          who="已审核通过的级别，在上一级审核之前（registry.policy.may_undo）")
    def undo_approval(self, **audit):
        """The record waits at the undoing level again."""


class WebsiteDomain(models.Model):
    """Every key a site is known by — its homepage URL and each of its other
    domains (其他域名), normalised without the scheme — one row each: the indexed
    lookup behind "one site, one code" (registry.services.records.find_clash)."""

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="domains")
    key = models.CharField("规范化域名", max_length=500, db_index=True)
    field = models.CharField("所在字段", max_length=16)  # homepage_url / other_domains

    class Meta:
        verbose_name = "网站域名"
        verbose_name_plural = "网站域名"
        constraints = [models.UniqueConstraint(fields=["website", "key"], name="website_domain_unique")]

    def __str__(self):
        return self.key


class WebsiteColumn(models.Model):
    """A column or online system of a website (the second form); homepage columns first."""

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveIntegerField("顺序")
    name = models.CharField("栏目名称", max_length=100)
    url = models.CharField("栏目网址", max_length=500)
    parent_name = models.CharField("上级栏目", max_length=100, blank=True)
    is_homepage = models.BooleanField("首页栏目", default=False)
    column_class = models.CharField("栏目类别", max_length=32)
    update_period = models.CharField("更新周期", max_length=16, blank=True)
    remarks = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "栏目（系统）"
        verbose_name_plural = "栏目（系统）"
        ordering = ["website", "position"]
        indexes = [models.Index(fields=["website", "position"])]

    def __str__(self):
        return self.name


class WebsiteVersion(FSMModelMixin, models.Model):
    """Every version of a record is kept; approved ones are never overwritten."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        CURRENT = "current", "现行"
        SUPERSEDED = "superseded", "已被替代"
        REJECTED = "rejected", "已退回"

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    data = models.JSONField("基本信息")
    columns = models.JSONField("栏目")
    source = models.CharField("来源", max_length=16)  # online, import, change, life
    state = FSMField("状态", max_length=16, choices=State.choices, default=State.PENDING, protected=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "版本"
        verbose_name_plural = "版本"
        ordering = ["website", "-number"]
        constraints = [models.UniqueConstraint(fields=["website", "number"], name="version_unique_number")]

    def __str__(self):
        return f"第 {self.number} 版"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)
    # A version is written once (pending) and only its state moves: the review services fire these.

    @step(source=State.PENDING, target=State.CURRENT, label="终审通过，成为现行版本", event="version_current",
          who=REVIEWER + "；随网站终审通过", field="state", refused="只有待审核的版本可以成为现行版本")
    def make_current(self, **audit):
        """The approved record is this version from now on."""

    @step(source=State.CURRENT, target=State.SUPERSEDED, label="被新的现行版本替代", event="version_superseded",
          who=REVIEWER + "；随另一版本终审通过", field="state", refused="只有现行版本可以被替代")
    def supersede(self, **audit):
        """Kept for the history; never shown as the record again."""

    @step(source=State.PENDING, target=State.REJECTED, label="退回（随网站退回）", event="version_rejected",
          who=REVIEWER + "；随网站退回", field="state", refused="只有待审核的版本可以退回")
    def reject(self, **audit):
        """The filer sees it as the returned change."""

    @property
    def is_rejected(self) -> bool:
        return self.state == self.State.REJECTED


class ReviewEvent(models.Model):
    """The history of a record: submissions, approvals, returns, undos, codes."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "报送"
        APPROVE = "approve", "审核通过"
        FINAL = "final", "终审通过"
        RETURN = "return", "退回"
        UNDO = "undo", "撤销审核"
        CHANGE = "change", "提交变更"
        LIFE = "life", "申请状态变更"
        IMPORT = "import", "导入"

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="events")
    version = models.PositiveIntegerField("版本号", default=0)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    level = models.ForeignKey(Unit, verbose_name="审核单位", null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["website", "at", "id"]


class CodeSequence(models.Model):
    """The last identifier-code sequence number per organizing unit."""

    organizer = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="code_sequence")
    last = models.PositiveIntegerField(default=0)


class ImportBatch(ConcurrentTransitionMixin, models.Model):
    """An upload of one or many workbooks: dry run (one background job), then confirm."""

    class State(models.TextChoices):
        ANALYSING = "analysing", "预检中"
        DRY_RUN = "dry_run", "待确认"
        COMMITTING = "committing", "导入中"
        COMMITTED = "committed", "已导入"
        CANCELLED = "cancelled", "已取消"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = FSMField("状态", max_length=16, choices=State.choices, default=State.ANALYSING, protected=True)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"

    def __str__(self):
        return f"批次 {self.pk}"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)
    # ConcurrentTransitionMixin: a save whose state changed meanwhile in the database is refused, so two
    # confirms of one batch never both start.

    @step(source=State.ANALYSING, target=State.DRY_RUN, label="完成预检", event="import_dry_run", who=IMPORTER,
          field="state", refused="该批次已完成预检，或已导入、已取消")
    def finish_analysis(self, **audit):
        """Every file's analysis is stored, bound to its digest: the batch waits for the confirm."""

    @step(source=State.DRY_RUN, target=State.COMMITTING, label="确认导入", event="import_commit_started",
          who=IMPORTER, field="state", refused="该批次尚在预检，或正在导入、已导入、已取消")
    def start_commit(self, **audit):
        """The stored analysis is written, chunk by chunk."""

    @step(source=State.COMMITTING, target=State.COMMITTED, label="导入完成", event="import_committed",
          who=IMPORTER, field="state", refused="该批次不在导入中")
    def finish_commit(self, **audit):
        """Every planned row is written (or, with 只导入无误的网站, skipped with its reason)."""

    @step(source=State.COMMITTING, target=State.DRY_RUN, label="导入中断，回到待确认", event="import_interrupted",
          who=IMPORTER + "；写入中断时由系统执行", field="state", refused="该批次不在导入中")
    def interrupt(self, **audit):
        """A confirm stopped midway: confirming again finds what was saved and refuses what changed."""

    @step(source=[State.ANALYSING, State.DRY_RUN], target=State.CANCELLED, label="取消导入", event="import_cancelled",
          who=IMPORTER, field="state", refused="该批次已导入或已取消")
    def cancel(self, **audit):
        """The stored files are deleted; nothing was saved."""

    @step(source=[State.ANALYSING, State.DRY_RUN], target=State.CANCELLED, label="过期作废",
          event="import_expired", who="系统（超过 IMPORT_BATCH_TTL 未确认）", field="state",
          refused="该批次已导入或已取消")
    def expire(self, **audit):
        """Left unconfirmed too long: cancelled, its stored files deleted."""

    @property
    def in_analysis(self) -> bool:
        """Still being analysed (its job runs): may be cancelled, not confirmed."""
        return self.state == self.State.ANALYSING


class ImportFile(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    analysed = models.BooleanField(default=False)
    # The stored dry run of this file, bound to its digest: {"sha256", "rows": [planned rows]} (registry.imports).
    analysis = models.JSONField(default=dict, blank=True)
