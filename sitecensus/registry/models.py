"""The national website database: websites, their columns, every version, the
level-by-level review, identifier codes, and the campaign's deadlines."""

from django.conf import settings
from django.db import models

from sitecensus.campaigns.models import Campaign
from sitecensus.core.feed import FeedQuerySet
from sitecensus.core.lifecycle import ConcurrentTransitionMixin, FSMField, FSMModelMixin, condition, in_states, step
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
    return website.life not in GONE_LIVES


# ------------------------------------------------------------ a site's life (《政府网站发展指引》, 国办发〔2017〕47号)
# The conditions read what the services recorded (the opening checklist, the closure record); each refusal
# names what is missing. Rules officials change (the checklist's items, the notice period) are data/settings.
GONE_LIVES = ("closed", "merged")  # out of the directory, the scans and later phases (the code is kept)


def is_gone_life(life: str) -> bool:
    """The same rule for a life read without its site (a `values()` row): Website.is_gone."""
    return life in GONE_LIVES


@condition("尚未获得网站标识码的网站才能登记为新开办网站")
def _uncoded(website) -> bool:
    return not website.site_code


@condition("开办核对清单未完成（审批文件、党政机关网站标识、域名、ICP备案、公安备案、安全检测），不能终审通过")
def _opening_complete(website) -> bool:
    from .opening import missing_items  # the checklist as data (registry/data/opening_checklist.json)
    return not missing_items(website)


@condition("临时下线须填写晚于今天的计划恢复日期")
def _return_date_ahead(website) -> bool:
    from django.utils import timezone
    return website.life_until is not None and website.life_until > timezone.localdate()


def _closure(website):
    return website.closures.filter(completed_at__isnull=True).order_by("-pk").first()


@condition("关停（整合、迁移）公告在公告期内须经扫描核验一直在首页，且公告期满后核验原网站已无法访问或已跳转至目标网站")
def _closure_verified(website) -> bool:
    closure = _closure(website)
    return closure is not None and closure.notice_held and closure.gone_verified


def _closure_kind(kind):
    return condition(f"该网站的公告登记的不是{ {'merge': '整合', 'migrate': '迁移'}[kind] }")(
        lambda website: (_closure(website) is not None and _closure(website).kind == kind))


class Phase(models.Model):
    class Kind(models.TextChoices):
        INVENTORY = "inventory", "统计摸底"
        SELFCHECK = "selfcheck", "自查"
        INSPECTION = "inspection", "检查"
        RECTIFICATION = "rectification", "整改"
        REPORT = "report", "报送检查整改情况"
        SPOTCHECK = "spotcheck", "抽查核查"
        SUMMARY = "summary", "通报总结"
        ANNUAL = "annual", "发布年度报表"  # 国办函〔2018〕12号: by 31 January (sitecensus/annual)

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


