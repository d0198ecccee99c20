"""Synthetic public pages of new-media platforms (profile feeds, app download pages, login walls,
a site's 政务新媒体矩阵 page), each with its truth, served on 127.0.0.1 only. The HELD-OUT shapes
(heldout.py) were written, with their truth, before the reader (engine/media.py) was written or
tuned; the reader is tuned on tuning.py only. Both scores are printed by bench/media_shapes.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

AS_OF = date(2025, 6, 30)


@dataclass(frozen=True)
class Shape:
    name: str
    platform: str
    body: str            # the page served (HTML)
    latest: date | None  # truth: the latest post date; None = nothing readable (无法判定)
    interaction: bool | None  # truth: interaction traces seen (None when undecidable)
    status: int = 200
