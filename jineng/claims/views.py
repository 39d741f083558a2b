"""Pages of the claims app. Each view parses its form, calls one service or selector, and
renders; a ``DomainError`` goes back beside the field it names (the detail page shows it above
the form it came from)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.claims import forms, forms_data, selectors, services
from jineng.claims.models import TRANSITIONS, ClaimLine, ClaimState, ClaimVoucher, Objection
from jineng.common.downloads import XLSX, download_response
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.common.masking import mask_account, mask_name
from jineng.projects.selectors import project_get_visible

VOUCHER_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = list(selectors.claims_visible_to(user=request.user).order_by("-created_at", "-pk")[:200])
    projects = selectors.claimable_projects_for(user=request.user)
    return render(request, "claims/list.html", {
        "claims": claims, "projects": projects,
        "is_reviewer": selectors.user_is_reviewer(user=request.user),
        "self_candidates": selectors.self_claim_candidates(user=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_visible(user=request.user, project_id=project_id)
    if not selectors.user_may_apply_for(user=request.user, organization_id=project.organization_id):
        raise PermissionDenied("只有本单位的线上培训管理员可以申请本单位培训项目的补贴")
    items = services.claimable_items(project=project)
    form = forms.CreateForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(project=project, subsidy=form.cleaned_data["subsidy"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已按平台记录生成补贴申请 {claim.number}，请核对明细后提交")
            return redirect("claims:detail", claim_id=claim.pk)
    roster = selectors.approved_roster(project=project)
    return render(request, "claims/new.html", {"project": project, "form": form, "items": items, "roster": roster})


def _detail_context(request, claim, **forms_given):
    user = request.user
    lines = selectors.claim_lines(claim=claim)
    is_reviewer = selectors.user_may_review(user=user, claim=claim)
    applicant = (claim.kind == "project" and selectors.user_may_apply_for(user=user,
                                                                         organization_id=claim.organization_id)) \
        or (claim.kind == "self" and user.person_id == claim.applicant_person_id)
    flags = selectors.flags_by_person(user=user, person_ids=[line.person_id for line in lines]) if is_reviewer else {}
    rows = [{"line": line, "masked_name": mask_name(line.person.name), "flags": flags.get(line.person_id, [])}
            for line in lines]
    totals = selectors.claim_totals(claim=claim, lines=lines)
    context = {
        "claim": claim, "rows": rows, "totals": totals,
        "chart_data": {"labels": [f"{t.label}·{t.name}"[:12] for t in totals], "values": [str(t.judged) for t in totals]},
        "events": claim.events.select_related("actor").order_by("pk"),
        "vouchers": claim.vouchers.all(), "objections": claim.objections.all(),
        "payments": claim.payments.all(), "is_reviewer": is_reviewer, "applicant": applicant,
        "bank_account_masked": mask_account(claim.bank_account),
        "can": {name: claim.state in TRANSITIONS[name][0] for name in TRANSITIONS},
        "applicant_form": forms.ApplicantForm(initial={"cost_per_learner": claim.cost_per_learner,
                                                       "bank_account_name": claim.bank_account_name,
                                                       "bank_name": claim.bank_name}),
        "voucher_form": forms.VoucherForm(), "decision_form": forms.DecisionForm(),
        "resolve_form": forms.ResolveForm(), "comment_form": forms.CommentForm(), "payment_form": forms.PaymentForm(),
        "recovery_form": forms.RecoveryForm(),
        "exclude_form": forms.ExcludeForm(), "in_review": claim.state in (ClaimState.UNDER_REVIEW, ClaimState.OBJECTED),
        "eligible_count": sum(1 for line in lines if line.status == ClaimLine.Status.ELIGIBLE),
        "excluded_count": sum(1 for line in lines if line.status != ClaimLine.Status.ELIGIBLE),
        "today": selectors.today(),
        "official_forms": forms_data.forms_of(claim) if (applicant or is_reviewer) else (),
        "advance": services.advance_version(policy=claim.policy, on=claim.project.start_date)
        if claim.phase == "advance" or claim.advance_paid else None,
        "project_finished": claim.project.state == "finished",
    }
    context.update(forms_given)
    return context


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_visible(user=request.user, claim_id=claim_id)
    return render(request, "claims/detail.html", _detail_context(request, claim))


def _run_form_action(request, target, form_class, call, *, success: str, back, page_again):
    """POST to an action of a page: parse ``form_class`` (or nothing), call the service on ``target``
    and go ``back()``; on a refusal show ``page_again(form)`` with the error beside the form (or,
    without a form, go back with the error as a message)."""
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is None or form.is_valid():
        try:
            call(target, form.cleaned_data if form else {})
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.message)
                return back()
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return back()
    target.refresh_from_db()
    return page_again(form)


def _action(request, claim_id: int, form_class, call, *, form_key: str, success: str):
    """An action of the claim's page (see ``_run_form_action``)."""
    claim = selectors.claim_get_visible(user=request.user, claim_id=claim_id)
    return _run_form_action(
        request, claim, form_class, call, success=success,
        back=lambda: redirect("claims:detail", claim_id=claim.pk),
        page_again=lambda form: render(request, "claims/detail.html",
                                       _detail_context(request, claim, **{form_key: form}), status=400))


