"""The registry's own typed errors (codes `registry.*`); its permission rules are in policy.py."""

from __future__ import annotations

from sitecensus.core.errors import InvalidState


class AnalysisStale(InvalidState):
    """The confirm found a file or a record other than the dry run saw: nothing written; run the dry run again."""

    code = "registry.import_stale"


class OpeningIncomplete(InvalidState):
    """A new site's final approval refused: its 开办 checklist lacks the items named."""

    code = "registry.website.opening_incomplete"

    def __init__(self, website, missing: list[str]):
        super().__init__(f"新开办网站“{website.name}”的开办核对清单尚未完成，不能终审通过（赋网站标识码）："
                         f"缺少{'、'.join(missing)}", field="opening")
        self.missing = missing
