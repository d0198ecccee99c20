"""政务新媒体: accounts a unit runs on third-party platforms (and its own clients), filed and
reviewed level by level like websites, each approved one given a registry number of its own
series (organizer code + 'M' + sequence, see the README)."""

from django.conf import settings
from django.db import models

from sitecensus.core.feed import FeedQuerySet
from sitecensus.core.lifecycle import condition, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.registry.models import ReviewedRecord

FILER = "账号的主办单位（newmedia.policy.may_file_for / may_change）"
REVIEWER = "记录待审级别的组织单位业务人员（registry.policy.check_review），逐级审核"


@condition("该账号已有登记编号，已通过的账号请提交变更申请")
def _not_numbered(account) -> bool:
    return not account.media_code


@condition("只有已通过审核的账号可以退回变更申请")
def _numbered(account) -> bool:
    return bool(account.media_code)


@condition("该账号已注销，不能再提交变更")
def _not_cancelled(account) -> bool:
    return account.life != "cancelled"


class MediaAccount(ReviewedRecord):
    """One government new-media account, filed by the unit that opened it (主办单位), reviewed up the
    websites' chain with the websites' review state (registry.models.ReviewedRecord)."""

    objects = FeedQuerySet.as_manager()  # bulk writes reach the API's change feed too
    Status = ReviewedRecord.Status

    class Life(models.TextChoices):
        OPEN = "open", "开设"
        CHANGED = "changed", "变更"
        CLOSED = "closed", "关停"
        CANCELLED = "cancelled", "注销"

    class Request(models.TextChoices):
        CHANGE = "change", "变更"
        CLOSE = "close", "关停"
        CANCEL = "cancel", "注销"

    unit = models.ForeignKey(Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="media_accounts")
    organizer = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    platform = models.CharField("平台", max_length=16, db_index=True)
    name = models.CharField("账号名称", max_length=100)
    account_id = models.CharField("账号ID", max_length=100, blank=True)
    url = models.CharField("公开页面网址", max_length=500, blank=True)
    host_unit = models.CharField("主办单位", max_length=200)
    certified_subject = models.CharField("认证主体", max_length=200, blank=True)
    is_certified = models.BooleanField("是否已认证", default=False)
    operator_unit = models.CharField("运维单位", max_length=200, blank=True)
    opened_on = models.DateField("开设日期", null=True, blank=True)
    media_code = models.CharField("登记编号", max_length=16, null=True, blank=True, unique=True)
    life = models.CharField("账号状态", max_length=16, choices=Life.choices, default=Life.OPEN, db_index=True)
    life_reason = models.CharField("状态说明", max_length=300, blank=True)
    life_on = models.DateField("状态变更日期", null=True, blank=True)
    # A change, closing or cancelling waiting for review: {"kind", "data", "reason", "on"}.
    pending = models.JSONField("待审变更", default=dict, blank=True)
    source = models.CharField("来源", max_length=16, default="online")  # online / import

    is_editable = in_states("status", Status.DRAFT, Status.RETURNED, doc="草稿或已退回：主办单位可以修改、报送")
    in_review = in_states("status", Status.SUBMITTED)
    is_approved = in_states("status", Status.APPROVED)
    is_live = in_states("life", *("open", "changed"), doc="仍在发布（未关停、未注销）")
    is_closed = in_states("life", Life.CLOSED)
    is_cancelled = in_states("life", Life.CANCELLED)
    last_post_on = models.DateField("最近发布日期", null=True, blank=True)
    last_checked_at = models.DateTimeField("最近检测时间", null=True, blank=True)
    check_result = models.JSONField("检测结果与证据", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政务新媒体"
        verbose_name_plural = "政务新媒体"
        indexes = [models.Index(fields=["pending_at", "status", "submitted_at", "id"], name="media_review_queue"),
                   models.Index(fields=["unit", "platform"], name="media_unit_platform"),
                   models.Index(fields=["updated_at", "id"], name="media_sync"),
                   # The problem lists: not updated for N days, closed but not cancelled.
                   models.Index(fields=["life", "last_post_on"], name="media_not_updated"),
                   models.Index(fields=["life", "life_on"], name="media_closed")]

    def __str__(self):
        return f"{self.platform}“{self.name}”" + (f"（{self.media_code}）" if self.media_code else "")

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED, label="报送",
          event="media_submitted", who=FILER + "；报送到直接上级组织单位", conditions=[_not_numbered])
    def submit(self, **audit):
        """Into review at the organizing unit directly above."""

    @step(source=Status.APPROVED, target=Status.SUBMITTED, label="申请变更、关停或注销（须说明原因）",
          event="media_change_requested", who=FILER, conditions=[_not_cancelled],
          refused="只有已通过审核且没有待审申请的账号可以申请变更、关停或注销")
    def request_change(self, **audit):
        """Through the same review; the approved record stays until the request is approved."""

    @step(source=Status.SUBMITTED, target=Status.SUBMITTED, label="本级审核通过，报上一级",
          event="media_approved", who=REVIEWER)
    def approve_level(self, **audit):
        """The record moves to the next organizing unit of its review chain."""

    @step(source=Status.SUBMITTED, target=Status.APPROVED, label="终审通过（首次通过时赋登记编号）",
          event="media_final_approved", who=REVIEWER + "；审核链最后一级（与网站相同）")
    def approve_final(self, **audit):
        """A first approval gives the registry number; a request is applied."""

    @step(source=Status.SUBMITTED, target=Status.RETURNED, label="退回（须说明原因）", event="media_returned",
          who=REVIEWER + "；任一级在记录待其审核时", conditions=[_not_numbered])
    def return_filing(self, **audit):
        """Back to the unit, with the reason."""

    @step(source=Status.SUBMITTED, target=Status.APPROVED, label="退回申请（须说明原因，原记录不变）",
          event="media_returned", who=REVIEWER + "；任一级在记录待其审核时", conditions=[_numbered])
    def return_change(self, **audit):
        """The request is rejected; the approved record stays as it was."""

    @step(source=Status.SUBMITTED, target=Status.SUBMITTED, label="撤销本级审核", event="media_approval_undone",
          who="已审核通过的级别，在上一级审核之前（registry.policy.may_undo）")
    def undo_approval(self, **audit):
        """The record waits at the undoing level again."""


