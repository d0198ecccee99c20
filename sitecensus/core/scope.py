"""Moved: scope and permission questions are answered by each app's policy
(sitecensus/<app>/policy.py). This alias stays while branches written against
the old names land; the import contract lists it as the one allowed exception."""

from sitecensus.accounts.policy import get_managed_account, visible_accounts  # noqa: F401
from sitecensus.audit.policy import may_read_audit  # noqa: F401
from sitecensus.core.policy import WHOLE_TREE_ROLES  # noqa: F401
from sitecensus.orgs.policy import (check_manage_children, check_manage_unit, get_visible_unit,  # noqa: F401
                                    may_manage_children, may_manage_unit, unit_filter, visible_units)
from sitecensus.registry.policy import (get_visible_website, may_file_for, may_import_for,  # noqa: F401
                                        visible_websites, website_filter)
