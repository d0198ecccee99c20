"""Attaching evidence files: PNG, JPEG or PDF, checked by their content (not
their name), size-limited; one transaction and one audit event each."""

from __future__ import annotations

import hashlib
import io
import re

from django.conf import settings
from django.db import transaction

from sitecensus.audit.services import record
from sitecensus.core.errors import InvalidInput, InvalidState
from sitecensus.scoring import policy as scoring_policy
from sitecensus.scoring.models import IMMUTABLE, MEDIA_CARD_IMMUTABLE, MediaScorecard, Rectification, Scorecard
from sitecensus.scoring.services.rubrics import rubric_of

from . import policy
from .models import EvidenceFile

K = EvidenceFile.Kind
ACCEPTED = "PNG、JPEG 图片或 PDF 文档"
# A screenshot is at most a few thousand pixels a side; a header claiming more is a
# decompression bomb (a 100,000 × 100,000 PNG of a few KB): refused before any decoding.
MAX_PIXELS = 40_000_000


def sniff(data: bytes, name: str) -> str:
    """The file's kind from its bytes; a typed error naming the file otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput(f"文件“{name}”的图片尺寸 {width} × {height} 像素过大（上限 "
                                       f"{MAX_PIXELS // 1_000_000} 百万像素），请截取后重新上传", field="files")
                image.verify()
                fmt = image.format
        except Image.DecompressionBombError:
            raise InvalidInput(f"文件“{name}”的图片尺寸过大（上限 {MAX_PIXELS // 1_000_000} 百万像素），"
                               "请截取后重新上传", field="files") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise InvalidInput(f"文件“{name}”不是完整的图片，无法打开", field="files") from None
        if fmt == "PNG":
            return K.PNG
        if fmt in ("JPEG", "MPO"):
            return K.JPEG
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return K.PDF
    raise InvalidInput(f"文件“{name}”的内容不是{ACCEPTED}（按文件内容判断，不看扩展名）", field="files")


def _clean_name(name: str) -> str:
    name = re.sub(r"[\x00-\x1f\\/:*?\"<>|]", "_", (name or "").strip())[-200:]
    return name or "证据文件"


def _read(upload) -> tuple[str, bytes]:
    name = _clean_name(getattr(upload, "name", ""))
    limit = settings.EVIDENCE_MAX_BYTES
    if getattr(upload, "size", 0) and upload.size > limit:
        raise InvalidInput(f"文件“{name}”超过 {limit // 1024 // 1024} MB 的上限", field="files")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"文件“{name}”超过 {limit // 1024 // 1024} MB 的上限", field="files")
    if not data:
        raise InvalidInput(f"文件“{name}”是空文件", field="files")
    return name, data


def _make(upload, **owner) -> EvidenceFile:
    name, data = _read(upload)
    kind = sniff(data, name)
    return EvidenceFile(name=name, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        content=data, **owner)


def _owner(card) -> tuple[type, str, str]:
    """A card's model, its evidence foreign key and the refusal once submitted (a website's card or a
    new-media account's: the same files, the same guard)."""
    if isinstance(card, MediaScorecard):
        return MediaScorecard, "media_card", MEDIA_CARD_IMMUTABLE
    return Scorecard, "scorecard", IMMUTABLE


def _may_fill(actor, card) -> bool:
    if isinstance(card, MediaScorecard):
        return scoring_policy.may_fill_media(actor, card)
    return scoring_policy.may_score(actor, card)


@transaction.atomic
def attach_to_card(*, actor, card, uploads, indicator: str = "", request=None) -> list[EvidenceFile]:
    model, owner, immutable = _owner(card)
    card = model.objects.select_for_update().get(pk=card.pk)
    if card.is_submitted:
        raise InvalidState(immutable)
    if not _may_fill(actor, card):
        raise policy.UPLOAD.refuse()
    if indicator and indicator not in rubric_of(card).codes:
        raise InvalidInput(f"评分表中没有指标“{indicator}”", field="indicator")
    made = [_make(u, **{owner: card}, indicator=indicator, uploaded_by=actor) for u in uploads]
    EvidenceFile.objects.bulk_create(made)
    card.save(update_fields=["updated_at"])  # the card changed: sync (updated_since, the change feed) sees it
    for f in made:
        record("evidence_uploaded", actor=actor, request=request, obj=card, file=f.name, kind=f.kind, size=f.size)
    return made


def files_for_answer(*, actor, notice: Rectification, uploads) -> list[EvidenceFile]:
    """Files of a rectification answer, saved by answer_rectification's transaction."""
    return [_make(u, rectification=notice, uploaded_by=actor) for u in uploads]


def card_of(file: EvidenceFile):
    """The card a file proves (a website's or a new-media account's), or None (a rectification answer's)."""
    if file.media_card_id:
        return MediaScorecard.objects.get(pk=file.media_card_id)
    return Scorecard.objects.get(pk=file.scorecard_id) if file.scorecard_id else None


@transaction.atomic
def remove_from_card(*, actor, file: EvidenceFile, request=None) -> None:
    found = card_of(file)
    if found is None:
        raise InvalidState("整改反馈的证据不能删除")
    model, _owner_field, immutable = _owner(found)
    card = model.objects.select_for_update().get(pk=found.pk)
    if card.is_submitted:
        raise InvalidState(immutable)
    if not _may_fill(actor, card):
        raise policy.DELETE.refuse()
    file.delete()
    card.save(update_fields=["updated_at"])
    record("evidence_removed", actor=actor, request=request, obj=card, file=file.name)
