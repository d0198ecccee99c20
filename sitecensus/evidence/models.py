"""Evidence files (screenshots and documents) on self-checks, inspections and
rectification answers. The bytes live in the database beside their record, so
a file is saved in the same transaction as what it proves (never half-saved)
and is scoped exactly like its card or notice."""

from django.conf import settings
from django.db import models

from sitecensus.core import dbtriggers
from sitecensus.scoring.models import IMMUTABLE, MediaScorecard, Rectification, Scorecard
from sitecensus.core.sizes import size_label

_OF_SUBMITTED = ("({0}.scorecard_id IS NOT NULL AND "
                 "(SELECT status FROM scoring_scorecard WHERE id = {0}.scorecard_id) = 'submitted') OR "
                 "({0}.media_card_id IS NOT NULL AND "
                 "(SELECT status FROM scoring_mediascorecard WHERE id = {0}.media_card_id) = 'submitted')")
# The files of a submitted card are as immutable as its entries.
dbtriggers.protect("evidence_evidencefile", IMMUTABLE,
                   when_sqlite=_OF_SUBMITTED.format("OLD"), when_postgresql=_OF_SUBMITTED.format("OLD"),
                   insert_when_sqlite=_OF_SUBMITTED.format("NEW"), insert_when_postgresql=_OF_SUBMITTED.format("NEW"))


class EvidenceFile(models.Model):
    class Kind(models.TextChoices):
        PNG = "png", "PNG 图片"
        JPEG = "jpeg", "JPEG 图片"
        PDF = "pdf", "PDF 文档"

    scorecard = models.ForeignKey(Scorecard, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="files")
    media_card = models.ForeignKey(MediaScorecard, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="files")
    rectification = models.ForeignKey(Rectification, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="files")
    indicator = models.CharField("指标", max_length=16, blank=True)
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "证据文件"
        verbose_name_plural = "证据文件"
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(scorecard__isnull=False, media_card__isnull=True, rectification__isnull=True)
            | models.Q(scorecard__isnull=True, media_card__isnull=False, rectification__isnull=True)
            | models.Q(scorecard__isnull=True, media_card__isnull=True, rectification__isnull=False),
            name="evidence_one_owner")]

    def __str__(self):
        return self.name

    @property
    def size_label(self) -> str:
        return size_label(self.size)
