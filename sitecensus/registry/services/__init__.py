"""Writes to the website database, one module per concern — each write one
transaction, one audit event, a typed error on refusal:

- `records`   what a filed record is: form values, fields, columns, versions, identity (shared)
- `chain`     the review chain and the row lock (shared)
- `deadlines` campaign phases, the filing window, late-filing exceptions, reminders
- `filing`    drafts, a pending version replaced by import, submission
- `review`    level-by-level approval, return, undo, bulk
- `codes`     identifier and verification codes, the site's code login
- `changes`   change requests and life changes after approval
- `life`      a site's life by the 2017 指引: 开办 checklist, 临时下线, notice period and 报备

Callers keep writing `from sitecensus.registry import services; services.submit(...)`.
"""

from ..formspec.spec import normalize_url  # noqa: F401  (the one identity of a homepage)
from .chain import responsible_organizer, review_chain  # noqa: F401
from .changes import (LIFE_CHANGES, do_request_change, do_request_life_change, request_change,  # noqa: F401
                      request_life_change)
from .codes import VERIFICATION_ALPHABET, new_verification_code, reset_verification_code  # noqa: F401
from .deadlines import (campaign_phase, check_window, grant_exception, inventory_phase,  # noqa: F401
                        remind_not_reported)
from .filing import (completeness_problems, do_save_draft, do_submit, file_new_sites, replace_pending,  # noqa: F401
                     save_draft, submit)
from .records import (COLUMN_CODES, COLUMN_FIELDS, Clash, Filing, Twin, active_websites, find_clash,  # noqa: F401
                      find_clashes,
                      hold_keys, identity_of, is_unchanged, possible_duplicates, same_data, sync_domains)
from .review import BulkResult, approve, bulk, may_undo, return_record, undo_approval  # noqa: F401
from .life import (OpeningIncomplete, back_online, begin_opening, file_closure, overdue_offline,  # noqa: F401
                   record_closure_check, record_notice, save_opening_checklist, take_offline, withdraw_closure)
