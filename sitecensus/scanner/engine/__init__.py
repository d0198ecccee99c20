"""sitecensus website-scanner engine: pure asyncio, no Django.

Entry points for callers (Django layer, CLI, benchmarks):
    scan_sites(targets, config, progress=None) -> list[SiteResult]   (async, input order)
    iter_scan(targets, config, progress=None)  -> async iterator of SiteResult (streaming)
    scan_sites_sync(targets, config)           -> list[SiteResult]   (blocking wrapper)
    parse_targets(json_data) -> list[Target]; parse_page(bytes, url=, as_of=) -> PageInfo
    probe_sites(urls, config) -> list[Probe]; availability_verdict(probes, rules) -> AvailabilityVerdict
"""
from .checks import AvailabilityVerdict, Probe, availability_verdict
from .config import Rules, ScanConfig, load_rules
from .extract import PageInfo, parse_page
from .fetch import ERROR_MESSAGES, Fetcher, FetchResult
from .results import (ColumnResult, ColumnTarget, HomepageResult, InteractionResult, LinkResult, SiteResult,
                      SystemResult, Target, TargetError, parse_targets)
from .scan import iter_scan, probe_sites, scan_site, scan_sites, scan_sites_sync

__all__ = [
    "AvailabilityVerdict", "Probe", "availability_verdict", "Rules", "ScanConfig", "load_rules",
    "PageInfo", "parse_page", "ERROR_MESSAGES", "Fetcher", "FetchResult", "ColumnResult", "ColumnTarget",
    "HomepageResult", "InteractionResult", "LinkResult", "SiteResult", "SystemResult", "Target", "TargetError",
    "parse_targets", "iter_scan", "probe_sites", "scan_site", "scan_sites", "scan_sites_sync",
]
