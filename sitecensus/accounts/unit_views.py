"""The pages of the tree of units: browsing, export, and each unit's page with its accounts, where
an organizing unit sets up a unit below it with its first account or issues another account.
They live here, above orgs, because they are pages over both apps (orgs knows nothing of accounts)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sitecensus.core.errors import CensusError
from sitecensus.core.excel import excel_response
from sitecensus.core.views import bind_error
from sitecensus.orgs import policy, selectors, services

from . import services as account_services
from .forms import AccountForm, UnitWithAccountForm

PAGE_SIZE = 100


def _root_for(request):
    """The node being browsed: ?root=<id> inside the scope, else the user's own unit."""
    if request.GET.get("root"):
        return policy.get_visible_unit(request.user, request.GET["root"])
    return policy.browse_root(request.user)


def unit_list(request):
    root = _root_for(request)
    query = request.GET.get("q", "").strip()
    if query:
        units = selectors.unit_list(request.user, root=root, query=query)
    elif root is not None:
        units = selectors.children(request.user, root)
    else:
        units = selectors.unit_list(request.user).filter(depth=1)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/unit_list.html", {
        "root": root, "query": query, "page": page,
        "breadcrumb": selectors.ancestors(request.user, root) if root else [],
    })


UNIT_HEADERS = ["单位名称", "单位类型", "层级", "组织单位", "组织单位代码", "行政区划代码", "行政区划",
                "垂直管理系统", "状态", "创建时间"]


def unit_export(request):
    root = _root_for(request)
    units = selectors.unit_list(request.user, root=root, query=request.GET.get("q", ""))
    rows = ([u.name, u.get_kind_display(), u.get_level_display(), u.is_organizer, u.org_code or "",
             u.division.code6 if u.division else "", u.division.name if u.division else "",
             u.system.name if u.system else "", "已撤销" if u.closed_at else "正常", u.created_at]
            for u in units.iterator(chunk_size=2000))
    return excel_response(f"单位列表-{timezone.localdate():%Y%m%d}.xlsx", "单位列表", UNIT_HEADERS, rows)


def my_unit(request):
    return redirect("orgs:unit_detail", pk=request.user.unit_id)


def _detail_context(request, unit, **extra):
    user = request.user
    manage_children = policy.may_manage_children(user, unit)
    manage_unit = policy.may_manage_unit(user, unit)
    context = {
        "unit": unit,
        "breadcrumb": selectors.ancestors(user, unit),
        "children": selectors.children(user, unit)[:PAGE_SIZE],
        "children_count": selectors.children(user, unit).count(),
        "may_manage_children": manage_children,
        "may_manage_unit": manage_unit,
        "accounts": unit.accounts.order_by("username") if manage_unit else [],
    }
    if manage_children and "unit_form" not in extra:
        context["unit_form"] = UnitWithAccountForm(kinds=services.CHILD_KINDS.get(unit.kind, ()))
    if manage_unit and "account_form" not in extra:
        context["account_form"] = AccountForm()
    context.update(extra)
    return context


def unit_detail(request, pk):
    unit = policy.get_visible_unit(request.user, pk)
    return render(request, "orgs/unit_detail.html", _detail_context(request, unit))


@require_POST
def unit_create(request, pk):
    parent = policy.get_visible_unit(request.user, pk)
    policy.check_manage_children(request.user, parent)
    form = UnitWithAccountForm(request.POST, kinds=services.CHILD_KINDS.get(parent.kind, ()))
    if form.is_valid():
        try:
            unit, account, password = account_services.create_unit_with_account(
                actor=request.user, parent=parent, request=request, **form.cleaned_data)
        except CensusError as error:
            bind_error(form, error)
        else:
            return render(request, "accounts/initial_password.html",
                          {"account": account, "password": password, "title": f"已设立“{unit.name}”并发放账号"})
    return render(request, "orgs/unit_detail.html", _detail_context(request, parent, unit_form=form),
                  status=400)


@require_POST
def account_create(request, pk):
    unit = policy.get_visible_unit(request.user, pk)
    policy.check_manage_unit(request.user, unit)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            account, password = account_services.issue_account(actor=request.user, unit=unit,
                                                               request=request, **form.cleaned_data)
        except CensusError as error:
            bind_error(form, error)
        else:
            return render(request, "accounts/initial_password.html",
                          {"account": account, "password": password, "title": "账号已发放"})
    return render(request, "orgs/unit_detail.html", _detail_context(request, unit, account_form=form),
                  status=400)


@require_POST
def unit_close(request, pk):
    unit = policy.get_visible_unit(request.user, pk)
    services.close_unit(actor=request.user, unit=unit, reason=request.POST.get("reason", ""), request=request)
    messages.success(request, f"“{unit.name}”已撤销，其账号已停用")
    return redirect("orgs:unit_detail", pk=unit.pk)


@require_POST
def unit_rename(request, pk):
    unit = policy.get_visible_unit(request.user, pk)
    services.rename_unit(actor=request.user, unit=unit, name=request.POST.get("name", ""), request=request)
    messages.success(request, "单位名称已修改")
    return redirect("orgs:unit_detail", pk=unit.pk)
