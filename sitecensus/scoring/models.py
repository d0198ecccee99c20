"""Scorecards (self-check, inspection, spot check), their entries,
rectification notices and the inspection & rectification reports upward."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sitecensus.core import dbtriggers
from sitecensus.core.feed import FeedQuerySet
from sitecensus.core.lifecycle import FSMField, FSMModelMixin, in_states, step
from sitecensus.orgs.models import Unit
from sitecensus.campaigns.models import Campaign
from sitecensus.registry.models import Website

IMMUTABLE = "评分表一旦提交不可更改"
REPORT_IMMUTABLE = "已报送的检查整改情况报告不可更改"
# A submitted card and its entries are refused UPDATE/DELETE (and new entries) by the database.
dbtriggers.protect("scoring_scorecard", IMMUTABLE, when_sqlite="OLD.status = 'submitted'",
                   when_postgresql="OLD.status = 'submitted'")
_ENTRY_OF_SUBMITTED = "(SELECT status FROM scoring_scorecard WHERE id = {}.scorecard_id) = 'submitted'"
dbtriggers.protect("scoring_scoreentry", IMMUTABLE,
                   when_sqlite=_ENTRY_OF_SUBMITTED.format("OLD"), when_postgresql=_ENTRY_OF_SUBMITTED.format("OLD"),
                   insert_when_sqlite=_ENTRY_OF_SUBMITTED.format("NEW"),
                   insert_when_postgresql=_ENTRY_OF_SUBMITTED.format("NEW"))
dbtriggers.protect("scoring_inspectionreport", REPORT_IMMUTABLE, when_sqlite="OLD.status = 'submitted'",
                   when_postgresql="OLD.status = 'submitted'")
WITHDRAWAL_IMMUTABLE = "检查整改情况报告的撤回或退回记录不可更改"
# A withdrawal or return is written once and never changed or deleted.
dbtriggers.protect("scoring_reportwithdrawal", WITHDRAWAL_IMMUTABLE)


class RubricTable(models.Model):
    """A scoring table loaded from its data file (sitecensus/scoring/data)."""

    code = models.CharField("版本", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100)
    source = models.CharField("依据", max_length=200, blank=True)
    spec = models.JSONField("评分表")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"

    def __str__(self):
        return self.name


class IndicatorRow(models.Model):
    rubric = models.ForeignKey(RubricTable, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("编号", max_length=16)
    kind = models.CharField("类型", max_length=16)
    group = models.CharField("一级指标", max_length=50)
    name = models.CharField("二级指标", max_length=100)
    position = models.PositiveIntegerField()
    confirmed = models.BooleanField("已证实", default=False)
    spec = models.JSONField()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["rubric", "position"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="indicator_unique_code")]


SCORER = ("自查：网站的填报单位或网站标识码账号；检查、抽查：评分单位的业务人员"
          "（scoring.policy.check_self_check / check_score）")
SITE_SIDE = "网站的填报单位或网站标识码账号（scoring.policy.may_self_check）"
ISSUER = "下发整改通知的检查单位（其业务人员）"


class Scorecard(FSMModelMixin, models.Model):
    objects = FeedQuerySet.as_manager()  # bulk writes reach the API's change feed too

    class Stage(models.TextChoices):
        SELF = "self", "自查"
        INSPECTION = "inspection", "检查"
        SPOTCHECK = "spotcheck", "抽查"

    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "已提交"

    website = models.ForeignKey(Website, verbose_name="网站", on_delete=models.PROTECT, related_name="scorecards")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("环节", max_length=16, choices=Stage.choices)
    rubric = models.ForeignKey(RubricTable, verbose_name="评分表", on_delete=models.PROTECT, related_name="+")
    scorer_unit = models.ForeignKey(Unit, verbose_name="评分单位", on_delete=models.PROTECT, related_name="+")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True,
                      protected=True)
    is_draft = in_states("status", Status.DRAFT)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.CharField("结果", max_length=16, blank=True, db_index=True)
    no_self_check_reason = models.CharField("未自查即检查的原因", max_length=300, blank=True)
    is_late = models.BooleanField("逾期", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        constraints = [models.UniqueConstraint(
            fields=["website", "stage", "campaign"], condition=models.Q(stage__in=["self", "inspection"]),
            name="scorecard_one_per_stage")]
        indexes = [models.Index(fields=["stage", "status", "website"])]

    def __str__(self):
        return f"{self.website.name} · {self.get_stage_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.DRAFT, target=Status.SUBMITTED, label="提交评分表", event="scorecard_submitted", who=SCORER,
          refused=f"{IMMUTABLE}：这份评分表已经提交过")
    def submit(self, *, actor, late: bool = False, **audit):
        """Submitted once; afterwards the database refuses any change to the card."""
        self.submitted_by, self.submitted_at, self.is_late = actor, timezone.now(), late


class ScoreEntry(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="entries")
    indicator = models.CharField("指标", max_length=16)
    data = models.JSONField("填写内容", default=dict)
    points = models.DecimalField("扣分", max_digits=6, decimal_places=2, null=True, blank=True)
    is_veto = models.BooleanField("单项否决", default=False)

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        constraints = [models.UniqueConstraint(fields=["scorecard", "indicator"], name="entry_unique_indicator")]


class RectificationQuerySet(FeedQuerySet):
    def awaiting_answer(self):
        """Issued and not answered yet (待反馈)."""
        return self.filter(status=Rectification.Status.OPEN)


class Rectification(FSMModelMixin, models.Model):
    objects = RectificationQuerySet.as_manager()  # bulk writes reach the API's change feed too

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        ANSWERED = "answered", "已反馈"
        CLOSED = "closed", "已完成"

    website = models.ForeignKey(Website, on_delete=models.PROTECT, related_name="rectifications")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="rectifications")
    indicator = models.CharField("指标", max_length=16)
    indicator_name = models.CharField("问题", max_length=100)
    requirement = models.TextField("整改要求")
    deadline = models.DateField("整改期限", db_index=True)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True,
                      protected=True)
    is_closed = in_states("status", Status.CLOSED)
    is_answered = in_states("status", Status.ANSWERED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("整改情况", blank=True)
    answer_evidence = models.JSONField("整改证据", default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField("逾期反馈", default=False)  # answered after its deadline, by an exception
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened = models.PositiveIntegerField("退回次数", default=0)

    class Meta:
        verbose_name = "整改通知"
        verbose_name_plural = "整改通知"

    def __str__(self):
        return f"{self.website.name}（{self.indicator_name}）"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=[Status.OPEN, Status.ANSWERED], target=Status.ANSWERED, label="反馈整改情况",
          event="rectification_answered", who=SITE_SIDE, refused="该整改通知已完成")
    def answer_with(self, *, text: str, evidence: list, **audit):
        self.answer, self.answer_evidence, self.answered_at = text, evidence, timezone.now()

    @step(source=Status.ANSWERED, target=Status.CLOSED, label="复查通过", event="rectification_closed", who=ISSUER,
          refused="填报单位尚未反馈整改情况，不能复查")
    def close(self, **audit):
        self.closed_at = timezone.now()

    @step(source=Status.ANSWERED, target=Status.OPEN, label="退回重新整改（须说明原因）",
          event="rectification_reopened", who=ISSUER, refused="填报单位尚未反馈整改情况，不能复查")
    def reopen(self, **audit):
        self.reopened += 1


class RectificationEvent(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class InspectionReport(FSMModelMixin, models.Model):
    """An organizing unit's inspection & rectification report to its parent."""

    objects = FeedQuerySet.as_manager()  # bulk writes reach the API's change feed too

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"

    organizer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_reports")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField("统计数据", default=dict)
    narrative = models.TextField("情况说明", blank=True)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True)
    is_submitted = in_states("status", Status.SUBMITTED)
    is_late = models.BooleanField("逾期", default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The unit's n-th report of the campaign: a withdrawn or returned report stays as it was
    # (ReportWithdrawal marks it superseded) and the next one is a new row.
    sequence = models.PositiveIntegerField("报送次序", default=1)

    class Meta:
        verbose_name = "检查整改情况报告"
        verbose_name_plural = "检查整改情况报告"
        constraints = [models.UniqueConstraint(fields=["organizer", "campaign", "sequence"],
                                               name="report_sequence_per_campaign")]

    def __str__(self):
        return f"{self.organizer.name}检查整改情况报告"

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Status.DRAFT, target=Status.SUBMITTED, label="报送", event="report_submitted",
          who="组织单位的业务人员（scoring.policy.check_report_upward；国办不向上报送）",
          refused="检查整改情况报告已报送，不能修改")
    def submit(self, *, actor, late: bool = False, **audit):
        self.submitted_by, self.submitted_at, self.is_late = actor, timezone.now(), late


