from django.shortcuts import render

from sitecensus.accounts import roles
from sitecensus.core import scope
from sitecensus.orgs import selectors as org_selectors


def bind_error(form, error) -> None:
    """Show a service's typed error on the form field it names (or the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def home(request):
    user = request.user
    from sitecensus.registry import campaigns

    from sitecensus.inbox import selectors as inbox

    context = {"role_label": user.role_label, "calendar": campaigns.calendar(),
               "may_edit_calendar": campaigns.may_edit_calendar(user), "unread": inbox.unread_count(user)}
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER):
        from sitecensus.public.services import may_write_news

        context["pending"] = inbox.pending_counts(user)
        context["may_write_news"] = may_write_news(user)
    if user.role in (roles.NATIONAL_ADMIN, roles.ORGANIZER):
        children = org_selectors.children(user, user.unit)
        context["children"] = children[:20]
        context["children_count"] = children.count()
        context["subtree_count"] = scope.visible_units(user).count()
        context["issued_count"] = scope.visible_accounts(user).exclude(pk=user.pk).count()
        from sitecensus.registry.selectors import review_queue

        context["pending_count"] = review_queue(user).count()
    return render(request, "core/home.html", context)
