"""Spot-check batches: a stratified random sample (strata and seed recorded, so
the draw can be reproduced), machine scan plus human re-check with a second
reviewer's sign-off, and the published notice (通报)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sitecensus.core.lifecycle import FSMField, FSMModelMixin, condition, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Website
from sitecensus.scoring.models import Scorecard

from .labels import stratum_label


ORGANIZER = "组织单位（国办、省级政府办公厅或国务院部门办公厅（室））的业务人员（spotcheck.policy.check_organize）"


@condition("请先抽样；已启动的批次不能再次启动")
def _has_sample(batch) -> bool:
    return batch.sites.exists() or batch.accounts.exists()  # websites or 政务新媒体 (issue 22)


@condition("还有网站或政务新媒体未完成复核签发，不能生成通报")
def _all_signed(batch) -> bool:
    return (not batch.sites.exclude(status=BatchSite.Status.SIGNED).exists()
            and not batch.accounts.exclude(status="signed").exists())  # 政务新媒体 too (issue 22)


@condition("通报已发布，不能重新生成；如需更正，请另行发布更正通报")
def _notice_not_published(batch) -> bool:
    return not batch.notices.filter(corrects__isnull=True, published_at__isnull=False).exists()


class Batch(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "未启动"
        MONITORING = "monitoring", "检查中"
        SCANNED = "scanned", "扫描完成"
        REPORTED = "reported", "报告完成"

    NO_ROUND = "未关联抽查轮次"

    name = models.CharField("批次名称", max_length=100)
    organizer = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    # The campaign round (a quarterly spot check after the census) the batch belongs to;
    # None only for batches made before rounds were kept, or with no round configured.
    round = models.ForeignKey(Campaign, verbose_name="抽查轮次", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="spotcheck_batches")
    is_late = models.BooleanField("逾期创建", default=False)  # created after the round's 抽查核查 phase closed
    strata_by = models.JSONField("分层依据", default=list)  # any of "region", "level", "site_class"
    ratio = models.DecimalField("抽样比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    per_stratum = models.PositiveIntegerField("每层抽取数", null=True, blank=True)
    seed = models.BigIntegerField("随机种子")
    strata = models.JSONField("分层结果", default=dict)  # stratum → {"population", "sampled"}
    window_start = models.DateField("监测开始")
    window_end = models.DateField("监测结束")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True)
    is_draft = in_states("status", Status.DRAFT)
    is_monitoring = in_states("status", Status.MONITORING)
    takes_sites = in_states("status", Status.DRAFT, Status.MONITORING)
    takes_scores = in_states("status", Status.MONITORING, Status.SCANNED)
    is_scanned = in_states("status", Status.SCANNED, Status.REPORTED)
    scan_skipped_reason = models.CharField("不经系统扫描的原因", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    drawn_at = models.DateTimeField("抽样时间", null=True, blank=True)
    # Supervision rounds (issue 24): the plan and period a batch was made for, per-stratum ratios and
    # site classes drawn whole, and the lower level's batch it re-verifies (国办's re-check).
    schedule = models.ForeignKey("Schedule", verbose_name="抽查计划", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="batches")
    period = models.CharField("周期", max_length=40, blank=True)
    stratum_ratios = models.JSONField("分层抽样比例", default=dict, blank=True)
    every_classes = models.JSONField("全部抽取的网站类别", default=list, blank=True)
    reverifies = models.ForeignKey("self", verbose_name="复核的下级批次", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="reverifications")

    class Meta:
        verbose_name = "抽查批次"
        verbose_name_plural = "抽查批次"
        constraints = [models.UniqueConstraint(fields=["schedule", "period"], condition=models.Q(schedule__isnull=False),
                                               name="batch_one_per_schedule_period")]

    def __str__(self):
        return self.name

    @property
    def round_label(self) -> str:
        return self.round.name if self.round_id else self.NO_ROUND

    @property
    def notice(self):
        """The batch's original notice (None before it is composed); corrections are `notices` besides it."""
        return self.notices.filter(corrects__isnull=True).first()

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.DRAFT, target=Status.MONITORING, label="启动抽查", event="spotcheck_started", who=ORGANIZER,
          conditions=[_has_sample], refused="请先抽样；已启动的批次不能再次启动")
    def start(self, **audit):
        """Monitoring begins on the drawn sample."""

    @step(source=Status.MONITORING, target=Status.SCANNED, label="完成系统扫描", event="spotcheck_scanned",
          who=ORGANIZER + "，或其发起的后台扫描任务", refused="只有检查中的批次可以扫描")
    def record_scan(self, **audit):
        """The machine scan of the sample finished (its run in the audit event)."""

    @step(source=Status.MONITORING, target=Status.SCANNED, label="不经系统扫描（须说明原因）",
          event="spotcheck_scan_skipped", who=ORGANIZER, refused="只有检查中的批次可以跳过系统扫描")
    def skip_scan(self, *, reason: str, **audit):
        """No machine scan (e.g. the sites are unreachable from the vantage points): the reason is kept."""
        self.scan_skipped_reason = reason

    @step(source=[Status.SCANNED, Status.REPORTED], target=Status.REPORTED, label="生成通报",
          event="notice_composed", who=ORGANIZER, conditions=[_notice_not_published, _all_signed],
          refused="批次尚未完成系统扫描，不能生成通报（无法扫描时可说明原因，跳过系统扫描）")
    def compose(self, **audit):
        """The notice is (re)composed from the signed results; final once published."""