class ReviewedRecord(FSMModelMixin, models.Model):
    """What a record reviewed level by level up the websites' chain carries — a website, a new-media
    account: its review state, the organizing unit it waits for, the last return's reason and its times.
    Each record declares its own transitions (their events and conditions) over `Status`."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "审核中"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    status = FSMField("审核状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True,
                      protected=True)
    # The organizing unit whose review the record waits for (None when not in review).
    pending_at = models.ForeignKey(Unit, verbose_name="待审单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("通过时间", null=True, blank=True)

    class Meta:
        abstract = True


class WebsiteQuerySet(FeedQuerySet):
    """The one place that says which sites are gone (关停, 整合): `open()` and `closed()`."""

    def closed(self):
        return self.filter(life__in=GONE_LIVES)

    def open(self):
        return self.exclude(life__in=GONE_LIVES)

    def returned(self):
        """Returned to their unit, waiting to be filed again."""
        return self.filter(status=Website.Status.RETURNED)


class Website(ReviewedRecord):
    """One government website, reported by its competent unit (填报单位)."""

    objects = WebsiteQuerySet.as_manager()  # bulk writes reach the API's change feed too
    Status = ReviewedRecord.Status

    class Life(models.TextChoices):
        # The five the census form knows (运行状态) keep their labels; the others are the 2017 指引's steps.
        OPENING = "opening", "开办中"
        OPEN = "open", "正常运行"
        OFFLINE = "offline", "临时下线"
        MERGING = "merging", "整合迁移公告中"
        CLOSING = "closing", "关停公告中"
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
    site_code = models.CharField("网站标识码", max_length=10, null=True, blank=True, unique=True)
    life = FSMField("运行状态", max_length=16, choices=Life.choices, default=Life.OPEN, db_index=True,
                    protected=True)
    life_until = models.DateField("计划恢复日期", null=True, blank=True)  # 临时下线
    life_reason = models.CharField("状态说明", max_length=300, blank=True)
    merged_into = models.ForeignKey("self", verbose_name="整合至", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_sites")
    version = models.PositiveIntegerField("当前版本", default=0)
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
                                    & ~models.Q(life__in=GONE_LIVES)),
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

    # Named questions on the two lifecycles: code and templates ask these, never compare states.
    is_editable = in_states("status", Status.DRAFT, Status.RETURNED, doc="草稿或已退回：填报单位可以修改、报送")
    in_review = in_states("status", Status.SUBMITTED, doc="审核中（首次报送或变更申请）")
    is_approved = in_states("status", Status.APPROVED, doc="已通过，没有待审的变更")
    is_gone = in_states("life", *GONE_LIVES, doc="关停或整合：不在名录、扫描与以后的阶段中")
    is_opening = in_states("life", Life.OPENING)
    runs_normally = in_states("life", Life.OPEN, doc="正常运行")
    is_offline = in_states("life", Life.OFFLINE)
    is_exception = in_states("life", Life.EXCEPTION)
    is_merging = in_states("life", Life.MERGING)
    in_notice_period = in_states("life", Life.CLOSING, Life.MERGING, doc="关停或整合迁移公告期内")
    life_ended = in_states("life", Life.CLOSED, Life.MERGED, Life.MIGRATED, doc="已报备关停、整合或迁移")
    # A life-change request is for a site running (or offline, 例外, migrated earlier); one in its notice
    # period or being opened has its own steps (registry.services.life).
    may_request_life_change = in_states("life", Life.OPEN, Life.OFFLINE, Life.EXCEPTION, Life.MIGRATED,
                                        doc="可以申请运行状态变更（关停、整合、迁移、例外）")

    @property
    def form_life(self) -> str:
        """运行状态 as the census form knows it (正常运行, 例外, 关停, 整合, 迁移): the lifecycle's states in
        between read as the form value they come from (开办中, 临时下线: 正常运行) or lead to (a notice
        period: the 关停, 整合 or 迁移 already approved), so a unit's own workbook reads back 不变."""
        L = self.Life
        if self.life in (L.OPENING, L.OFFLINE):
            return L.OPEN
        if self.life == L.CLOSING:
            return L.CLOSED
        if self.life == L.MERGING:
            closure = self.closures.filter(completed_at__isnull=True).order_by("-pk").first()
            return L.MIGRATED if closure is not None and closure.kind == "migrate" else L.MERGED
        return self.life

    def get_form_life_display(self) -> str:
        return self.Life(self.form_life).label

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

    # ------------------------------------------------------------ the life (field "life"; registry/services/life.py)

    @step(field="life", source=Life.OPEN, target=Life.OPENING, label="登记为新开办网站", event="website_opening",
          who=FILER + "；尚无网站标识码的记录", conditions=[_uncoded])
    def begin_opening(self, **audit):
        """A new site by the 2017 指引: final approval waits for its opening checklist."""

    @step(field="life", source=Life.OPENING, target=Life.OPEN, label="开办完成，正式运行（终审通过时）",
          event="website_opened", who=REVIEWER + "；终审通过", conditions=[_opening_complete])
    def go_live(self, **audit):
        """Approval, 标识, domain, ICP and 公安备案, security test: all recorded."""

    @step(field="life", source=Life.OPEN, target=Life.OFFLINE, label="临时下线（报备计划恢复日期）",
          event="website_offline", who=FILER, conditions=[_return_date_ahead])
    def take_offline(self, **audit):
        """Offline for a while; overdue past its return date, it shows on the organizing unit's to-dos."""

    @step(field="life", source=Life.OFFLINE, target=Life.OPEN, label="恢复运行", event="website_back_online",
          who=FILER)
    def back_online(self, **audit):
        """Running again."""

    @step(field="life", source=[Life.OPEN, Life.OFFLINE, Life.EXCEPTION, Life.MIGRATED], target=Life.CLOSING,
          label="关停获批，发布关停公告", event="website_closure_announced", who=REVIEWER + "；运行状态变更终审通过")
    def announce_closure(self, **audit):
        """The notice goes on the homepage for the notice period (SITE_NOTICE_DAYS)."""

    @step(field="life", source=[Life.OPEN, Life.OFFLINE, Life.EXCEPTION, Life.MIGRATED], target=Life.MERGING,
          label="整合或迁移获批，发布整合迁移公告", event="website_merge_announced",
          who=REVIEWER + "；运行状态变更终审通过")
    def announce_merge(self, **audit):
        """The notice names the target site and stays for the notice period."""

    @step(field="life", source=Life.CLOSING, target=Life.CLOSED, label="报备关停（公告期满、核验通过）",
          event="website_closed", who=FILER, conditions=[_closure_verified])
    def complete_closure(self, **audit):
        """The site leaves the directory, the scans and later phases that day; its code is kept."""

    @step(field="life", source=Life.MERGING, target=Life.MERGED, label="报备整合（公告期满、核验通过）",
          event="website_merged", who=FILER, conditions=[_closure_kind("merge"), _closure_verified])
    def complete_merge(self, **audit):
        """Merged into its target site."""

    @step(field="life", source=Life.MERGING, target=Life.MIGRATED, label="报备迁移（公告期满、核验通过）",
          event="website_migrated", who=FILER, conditions=[_closure_kind("migrate"), _closure_verified])
    def complete_migration(self, **audit):
        """The record carries on at its new address with its code."""

    @step(field="life", source=[Life.CLOSING, Life.MERGING], target=Life.OPEN, label="撤回公告，继续运行",
          event="website_closure_withdrawn", who=FILER + "；报备之前")
    def withdraw_closure(self, **audit):
        """The closure is given up before it is filed."""

    @step(field="life", source=[Life.OPEN, Life.OFFLINE, Life.MIGRATED], target=Life.EXCEPTION,
          label="列为例外网站", event="website_exception", who=REVIEWER + "；首次终审或运行状态变更终审通过")
    def declare_exception(self, **audit):
        """Kept for a stated reason (not scannable, …)."""

    @step(field="life", source=Life.EXCEPTION, target=Life.OPEN, label="恢复为正常运行",
          event="website_exception_ended", who=REVIEWER + "；运行状态变更终审通过")
    def end_exception(self, **audit):
        """Back to the ordinary rules."""


