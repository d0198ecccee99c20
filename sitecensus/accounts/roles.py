"""Roles live below every app (sitecensus.core.roles); this name stays for old imports."""

from sitecensus.core.roles import *  # noqa: F401,F403
from sitecensus.core.roles import GRANTABLE, LABELS, role_for_unit  # noqa: F401