def _card_submitted(bsite) -> bool:
    return bsite.scorecard_id is not None and bsite.scorecard.is_submitted


class BatchSite(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        SIGNED = "signed", "已签发"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="sites")
    website = models.ForeignKey(Website, on_delete=models.PROTECT, related_name="spot_checks")
    stratum = models.CharField("层", max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    scorecard = models.OneToOneField(Scorecard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, protected=True)
    is_signed = in_states("status", Status.SIGNED)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抽查网站"
        verbose_name_plural = "抽查网站"
        constraints = [models.UniqueConstraint(fields=["batch", "website"], name="batch_site_unique")]

    def __str__(self):
        return str(self.website)

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.PENDING, target=Status.SIGNED, label="签发复核结果", event="spotcheck_signed",
          who="本组织单位的另一名复核人员，不是评分的复核人（spotcheck.policy.check_sign_off）；可批量签发",
          conditions=[condition("复核人尚未提交评分表")(_card_submitted)], refused="已签发")
    def sign_off(self, *, actor, **audit):
        self.second_reviewer, self.signed_at = actor, timezone.now()

    @step(source=Status.PENDING, target=Status.PENDING, label="退回复核人重新评分（须说明原因）",
          event="spotcheck_returned", who="本组织单位的另一名复核人员（spotcheck.policy.check_return）",
          conditions=[condition("复核人尚未提交评分表，无需退回")(_card_submitted)], refused="已签发的结果不能退回")
    def return_to_reviewer(self, *, reason: str, **audit):
        """The submitted card stays as it was (immutable); the reviewer scores a new one."""
        self.scorecard = None

    @property
    def stratum_label(self) -> str:
        return stratum_label(self.stratum)


@condition("更正通报不能再更正，请对原通报发布更正通报")
def _is_original(notice) -> bool:
    return notice.corrects_id is None


@condition("该通报已有一份尚未发布的更正通报，请先发布它")
def _no_pending_correction(notice) -> bool:
    return not notice.corrections.filter(status=Notice.Status.COMPOSED).exists()