class MediaEvent(models.Model):
    """The history of an account: filing, approvals, returns, requests, the number."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "报送"
        APPROVE = "approve", "审核通过"
        FINAL = "final", "终审通过"
        RETURN = "return", "退回"
        UNDO = "undo", "撤销审核"
        REQUEST = "request", "提交申请"
        IMPORT = "import", "导入"

    account = models.ForeignKey(MediaAccount, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    level = models.ForeignKey(Unit, verbose_name="审核单位", null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "政务新媒体审核记录"
        verbose_name_plural = "政务新媒体审核记录"
        ordering = ["account", "at", "id"]


class MediaSequence(models.Model):
    """The last registry-number sequence per organizing unit (a series apart from site codes)."""

    organizer = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="media_sequence")
    last = models.PositiveIntegerField(default=0)


class MediaCount(models.Model):
    """Approved accounts counted per bucket (the unit's path cut at `BUCKET_DEPTH`: a province's or a
    city's subtree, or a unit above them), vertical system or not, platform and life: what the statistics
    of the national office, the provinces and the cities add up instead of counting 300,000 accounts.
    Kept by `newmedia.counts` on every save of an account (a bucket recounted in the same transaction);
    `counts.rebuild()` recounts everything (after a bulk insert)."""

    BUCKET_DEPTH = 3

    bucket = models.CharField(max_length=64)
    in_system = models.BooleanField(default=False)
    platform = models.CharField(max_length=32)
    life = models.CharField(max_length=16)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "政务新媒体计数"
        verbose_name_plural = "政务新媒体计数"
        constraints = [models.UniqueConstraint(fields=["bucket", "in_system", "platform", "life"],
                                               name="media_count_key")]