@login_required
@require_POST
def claim_update(request, claim_id: int):
    return _action(request, claim_id, forms.ApplicantForm, lambda c, d: services.claim_update(
        claim=c, cost_per_learner=d.get("cost_per_learner"), bank_account_name=d.get("bank_account_name", ""),
        bank_name=d.get("bank_name", ""), bank_account=d.get("bank_account", ""), actor=request.user),
        form_key="applicant_form", success="已保存并重新判定")


@login_required
@require_POST
def claim_refresh(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_refresh(claim=c, actor=request.user),
                   form_key="", success="已重新读取学习记录并判定")


@login_required
@require_POST
def voucher_add(request, claim_id: int):
    return _action(request, claim_id, forms.VoucherForm, lambda c, d: services.claim_voucher_add(
        claim=c, upload=d["voucher"], actor=request.user), form_key="voucher_form", success="凭证已上传")


@login_required
@require_POST
def claim_submit(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_submit(claim=c, actor=request.user),
                   form_key="", success="补贴申请已提交，审核结果将在这里显示")


@login_required
@require_POST
def claim_finalize(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_finalize(claim=c, actor=request.user),
                   form_key="", success="已按培训结束后的最终记录重新判定并提交，等待审核")


@login_required
@require_POST
def claim_withdraw(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_withdraw(claim=c, actor=request.user),
                   form_key="", success="补贴申请已撤回")


@login_required
@require_POST
def claim_review_start(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_review_start(claim=c, actor=request.user),
                   form_key="", success="已受理，开始审核")


@login_required
@require_POST
def claim_decide(request, claim_id: int):
    return _action(request, claim_id, forms.DecisionForm, lambda c, d: services.claim_decide(
        claim=c, decision=d["decision"], comment=d["comment"], actor=request.user),
        form_key="decision_form", success="审核结论已保存")


@login_required
@require_POST
def line_exclude(request, claim_id: int, line_id: int):
    def call(claim, data):
        line = get_object_or_404(ClaimLine, pk=line_id, claim=claim)
        services.claim_line_exclude(line=line, reason=data["reason"], actor=request.user)
    return _action(request, claim_id, forms.ExcludeForm, call, form_key="exclude_form", success="已剔除该明细")


@login_required
@require_POST
def objection_resolve(request, claim_id: int, objection_id: int):
    def call(claim, data):
        objection = get_object_or_404(Objection, pk=objection_id, claim=claim)
        services.objection_resolve(objection=objection, upheld=data["upheld"], resolution=data["resolution"],
                                   actor=request.user)
    return _action(request, claim_id, forms.ResolveForm, call, form_key="resolve_form", success="异议核查结论已保存")


@login_required
@require_POST
def claim_resume_notice(request, claim_id: int):
    return _action(request, claim_id, forms.CommentForm, lambda c, d: services.claim_resume_notice(
        claim=c, comment=d["comment"], actor=request.user), form_key="comment_form", success="已恢复公示")


@login_required
@require_POST
def claim_close_notice(request, claim_id: int):
    return _action(request, claim_id, None, lambda c, d: services.claim_close_notice(claim=c, actor=request.user),
                   form_key="", success="公示期满，已列入拨付计划")


