"""A one-site spot-check batch reviewed and signed off, for tests (the scan itself is
tested with the scanner)."""

from __future__ import annotations

from datetime import date, timedelta

from sitecensus.registry.models import Website
from sitecensus.scoring import services as scoring

from . import services as spot
from .models import Batch


def signed_one_site_batch(*, guoban, second, name: str, entries: dict,
                          website_name: str = "涞水镇人民政府网站"):
    """A batch of one site whose review card (`entries`) guoban submitted and `second`
    signed off; returns (batch, card)."""
    today = date.today()
    batch = spot.create_batch(actor=guoban, name=name, strata_by=[], ratio="1",
                              window_start=today - timedelta(days=7), window_end=today)
    batch.sites.all().delete()
    spot.add_site(actor=guoban, batch=batch, website=Website.objects.get(name=website_name))
    spot.start(actor=guoban, batch=batch)
    Batch.objects.filter(pk=batch.pk).update(status="scanned")
    bsite = batch.sites.get()
    card = spot.review_card(actor=guoban, bsite=bsite)
    scoring.submit_card(actor=guoban, card=card, raw_entries=entries)
    spot.sign_off(actor=second, bsite=bsite)
    return batch, card