class Notice(FSMModelMixin, models.Model):
    """The notice (通报) of a batch; public once published, and final then: a correction is a
    new notice of the same batch that `corrects` the original (one original per batch)."""

    class Status(models.TextChoices):
        COMPOSED = "composed", "已生成"
        PUBLISHED = "published", "已发布"

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="notices")
    corrects = models.ForeignKey("self", verbose_name="更正的通报", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections")
    correction_reason = models.TextField("更正原因", blank=True)
    title = models.CharField("标题", max_length=200)
    figures = models.JSONField("统计", default=dict)
    unqualified = models.JSONField("不合格网站", default=list)
    typical = models.JSONField("典型问题", default=list)
    body = models.TextField("通报正文", blank=True)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.COMPOSED, protected=True)
    is_published = in_states("status", Status.PUBLISHED)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        constraints = [
            models.UniqueConstraint(fields=["batch"], condition=models.Q(corrects__isnull=True),
                                    name="notice_one_original_per_batch"),
            models.UniqueConstraint(fields=["corrects"], condition=models.Q(status="composed"),
                                    name="notice_one_pending_correction"),
        ]

    def __str__(self):
        return self.title

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.COMPOSED, target=Status.PUBLISHED, label="发布通报", event="notice_published", who=ORGANIZER,
          refused="通报已发布")
    def publish(self, *, actor, **audit):
        """Public from now on; the failed sites' units are sent rectifications by scoring's service."""
        self.published_at, self.published_by = timezone.now(), actor

    @step(source=Status.PUBLISHED, target=Status.PUBLISHED, label="生成更正通报（须说明原因）",
          event="notice_correction_composed", who=ORGANIZER, conditions=[_is_original, _no_pending_correction],
          refused="通报尚未发布，不能更正；发布前可重新生成通报")
    def correct(self, *, reason: str, **audit):
        """The original stays as published; the correction is a new notice, published by `publish`."""


# ---------------------------------------------------------------- 政务新媒体 in a batch (issue 22)

@condition("复核人尚未提交政务新媒体评分表")
def _media_card(baccount) -> bool:
    return baccount.scorecard_id is not None


