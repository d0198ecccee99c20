"""What the system proposes for a chunk of sites' work reports: identity from the registry, items
per column and interaction from the year's scans, 找错 counts, new-media accounts — a handful of
grouped queries per chunk, whatever its size (never one query per site)."""

from __future__ import annotations

from sitecensus.orgs.models import Unit

from . import items, sources

ROOT_STEP = Unit.steplen


def region_path(path: str) -> str:
    """The 专栏 a unit's sites are published in: its province's or State Council department's
    (the tree's second level); the national office's own sites stay with it."""
    return path[: ROOT_STEP * 2] if len(path) >= ROOT_STEP * 2 else path


def approver_path(path: str) -> str:
    """The organizing unit directly above the site's unit (the national office approves its own)."""
    return path[:-ROOT_STEP] if len(path) > ROOT_STEP else path


def unit_ids_by_path(paths) -> dict[str, int]:
    return dict(Unit.objects.filter(path__in=set(paths)).values_list("path", "id"))


def proposals(sites: list[dict], year: int) -> dict[int, dict]:
    """sites: rows with id, name, homepage_url, site_code, is_portal, data, unit_id, unit__name.
    Returns website id → {item code: proposed value} for the items the data file marks `prefill`."""
    ids = [s["id"] for s in sites]
    scans = sources.scanner_counts(ids, year)
    public = sources.public_report_counts(ids, year)
    media = sources.newmedia_accounts(list({s["unit_id"] for s in sites}))
    wanted = [(i["code"], i["prefill"]) for i in items.items() if i.get("prefill")]
    out = {}
    for s in sites:
        data = s["data"] or {}
        known = {
            "registry.site_name": s["name"], "registry.homepage_url": s["homepage_url"],
            "registry.sponsor_unit": data.get("sponsor_unit") or s["unit__name"],
            "registry.site_type": "政府门户网站" if s["is_portal"] else "部门网站",
            "registry.site_code": s["site_code"], "registry.icp_number": data.get("icp_number") or None,
            "registry.psb_number": data.get("psb_number") or None,
        }
        scan = scans.get(s["id"])
        if scan is not None:  # no scan this year: nothing proposed (never a 0 the system did not see)
            known["scanner.items_total"] = scan.get("items_total")
            known["scanner.messages_seen"] = scan.get("messages_seen")
            known["scanner.messages_overdue"] = scan.get("messages_overdue")
        zc = public.get(s["id"], {"received": 0, "answered": 0, "answered_late": 0, "unanswered": 0})
        known.update({"public.received": zc["received"], "public.answered": zc["answered"],
                      "public.answered_late": zc["answered_late"], "public.unanswered": zc["unanswered"]})
        accounts = media.get(s["unit_id"])
        if accounts:
            known["newmedia.accounts"] = len(accounts)
            known["newmedia.names"] = "；".join(accounts)[:500]
        out[s["id"]] = {code: known[source] for code, source in wanted if known.get(source) is not None}
    return out


SITE_FIELDS = ("id", "name", "homepage_url", "site_code", "is_portal", "data", "unit_id", "unit__name",
               "unit__path")
