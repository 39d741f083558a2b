"""The reviewers' flag queue: the open flags of their region with the evidence, and a decision
(confirm or dismiss, with a note). Thin: parse, one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jineng.common.errors import DomainError, PermissionDenied
from jineng.integrity import forms, selectors, services
from jineng.integrity.models import Flag


def _attempts_for_display(evidence: dict) -> list[dict]:
    """The evidence keeps ISO times (UTC); the page shows them as local date-times."""
    rows = []
    for row in evidence.get("attempts", []) if isinstance(evidence, dict) else []:
        shown = dict(row)
        for name in ("started_at", "submitted_at"):
            try:
                shown[name] = dt.datetime.fromisoformat(row.get(name, ""))
            except (TypeError, ValueError):
                shown[name] = row.get(name)
        rows.append(shown)
    return rows


def _require_reviewer(request: HttpRequest) -> None:
    if not selectors.user_can_review_flags(user=request.user):
        raise PermissionDenied("只有县区审核员、市级管理人员和系统管理员可以查看风险标记")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    form = forms.FlagFilterForm(request.GET or {"status": Flag.Status.OPEN})
    status = form.cleaned_data["status"] if form.is_valid() else Flag.Status.OPEN
    page = Paginator(selectors.flags_visible_to(user=request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "integrity/queue.html", {"form": form, "page": page, "status": status})


@login_required
@require_http_methods(["GET", "POST"])
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    _require_reviewer(request)
    flag = selectors.flag_get_visible(user=request.user, flag_id=flag_id)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_decide(flag=flag, actor=request.user, decision=form.cleaned_data["decision"],
                                 note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "核查结论已保存")
            return redirect("integrity:flag", flag_id=flag.pk)
    return render(request, "integrity/flag.html", {
        "flag": flag, "form": form, "evidence": flag.evidence, "persons": list(flag.persons.all()),
        "evidence_attempts": _attempts_for_display(flag.evidence),
        "can_decide": flag.status == Flag.Status.OPEN and selectors.user_can_decide_flag(user=request.user, flag=flag),
    }, status=400 if request.method == "POST" else 200)