class OpeningChecklist(models.Model):
    """A new site's 开办 checklist (2017 指引; the national 报备 page): the items are data
    (registry/data/opening_checklist.json), their values here; final approval waits for all."""

    website = models.OneToOneField(Website, on_delete=models.CASCADE, related_name="opening")
    values = models.JSONField("核对事项", default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "开办核对清单"
        verbose_name_plural = "开办核对清单"


class SiteClosure(models.Model):
    """A closure, merge or migration after its approval: the notice (URL, date, period), the
    scanner's daily observations of it with their evidence, the check that the old site is gone
    or redirects to its target, and the 报备 that completes it."""

    class Kind(models.TextChoices):
        CLOSE = "close", "关停"
        MERGE = "merge", "整合"
        MIGRATE = "migrate", "迁移"

    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    target = models.ForeignKey(Website, verbose_name="目标网站", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    old_url = models.CharField("原首页网址", max_length=500)
    new_url = models.CharField("目标网址", max_length=500, blank=True)
    notice_url = models.CharField("公告网址", max_length=500, blank=True)
    notice_on = models.DateField("公告发布日期", null=True, blank=True)
    period_days = models.PositiveSmallIntegerField("公告期（天）")
    observations = models.JSONField("公告核验记录", default=list)  # [{on, status, evidence…}], one per day
    notice_held = models.BooleanField("公告期核验通过", default=False)
    period_reason = models.CharField("公告期核验说明", max_length=300, blank=True)
    gone_check = models.JSONField("原网站核验", default=dict)
    gone_verified = models.BooleanField("原网站已下线或跳转", default=False)
    filing_note = models.CharField("报备说明", max_length=300, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    completed_at = models.DateTimeField("报备完成时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "关停整合迁移"
        verbose_name_plural = "关停整合迁移"

    @property
    def ends_on(self):
        from datetime import timedelta
        return self.notice_on + timedelta(days=self.period_days) if self.notice_on else None


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