@login_required
@require_POST
def claim_pay(request, claim_id: int):
    return _action(request, claim_id, forms.PaymentForm, lambda c, d: services.claim_pay(
        claim=c, reference=d["reference"], paid_on=d["paid_on"], actor=request.user),
        form_key="payment_form", success="拨付已登记")


@login_required
@require_POST
def claim_advance(request, claim_id: int):
    return _action(request, claim_id, forms.PaymentForm, lambda c, d: services.claim_advance_pay(
        claim=c, reference=d["reference"], paid_on=d["paid_on"], actor=request.user),
        form_key="payment_form", success="先行拨付已登记")


@login_required
@require_POST
def claim_recover(request, claim_id: int):
    return _action(request, claim_id, forms.RecoveryForm, lambda c, d: services.claim_advance_recover(
        claim=c, amount=d["amount"], reference=d["reference"], paid_on=d["paid_on"], actor=request.user),
        form_key="recovery_form", success="退回的先行拨付资金已登记")


@login_required
@require_GET
def voucher_view(request, voucher_id: int):
    voucher = get_object_or_404(ClaimVoucher.objects.select_related("claim"), pk=voucher_id)
    selectors.claim_get_visible(user=request.user, claim_id=voucher.claim_id)
    response = FileResponse(voucher.file.open("rb"), content_type=VOUCHER_TYPES.get(voucher.file_type,
                                                                                   "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def claim_archive(request, claim_id: int):
    claim = selectors.claim_get_visible(user=request.user, claim_id=claim_id)
    content = services.claim_archive_export(claim=claim, actor=request.user)
    response = download_response(content, filename=f"补贴申请材料_{claim.number}.zip", content_type="application/zip")
    response["Cache-Control"] = "private, no-store"  # the rosters in it carry full ID numbers
    return response


@login_required
@require_GET
def claim_form_download(request, claim_id: int, form: str, fmt: str):
    """An official form of the claim (攀枝花 附件3/附件4, 韶关 申请表/花名册), from ``forms_data``."""
    claim = selectors.claim_get_visible(user=request.user, claim_id=claim_id)
    if fmt not in forms_data.FORMATS:
        raise NotFound("没有这种文件格式")
    content, filename = services.claim_form_export(claim=claim, form=form, fmt=fmt, actor=request.user)
    response = download_response(content, filename=filename, content_type=forms_data.FORMATS[fmt])
    response["Cache-Control"] = "private, no-store"  # the rosters carry full ID numbers
    return response


@login_required
@require_GET
def review_queue(request):
    if not selectors.user_is_reviewer(user=request.user):
        raise PermissionDenied("只有审核人员和市级管理人员可以查看补贴审核工作台")
    rows = selectors.review_queue(user=request.user)
    return render(request, "claims/queue.html", {"rows": rows, "today": selectors.today(), "is_reviewer": True,
                                                 "overdue_count": sum(1 for r in rows if r.overdue),
                                                 "ready_count": selectors.claims_ready_for_batch(user=request.user).count()})


# --- the public notice (no sign-in) ---------------------------------------------------------------

@require_GET
def notice_list(request):
    return render(request, "claims/notices.html", {"claims": selectors.claims_on_notice()})


@require_http_methods(["GET", "POST"])
def notice_detail(request, claim_id: int):
    claim = selectors.claim_on_notice(claim_id=claim_id)
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_lodge(claim=claim, ip=request.META.get("REMOTE_ADDR"), actor=None,
                                     **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "异议已提交。审核人员将与您联系核实，核查期间该申请暂停拨付。")
            return redirect("claims:notice", claim_id=claim.pk)
    lines = [line for line in selectors.claim_lines(claim=claim) if line.status == ClaimLine.Status.ELIGIBLE]
    rows = [{"position": i, "name": mask_name(line.person.name), "amount": line.judged_amount}
            for i, line in enumerate(lines, start=1)]
    return render(request, "claims/notice.html", {"claim": claim, "rows": rows, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- the learner's own living allowance --------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def self_claim(request, roster_entry_id: int):
    entry = next((e for e in selectors.self_claim_candidates(user=request.user) if e.pk == roster_entry_id), None)
    if entry is None:
        raise PermissionDenied("只能为本人参加的、已结束的培训项目申领")
    item = services.self_claimable_item(project=entry.project)
    facts = selectors.line_facts(project=entry.project, entries=[entry]).get(entry.person_id, {})
    form = forms.SelfClaimForm(request.POST or None, initial={"roster_entry": entry.pk})
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_self_submit(roster_entry=entry, bank_name=form.cleaned_data["bank_name"],
                                               bank_account=form.cleaned_data["bank_account"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"申领已提交（{claim.number}），审定金额 {claim.judged_total:.2f} 元")
            return redirect("claims:detail", claim_id=claim.pk)
    return render(request, "claims/self_claim.html", {"entry": entry, "item": item, "facts": facts, "form": form})


# --- 拨付计划 ----------------------------------------------------------------------------------

def _reviewer_only(request) -> None:
    if not selectors.user_is_reviewer(user=request.user):
        raise PermissionDenied("拨付计划由支付地区的审核人员编制")


@login_required
@require_http_methods(["GET", "POST"])
def batches(request):
    """The plans of the reviewer's regions, and the claims waiting to be put in one."""
    _reviewer_only(request)
    error = None
    if request.method == "POST":
        try:
            batch = services.payment_batch_create(claim_ids=request.POST.getlist("claims"), actor=request.user)
        except (DomainError, ValueError) as exc:
            error = exc.message if isinstance(exc, DomainError) else "所选申请无效，请刷新页面后重新勾选"
        else:
            messages.success(request, f"已编制拨付计划 {batch.number}，合计 {batch.total} 元")
            return redirect("claims:batch", batch_id=batch.pk)
    return render(request, "claims/batches.html", {
        "ready": selectors.claims_ready_for_batch(user=request.user), "batches": selectors.payment_batches_visible_to(user=request.user)[:50], "error": error,
        "is_reviewer": True, "today": selectors.today(),
    }, status=400 if error else 200)


def _batch_page(request, batch, **forms_given):
    claims = list(batch.claims.select_related("organization", "applicant_person").order_by("pk"))
    context = {"batch": batch, "claims": claims, "is_reviewer": True, "today": selectors.today(),
               "rows": [(c, mask_account(c.bank_account)) for c in claims],
               "payment_form": forms.PaymentForm(), "cancel_form": forms.BatchCancelForm()}
    context.update(forms_given)
    return render(request, "claims/batch.html", context, status=400 if forms_given else 200)


@login_required
@require_GET
def batch_detail(request, batch_id: int):
    _reviewer_only(request)
    return _batch_page(request, selectors.payment_batch_get_visible(user=request.user, batch_id=batch_id))


@login_required
@require_GET
def batch_export(request, batch_id: int):
    _reviewer_only(request)
    batch = selectors.payment_batch_get_visible(user=request.user, batch_id=batch_id)
    content, filename = services.payment_batch_export(batch=batch, actor=request.user)
    response = download_response(content, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"  # the payees' full bank accounts
    return response


def _batch_action(request, batch_id: int, form_class, call, *, form_key: str, success: str):
    """An action of the plan's page (see ``_run_form_action``)."""
    _reviewer_only(request)
    batch = selectors.payment_batch_get_visible(user=request.user, batch_id=batch_id)
    return _run_form_action(request, batch, form_class, call, success=success,
                            back=lambda: redirect("claims:batch", batch_id=batch.pk),
                            page_again=lambda form: _batch_page(request, batch, **{form_key: form}))


@login_required
@require_POST
def batch_pay(request, batch_id: int):
    return _batch_action(request, batch_id, forms.PaymentForm, lambda b, d: services.payment_batch_pay(
        batch=b, reference=d["reference"], paid_on=d["paid_on"], actor=request.user),
        form_key="payment_form", success="拨付已登记，计划内的申请均已拨付")


@login_required
@require_POST
def batch_cancel(request, batch_id: int):
    return _batch_action(request, batch_id, forms.BatchCancelForm, lambda b, d: services.payment_batch_cancel(
        batch=b, reason=d["reason"], actor=request.user),
        form_key="cancel_form", success="拨付计划已撤销，其中的申请可重新编入")
