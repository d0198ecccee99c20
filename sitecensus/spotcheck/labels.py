"""Region and stratum names as a person reads them (河北省, not 13): below the models, which show a
sampled site's stratum, and the presentation of notices (which reads the selectors)."""

from __future__ import annotations

from sitecensus.orgs.selectors import province_name


def region_label(value) -> str:
    """A province code (e.g. "13") as its name; anything else unchanged."""
    text = str(value or "")
    return province_name(text) or text


def stratum_label(key: str) -> str:
    """A stratum key ("13|乡级|乡镇街道网站") as a person reads it (河北省 · 乡级 · 乡镇街道网站)."""
    return " · ".join(region_label(part) for part in (key or "").split("|"))
