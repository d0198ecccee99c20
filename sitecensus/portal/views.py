from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from sitecensus.accounts import policy as accounts_policy
from sitecensus.core import db
from sitecensus.inbox import policy as inbox_policy
from sitecensus.inbox import selectors as inbox
from sitecensus.orgs import selectors as org_selectors
from sitecensus.public import policy as public_policy
from sitecensus.registry import campaigns
from sitecensus.registry import policy as registry_policy
from sitecensus.registry.selectors import review_queue
from sitecensus.registry.services import overdue_offline
from sitecensus.scanner import policy as scanner_policy
from sitecensus.spotcheck import policy as spotcheck_policy
from sitecensus.scoring import selectors as scoring_selectors


@login_not_required
def favicon(request):
    """/favicon.ico (asked for by browsers on pages without a <link rel=icon>): the icon."""
    return redirect(static("favicon.svg"), permanent=True)

from . import counts
from . import policy


def home(request):
    """The first screen. Its counts are counted in one statement (core.db.counts) of the scoped
    selectors' querysets: one round trip instead of one query each."""
    user = request.user
    kinds, rounds = registry_policy.phases_of_concern(
        user, organizes_spot_checks=spotcheck_policy.may_organize(user))
    context = {"role_label": user.role_label, "section": policy.home_section(user),
               "leads_the_census": policy.leads_the_census(user), "calendar": campaigns.calendar(kinds=kinds, rounds=rounds),
               "may_edit_calendar": registry_policy.may_edit_calendar(user)}
    to_count = {"unread": inbox.unread(user)}
    pending = inbox_policy.has_pending_counts(user)
    if pending:
        to_count.update({f"pending:{k}": qs for k, qs in inbox.pending_lists(user).items()})
        context["may_write_news"] = public_policy.may_write_news(user)
    if registry_policy.may_review(user):
        children = org_selectors.children(user, user.unit)
        context["children"] = children[:20]
        context["subtree_count"] = counts.scope_unit_count(user)
        to_count.update({
            "children_count": children,
            # The accounts issued one level down: the policy's set, narrowed to that level (indexed).
            "issued_count": accounts_policy.visible_accounts(user).filter(
                unit__path__startswith=user.unit.path, unit__depth=user.unit.depth + 1).exclude(pk=user.pk),
            "pending_count": review_queue(user),
            **_life_lists(user),  # a site's life: overdue take-downs, registry-against-reality flags
            "media_inspect_count": scoring_selectors.media_inspection_queue(user.unit)})
    to_count.update(_own_lists(user))
    counted = db.counts(to_count)
    if pending:
        context["pending"] = {k.split(":", 1)[1]: n for k, n in counted.items() if k.startswith("pending:")}
    context.update({k: n for k, n in counted.items() if not k.startswith("pending:")})
    context["todos"] = todos(user, context)
    return render(request, "core/home.html", context)


# ---------------------------------------------------------------- the to-dos (first screen)

def _own_lists(user) -> dict:
    """What a reporting unit's (or a site login's) to-dos count: sites sent back to it and
    rectification notices waiting for its answer (scoped selectors)."""
    if not policy.has_own_counts(user):
        return {}
    lists = {"rectify_count": scoring_selectors.rectifications(user).awaiting_answer()}
    if policy.has_returned_sites(user):
        lists["returned_count"] = registry_policy.visible_websites(user).returned()
    if policy.self_checks_media(user):
        lists["media_selfcheck_count"] = scoring_selectors.media_self_checks_to_do(user.unit)
    return lists


def _life_lists(user) -> dict:
    """A site's life on the organizing unit's first screen (scoped by the policies): sites offline past
    their planned return date, and the daily reconciliation's flags not yet resolved."""
    return {"offline_overdue_count": overdue_offline(registry_policy.visible_websites(user)),
            "flag_count": scanner_policy.visible_flags(user).unresolved()}


def todos(user, context: dict) -> list[dict]:
    """What the user has to do first, as lines of (label, count, link), from the counts
    already fetched for the page; a zero count is shown too (nothing waits there)."""
    items = []

    def add(label, url, count=None, testid="todo", unit=""):
        items.append({"label": label, "url": url, "count": count, "testid": testid, "unit": unit})

    if "pending_count" in context:
        add("待审核的政府网站", reverse("registry:review_queue"), context["pending_count"])
    if "media_inspect_count" in context:
        add("待检查的政务新媒体", reverse("scoring:media_index"), context["media_inspect_count"],
            testid="todo-media-inspect")
    if "offline_overdue_count" in context:
        add("临时下线逾期未恢复的网站", reverse("registry:life_watch"), context["offline_overdue_count"],
            testid="todo-offline-overdue")
        add("登记与实际不符（待处理）", reverse("scanner:flags"), context["flag_count"], testid="todo-flags")
    pending = context.get("pending")
    if pending:
        remind = reverse("inbox:remind_page")
        add("未提交自查的网站", remind, pending["selfcheck"])
        add("下级待检查的网站", remind, pending["inspection"])
        add("下级未报送检查整改情况", remind, pending["report"])
        add("整改逾期", reverse("scoring:rectification_list") + "?overdue=1", pending["rectification"])
    if "returned_count" in context:
        add("被退回、待修改后重新报送的网站", reverse("registry:site_list") + "?status=returned",
            context["returned_count"])
    if "media_selfcheck_count" in context:
        add("待自查的政务新媒体", reverse("scoring:media_index"), context["media_selfcheck_count"],
            testid="todo-media-selfcheck")
    if "rectify_count" in context:
        add("待反馈的整改通知", reverse("scoring:rectification_list") + "?status=open", context["rectify_count"])
    if inbox_policy.may_read_inbox(user):
        add("站内消息 · 未读", reverse("inbox:inbox"), context["unread"], testid="inbox-count", unit="条")
    section = policy.home_section(user)
    if section == policy.SYSTEM:
        add("调整普查日程", reverse("campaigns:list"))
        add("浏览全国单位树", reverse("orgs:unit_list"))
    if section == policy.SECURITY:
        add("账号锁定与解锁", reverse("accounts:security"))
    if section == policy.AUDIT:
        add("查看审计日志", reverse("audit:event_list"))
    return items
