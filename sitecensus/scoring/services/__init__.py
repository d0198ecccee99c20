"""Writes for inspection & rectification, one module per concern — each write one
transaction, one audit event, a typed error:

- `rubrics`       scoring tables loaded from data; the active campaign's table
- `cards`         self-checks and inspections: opened, scored, submitted once (immutable)
- `rectification` notices issued, answered, re-checked; overdue reminders
- `upward`        an organizing unit's report upward (a snapshot of its figures)
- `media`         政务新媒体 accounts scored on the new-media table (drafts filled on the card page, submitted once)

Callers keep writing `from sitecensus.scoring import services; services.submit_card(...)`.
"""

from .cards import (_campaign, _no_public_services, campaign_phase, clean_entries, may_inspect,  # noqa: F401
                    may_score, may_self_check, open_inspection, open_self_check, phase_of, preview,
                    save_entries, submit_card)
from .media import (media_table, open_media_card, preview_media, save_media_entries,  # noqa: F401
                    score_account, submit_media_card)
from .card_page import save_card_page  # noqa: F401
from .rectification import (allow_late_answer, answer_rectification, check_answer_window, issue_rectification,  # noqa: F401
                            notify_issued, rectification_phase,
                            open_notice_exists, recheck_rectification)
from .rubrics import current_code, current_table, load_rubric_table, rubric_of, rubric_of_table  # noqa: F401
from .upward import return_report, save_report, withdraw_report  # noqa: F401
