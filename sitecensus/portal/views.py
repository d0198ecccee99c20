from django.shortcuts import render

from sitecensus.accounts import policy as accounts_policy
from sitecensus.inbox import policy as inbox_policy
from sitecensus.inbox import selectors as inbox
from sitecensus.orgs import selectors as org_selectors
from sitecensus.public import policy as public_policy
from sitecensus.registry import campaigns
from sitecensus.registry import policy as registry_policy
from sitecensus.registry.selectors import review_queue

from . import counts


def home(request):
    user = request.user
    context = {"role_label": user.role_label, "calendar": campaigns.calendar(),
               "may_edit_calendar": registry_policy.may_edit_calendar(user), "unread": inbox.unread_count(user)}
    if inbox_policy.has_pending_counts(user):
        context["pending"] = inbox.pending_counts(user)
        context["may_write_news"] = public_policy.may_write_news(user)
    if registry_policy.may_review(user):
        children = org_selectors.children(user, user.unit)
        context["children"] = children[:20]
        context["children_count"] = children.count()
        context["subtree_count"] = counts.scope_unit_count(user)
        # The accounts issued one level down: the policy's set, narrowed to that level (indexed).
        context["issued_count"] = accounts_policy.visible_accounts(user).filter(
            unit__path__startswith=user.unit.path, unit__depth=user.unit.depth + 1).exclude(pk=user.pk).count()
        context["pending_count"] = review_queue(user).count()
    return render(request, "core/home.html", context)
