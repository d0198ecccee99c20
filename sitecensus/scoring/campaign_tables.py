"""Scoring answers the campaigns' questions about scoring tables (sitecensus.campaigns.tables):
registered when Django starts, since the campaigns and the registry, below, never import scoring."""

from sitecensus.campaigns import tables

from .models import Scorecard
from .rubric import load_rubric, rubric_codes


def table_name(code: str) -> str:
    return load_rubric(code).name


def table_in_use(campaign) -> bool:
    return Scorecard.objects.filter(campaign=campaign).exists()


tables.register(codes=rubric_codes, name=table_name, in_use=table_in_use)
