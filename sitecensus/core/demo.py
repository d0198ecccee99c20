"""Moved to sitecensus.portal.demo (core imports no app). This alias stays
while branches written against the old name land; the import contract lists it."""

from sitecensus.portal.demo import *  # noqa: F401,F403
from sitecensus.portal.demo import DEMO_PASSWORD, load_demo, town_unit_name  # noqa: F401
