"""Discovery's figure on the inventory progress page (registry.progress_figures)."""

from sitecensus.registry import progress_figures

from . import selectors


@progress_figures.register
def to_report(organizer) -> list:
    if organizer is None:
        return []
    return [("发现未报送网站（需报送）", selectors.to_report_count(organizer), "discovery-to-report")]