class ReportWithdrawal(models.Model):
    """A submitted report withdrawn by its sender or returned by the receiving organizing
    unit: the report row stays sealed as it was; this row marks it superseded."""

    class Kind(models.TextChoices):
        WITHDRAWN = "withdrawn", "报送单位撤回"
        RETURNED = "returned", "上级单位退回"

    report = models.OneToOneField(InspectionReport, on_delete=models.PROTECT, related_name="withdrawal")
    kind = models.CharField("方式", max_length=16, choices=Kind.choices)
    reason = models.TextField("原因", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "检查整改情况报告撤回退回记录"
        verbose_name_plural = "检查整改情况报告撤回退回记录"

    def __str__(self):
        return f"{self.report}（{self.get_kind_display()}）"


# ---------------------------------------------------------------- 政务新媒体 (issue 22)

MEDIA_CARD_IMMUTABLE = "政务新媒体评分表提交后不可更改"
# A submitted card is refused UPDATE/DELETE by the database (a draft is filled like a website's card).
dbtriggers.protect("scoring_mediascorecard", MEDIA_CARD_IMMUTABLE, when_sqlite="OLD.status = 'submitted'",
                   when_postgresql="OLD.status = 'submitted'")
MEDIA_SCORER = ("自查：账号的主办单位；检查：其上级组织单位；抽查：国办或省级办公厅"
                "（scoring.policy.may_score_media）")


class MediaScorecard(FSMModelMixin, models.Model):
    """A new-media account scored on a table whose subject is "media" (scoring/data/rubric_2019media.json)
    by the same engine and card page as websites' cards: self-check, inspection or spot check; a draft
    while typed, then submitted once (the database refuses any change)."""

    Status = Scorecard.Status

    account = models.ForeignKey("newmedia.MediaAccount", verbose_name="政务新媒体", on_delete=models.PROTECT,
                                related_name="scorecards")
    stage = models.CharField("环节", max_length=16, choices=Scorecard.Stage.choices)
    rubric = models.ForeignKey(RubricTable, verbose_name="评分表", on_delete=models.PROTECT, related_name="+")
    scorer_unit = models.ForeignKey(Unit, verbose_name="评分单位", on_delete=models.PROTECT, related_name="+")
    status = FSMField("状态", max_length=16, choices=Scorecard.Status.choices, default=Scorecard.Status.DRAFT,
                      db_index=True, protected=True)
    # Per indicator: what was typed (veto, count, value, counts, evidence, note) and its deduction ("points").
    entries = models.JSONField("各项指标", default=dict)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.CharField("结果", max_length=16, db_index=True, blank=True)
    vetoes = models.JSONField("否决项", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "政务新媒体评分表"
        verbose_name_plural = "政务新媒体评分表"
        indexes = [models.Index(fields=["account", "stage", "created_at"], name="media_card_by_account")]
        constraints = [models.UniqueConstraint(
            fields=["account", "stage", "scorer_unit"], condition=models.Q(status="draft"),
            name="media_card_one_draft")]

    def __str__(self):
        return f"{self.account} · {self.get_stage_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    is_late = False  # the media tables have no campaign phase yet

    # ------------------------------------------------------------ lifecycle (sitecensus/core/lifecycle.py)

    @step(source=Scorecard.Status.DRAFT, target=Scorecard.Status.SUBMITTED, label="提交政务新媒体评分表",
          event="media_card_submitted", who=MEDIA_SCORER, refused=f"{MEDIA_CARD_IMMUTABLE}：这份评分表已经提交过")
    def submit(self, *, actor, **audit):
        """Submitted once; afterwards the database refuses any change to the card."""
        self.submitted_by, self.submitted_at = actor, timezone.now()
