"""Spot checks, one module per concern — each write one transaction, one audit
event, a typed error:

- `sampling` the population, a batch created, the stratified draw its seed reproduces
- `batches`  a batch started and its sample machine-scanned
- `rechecks` reviewers, the spot-check card, sign-off (bulk too) or return to the reviewer
- `notices`  the figures, the notice composed and published (final once published: a correction is a new, linked notice)
- `media`    政务新媒体 drawn into a batch (platform | level strata), re-checked, signed off; the notice's new-media section
- `cadence`  plans of recurring rounds, per-stratum ratios and "every portal" strata, the follow-up section
- `reverify` a province's round reported up, 国办's re-check of a sub-sample and the agreement
- `accountability` 问责 recorded per problem site

Callers keep writing `from sitecensus.spotcheck import services; services.draw(...)`.
"""

from .. import policy
from .batches import check_scannable, scan, skip_scan, start, start_scan  # noqa: F401
from .media import draw_accounts, return_account, review_account, sign_off_account  # noqa: F401
from .notices import compose_correction, compose_notice, figures, publish  # noqa: F401
from .rechecks import _reviewers, assign, return_to_reviewer, review_card, sign_off, sign_off_many  # noqa: F401
# Supervision rounds (issue 24): cadence, report-up and re-verification, accountability.
from .accountability import record_measure  # noqa: F401
from .cadence import create_schedule, open_due_rounds, open_round, period_of  # noqa: F401
from .reverify import create_reverification, report_up  # noqa: F401
from .sampling import LEVELS, STRATA, add_site, create_batch, draw, draw_ids, population, round_for  # noqa: F401

may_organize = policy.may_organize
