"""Test helpers: a four-level chain of inspections on the demo."""

from sitecensus.registry.models import Website

from . import services


def inspect(users, inspector, owner, name, entries):
    website = Website.objects.get(name=name)
    own = services.open_self_check(actor=users[owner], website=website)
    if not own.is_submitted:
        services.submit_card(actor=users[owner], card=own, raw_entries={})
    card = services.open_inspection(actor=users[inspector], website=website)
    return services.submit_card(actor=users[inspector], card=card, raw_entries=entries)


def four_levels(users):
    """Laishui (county) → Baoding (city) → Hebei (province) → 国办, each inspecting one
    site (Laishui's town was inspected by the demo)."""
    inspect(users, "baoding", "laishui", "涞水县人民政府",
            {"V2": {"veto": True, "evidence": ["http://www.laishui.gov.cn/"]}})
    inspect(users, "hebei", "baoding", "保定市人民政府", {"A2": {"count": 2}})
    inspect(users, "guoban", "hebei", "河北省人民政府", {"A2": {"count": 1}})