class MediaDraw(models.Model):
    """A batch's draw of new-media accounts: strata by platform and level, its size and the result
    (the batch's seed reproduces it)."""

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="media_draw")
    ratio = models.DecimalField("抽样比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    per_stratum = models.PositiveIntegerField("每层抽取数", null=True, blank=True)
    strata = models.JSONField("分层结果", default=dict)  # "平台|层级" → {"population", "sampled"}
    drawn_at = models.DateTimeField("抽样时间", auto_now=True)

    class Meta:
        verbose_name = "政务新媒体抽样"
        verbose_name_plural = "政务新媒体抽样"


class BatchAccount(FSMModelMixin, models.Model):
    """A new-media account drawn into a batch: scored by a reviewer (scoring.MediaScorecard, spot-check
    stage), signed off by a second person, or returned to the reviewer — as for websites."""

    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        SIGNED = "signed", "已签发"

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="accounts")
    account = models.ForeignKey("newmedia.MediaAccount", on_delete=models.PROTECT, related_name="spot_checks")
    stratum = models.CharField("层", max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    scorecard = models.OneToOneField("scoring.MediaScorecard", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.PENDING, protected=True)
    is_signed = in_states("status", Status.SIGNED)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抽查政务新媒体"
        verbose_name_plural = "抽查政务新媒体"
        constraints = [models.UniqueConstraint(fields=["batch", "account"], name="batch_account_unique")]

    def __str__(self):
        return str(self.account)

    @step(source=Status.PENDING, target=Status.SIGNED, label="签发政务新媒体复核结果", event="spotcheck_media_signed",
          who="本组织单位的另一名复核人员，不是评分的复核人（spotcheck.policy.check_sign_off_media）",
          conditions=[_media_card], refused="已签发")
    def sign_off(self, *, actor, **audit):
        self.second_reviewer, self.signed_at = actor, timezone.now()

    @step(source=Status.PENDING, target=Status.PENDING, label="退回复核人重新评分（须说明原因）",
          event="spotcheck_media_returned", who="本组织单位的另一名复核人员（spotcheck.policy.check_sign_off_media）",
          conditions=[condition("复核人尚未提交评分表，无需退回")(_media_card)], refused="已签发的结果不能退回")
    def return_to_reviewer(self, *, reason: str, **audit):
        """The submitted card stays as it was (immutable); the reviewer scores a new one."""
        self.scorecard = None
# ---------------------------------------------------------------- supervision rounds (issue 24):
# recurring rounds from a schedule, a province's round reported up, 国办's re-verification of it, and the
# accountability (问责) recorded per problem site. Services: services/cadence.py, reverify.py, accountability.py.

class Schedule(models.Model):
    """抽查计划: recurring rounds (monthly, quarterly, half-yearly) of one organizing unit, each
    period's batch drawn with the plan's ratios (per stratum where given) and every portal drawn."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        HALF_YEARLY = "half_yearly", "每半年"

    name = models.CharField("计划名称", max_length=100)
    organizer = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    cadence = models.CharField("频次", max_length=16, choices=Cadence.choices)
    strata_by = models.JSONField("分层依据", default=list)
    ratio = models.DecimalField("抽样比例（%）", max_digits=5, decimal_places=2)
    stratum_ratios = models.JSONField("分层抽样比例", default=dict, blank=True)  # stratum part → ratio (%)
    every_classes = models.JSONField("全部抽取的网站类别", default=list, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"

    def __str__(self):
        return self.name


class RoundReport(FSMModelMixin, models.Model):
    """抽查结果上报: a province's own round (its batch) reported up to 国办 with its results summary;
    国办 re-checks a random sub-sample of its passed results (a batch that `reverifies` it)."""

    class Status(models.TextChoices):
        REPORTED = "reported", "已上报"
        REVERIFYING = "reverifying", "复核中"
        REVERIFIED = "reverified", "已复核"

    batch = models.OneToOneField(Batch, verbose_name="抽查批次", on_delete=models.PROTECT, related_name="report_up")
    organizer = models.ForeignKey(Unit, verbose_name="上报单位", on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField("结果摘要", default=dict)
    agreement = models.JSONField("复核一致情况", default=dict, blank=True)
    reverification = models.ForeignKey(Batch, verbose_name="复核批次", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.REPORTED, protected=True)
    is_reported = in_states("status", Status.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("上报时间", auto_now_add=True)

    class Meta:
        verbose_name = "抽查结果上报"
        verbose_name_plural = "抽查结果上报"

    def __str__(self):
        return f"{self.organizer.name}：{self.batch.name}"

    @step(source=Status.REPORTED, target=Status.REVERIFYING, label="抽取复核样本", event="reverification_drawn",
          who="国务院办公厅的业务人员（spotcheck.policy.check_reverify）", refused="该上报已抽取复核样本")
    def start_reverify(self, *, batch, **audit):
        self.reverification = batch

    @step(source=[Status.REVERIFYING, Status.REVERIFIED], target=Status.REVERIFIED, label="生成复核结论",
          event="reverification_concluded", who="国务院办公厅的业务人员，生成复核批次的通报时",
          refused="尚未抽取复核样本")
    def conclude(self, *, agreement, **audit):
        self.agreement = agreement


class Accountability(models.Model):
    """问责: a measure taken against the unit responsible for a problem site, recorded by the
    organizing unit (`services.accountability.record_measure`, audited)."""

    class Measure(models.TextChoices):  # value and label alike: the words the notices count by
        TALK = "约谈", "约谈"
        WRITTEN = "书面检查", "书面检查"
        CRITICISM = "通报批评", "通报批评"
        ADMONISH = "诫勉谈话", "诫勉谈话"
        TRANSFER = "调离岗位", "调离岗位"
        DISCIPLINE = "党纪政务处分", "党纪政务处分"
        OTHER = "其他", "其他"

    website = models.ForeignKey(Website, verbose_name="网站", on_delete=models.PROTECT, related_name="accountability")
    batch_site = models.ForeignKey(BatchSite, verbose_name="抽查记录", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability")
    unit = models.ForeignKey(Unit, verbose_name="被问责单位", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField("问责方式", max_length=16, choices=Measure.choices)
    persons = models.PositiveSmallIntegerField("问责人次", default=1)
    decided_at = models.DateField("决定日期")
    note = models.TextField("说明", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorder_unit = models.ForeignKey(Unit, verbose_name="记录单位", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        indexes = [models.Index(fields=["decided_at"])]

    def __str__(self):
        return f"{self.website}：{self.measure}"
