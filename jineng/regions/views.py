"""The holiday calendar pages: staff see how each year's working days fall; system administrators
enter a year's State Council notice (preview first, then save)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from jineng.common import clock
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.identity.models import Role
from jineng.identity.selectors import primary_role, user_has_role
from jineng.regions import selectors, services
from jineng.regions.forms import CalendarYearForm
from jineng.regions.services import FIRST_CALENDAR_YEAR, LAST_CALENDAR_YEAR


def _staff_may_enter(request: HttpRequest) -> bool:
    """Refuses learners (they have no use for the calendar); for staff, whether they may enter a notice."""
    if primary_role(user=request.user) in (None, Role.LEARNER):
        raise PermissionDenied("节假日安排只对工作人员开放")
    return user_has_role(user=request.user, role=Role.SYSTEM_ADMIN)


def _year_or_404(year: int) -> int:
    if not FIRST_CALENDAR_YEAR <= year <= LAST_CALENDAR_YEAR:
        raise NotFound(f"年份应在 {FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR} 之间")
    return year


@login_required
def calendar_index(request: HttpRequest) -> HttpResponse:
    may_enter = _staff_may_enter(request)
    today = timezone.localdate(clock.now())  # Asia/Shanghai
    return render(request, "regions/calendar_index.html", {
        "years": selectors.calendar_years_overview(today=today), "due": selectors.calendar_year_due(today=today),
        "may_enter": may_enter,
    })


@login_required
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    may_enter = _staff_may_enter(request)
    view = selectors.calendar_year_view(_year_or_404(year))
    return render(request, "regions/calendar_year.html", {"view": view, "may_enter": may_enter})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_enter(request: HttpRequest, year: int) -> HttpResponse:
    if not _staff_may_enter(request):
        raise PermissionDenied("只有系统管理员可以录入节假日安排")
    year = _year_or_404(year)
    form = CalendarYearForm(request.POST or None, year=year)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                services.calendar_year_enter(year=year, holidays=data["holidays"],
                                             adjusted_workdays=data["adjusted_workdays"], source=data["source"],
                                             actor=request.user, replace=data["replace"], notes=form.notes)
            else:
                _, days_off, days_worked = services.calendar_year_validate(
                    year=year, holidays=data["holidays"], adjusted_workdays=data["adjusted_workdays"],
                    source=data["source"])
                preview = selectors.calendar_year_view(year, proposed=(days_off, days_worked, form.notes))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if preview is None:
                messages.success(request, f"{year} 年节假日安排已录入，按工作日计算的期限即日起按此执行")
                return redirect("regions:calendar_year", year=year)
    current = selectors.calendar_year_view(year)
    return render(request, "regions/calendar_enter.html", {"form": form, "year": year, "preview": preview,
                                                           "current": current})
