"""Pages for platforms, their evaluation and the cities' filings. Each view parses its form,
calls one service or selector (a draft that is also submitted calls two, and says which step
failed), and renders; a ``DomainError`` goes back beside the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common.downloads import download_response, xlsx_response
from jineng.common.errors import DomainError, PermissionDenied
from jineng.documents.project_forms import evaluation_form_render
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids
from jineng.organizations.models import Organization
from jineng.platforms import forms, selectors, services
from jineng.platforms.models import EvaluationMaterial, EvaluationStatus, MaterialGroup, PlatformFiling
from jineng.regions.selectors import add_working_days, region_path_display, working_day_calendar
from jineng.workdays import CalendarYearUnknown

try:  # django-csp 4.0 (installed) calls it csp_replace; later versions also offer csp_override
    from csp.decorators import csp_replace
except ImportError:  # pragma: no cover - depends on the installed django-csp
    from csp.decorators import csp_override as csp_replace

MATERIAL_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --- platforms --------------------------------------------------------------------------------

@login_required
@require_GET
def platform_list(request: HttpRequest) -> HttpResponse:
    platforms = list(selectors.platforms_all())
    organizations = list(selectors.applicant_organizations(user=request.user))
    organization = organizations[0] if organizations else None
    today = selectors.today()
    rows = []
    for platform in platforms:
        usable = selectors.platform_usable_by(organization=organization, platform=platform, on=today) \
            if organization else None
        rows.append({"platform": platform, "recommendation": selectors.recommendation_label(platform),
                     "usable": usable})
    return render(request, "platforms/list.html", {
        "rows": rows, "organization": organization,
        "can_register": selectors.user_can_register_platform(user=request.user),
        "is_officer": user_has_role(user=request.user, role=Role.CITY_OFFICER),
    })


@login_required
@require_GET
def platform_detail(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = selectors.platform_get(platform_id=platform_id)
    organizations = list(selectors.applicant_organizations(user=request.user))
    today = selectors.today()
    usability = [(o, *selectors.platform_usable_by(organization=o, platform=platform, on=today)) for o in organizations]
    evaluations = selectors.evaluations_visible_to(user=request.user).filter(platform=platform).order_by("-created_at")
    return render(request, "platforms/detail.html", {
        "platform": platform, "recommendation": selectors.recommendation_label(platform),
        "usability": usability, "evaluations": evaluations,
        "filings": selectors.platform_filings_of(platform=platform),
        "can_edit": selectors.user_can_edit_platform(user=request.user, platform=platform),
        "can_apply": bool(organizations),
    })


def _operators_for(user):
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=user_organization_ids(user=user)).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def platform_register(request: HttpRequest) -> HttpResponse:
    if not selectors.user_can_register_platform(user=request.user):
        raise PermissionDenied("只有平台运营人员、培训管理员或系统管理员可以登记平台")
    admin = user_has_role(user=request.user, role=Role.SYSTEM_ADMIN)
    form = forms.PlatformForm(request.POST or None, operators=_operators_for(request.user), admin=admin)
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.platform_register(data=form.to_data(), actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已登记平台“{platform.name}”")
            return redirect("platforms:detail", platform_id=platform.pk)
    return render(request, "platforms/platform_form.html", {"form": form, "platform": None})


@login_required
@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, platform_id: int) -> HttpResponse:
    platform = selectors.platform_get(platform_id=platform_id)
    if not selectors.user_can_edit_platform(user=request.user, platform=platform):
        raise PermissionDenied("只有该平台的运营单位、登记该平台的企业或系统管理员可以修改平台信息")
    admin = user_has_role(user=request.user, role=Role.SYSTEM_ADMIN)
    operators = _operators_for(request.user)
    if platform.operator_id:
        operators = operators | Organization.objects.filter(pk=platform.operator_id)
    form = forms.PlatformForm(request.POST or None, initial=forms.PlatformForm.initial_for(platform),
                              operators=operators.distinct(), admin=admin)
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_update(platform=platform, data=form.to_data(), actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "平台信息已保存")
            return redirect("platforms:detail", platform_id=platform.pk)
    return render(request, "platforms/platform_form.html", {"form": form, "platform": platform})


# --- evaluation requests (the enterprise) -----------------------------------------------------

@login_required
@require_GET
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = list(selectors.evaluations_visible_to(user=request.user).order_by("-created_at", "-id")[:200])
    today = selectors.today()
    calendar = working_day_calendar()
    rows = [{"evaluation": e, "deadline": selectors.evaluation_deadline(e, on=today, calendar=calendar)
             if e.status == EvaluationStatus.SUBMITTED else None} for e in evaluations]
    return render(request, "platforms/evaluations.html", {
        "rows": rows, "can_apply": selectors.applicant_organizations(user=request.user).exists(),
        "is_officer": user_has_role(user=request.user, role=Role.CITY_OFFICER),
    })


def _prospective_due_date():
    try:
        return add_working_days(selectors.today(), selectors.EVALUATION_DEADLINE_WORKING_DAYS)
    except CalendarYearUnknown:
        return None


def _evaluation_form_page(request, *, form, formset, evaluation, course_error=None):
    materials = list(evaluation.materials.all()) if evaluation else []
    groups = [{"value": g.value, "label": g.label, "field": form[g.value],
               "files": [m for m in materials if m.group == g.value]} for g in MaterialGroup]
    return render(request, "platforms/evaluation_form.html", {
        "form": form, "formset": formset, "evaluation": evaluation, "groups": groups, "course_error": course_error,
        "prospective_due": _prospective_due_date(),
    })


def _after_save(request, evaluation, action: str) -> HttpResponse:
    if action == "submit":
        try:
            evaluation = services.evaluation_submit(evaluation=evaluation, actor=request.user)
        except DomainError as exc:
            messages.error(request, f"已保存，但还不能提交：{exc.message}")
            return redirect("platforms:evaluation_edit", evaluation_id=evaluation.pk)
        messages.success(request, f"已提交{evaluation.centre.name}，评估期限 {evaluation.due_date:%Y年%-m月%-d日}"
                                  f"（{selectors.EVALUATION_DEADLINE_WORKING_DAYS} 个工作日）")
        return redirect("platforms:evaluation_detail", evaluation_id=evaluation.pk)
    if action == "more_rows":
        messages.success(request, "草稿已保存，已增加空行")
        return redirect(f"{reverse('platforms:evaluation_edit', args=[evaluation.pk])}?rows=6")
    messages.success(request, "草稿已保存")
    return redirect("platforms:evaluation_edit", evaluation_id=evaluation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest) -> HttpResponse:
    organizations = selectors.applicant_organizations(user=request.user)
    if not organizations.exists():
        raise PermissionDenied("只有企业的线上培训管理员可以申请平台评估")
    initial = {"platform": request.GET.get("platform"), "organization": organizations.first()}
    form = forms.EvaluationForm(request.POST or None, request.FILES or None, initial=initial,
                                platforms=selectors.platforms_all(), organizations=organizations)
    formset = forms.course_formset(request.POST or None)
    course_error = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                organization=d["organization"], platform=d["platform"], project_name=d["project_name"],
                occupation_name=d["occupation_name"], courses=formset.rows(), materials=form.materials(),
                applicant_opinion=d["applicant_opinion"], actor=request.user)
        except DomainError as exc:
            if exc.field == "courses":
                course_error = exc.message
            else:
                _form_error(form, exc)
        else:
            return _after_save(request, evaluation, request.POST.get("action", "save"))
    return _evaluation_form_page(request, form=form, formset=formset, evaluation=None, course_error=course_error)


def _own_evaluation(request, evaluation_id: int):
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    if not selectors.user_applies_for(user=request.user, organization=evaluation.organization):
        raise PermissionDenied("只有本企业的线上培训管理员可以修改评估申请")
    return evaluation


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _own_evaluation(request, evaluation_id)
    if not evaluation.editable:
        messages.info(request, f"评估申请{evaluation.get_status_display()}，不能再修改")
        return redirect("platforms:evaluation_detail", evaluation_id=evaluation.pk)
    initial = {"platform": evaluation.platform, "organization": evaluation.organization,
               "project_name": evaluation.project_name, "occupation_name": evaluation.occupation_name,
               "applicant_opinion": evaluation.applicant_opinion}
    form = forms.EvaluationForm(request.POST or None, request.FILES or None, initial=initial, fixed=True,
                                platforms=selectors.platforms_all(),
                                organizations=Organization.objects.filter(pk=evaluation.organization_id))
    try:
        extra = max(1, min(int(request.GET.get("rows", 3)), 20))
    except ValueError:
        extra = 3
    formset = forms.course_formset(request.POST or None, evaluation=evaluation, extra=extra)
    course_error = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            evaluation = services.evaluation_update(
                evaluation=evaluation, project_name=d["project_name"], occupation_name=d["occupation_name"],
                courses=formset.rows(), materials=form.materials(), applicant_opinion=d["applicant_opinion"],
                actor=request.user)
        except DomainError as exc:
            if exc.field == "courses":
                course_error = exc.message
            else:
                _form_error(form, exc)
        else:
            return _after_save(request, evaluation, request.POST.get("action", "save"))
    return _evaluation_form_page(request, form=form, formset=formset, evaluation=evaluation, course_error=course_error)


@login_required
@require_POST
def evaluation_submit(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    try:
        evaluation = services.evaluation_submit(evaluation=evaluation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已提交{evaluation.centre.name}，评估期限 {evaluation.due_date:%Y年%-m月%-d日}")
    return redirect("platforms:evaluation_detail", evaluation_id=evaluation.pk)


@login_required
@require_POST
def material_remove(request: HttpRequest, material_id: int) -> HttpResponse:
    material = selectors.material_get_visible(user=request.user, material_id=material_id)
    evaluation_id = material.evaluation_id
    try:
        services.evaluation_material_remove(material=material, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{material.original_name}”")
    return redirect("platforms:evaluation_edit", evaluation_id=evaluation_id)


# --- evaluation: everyone who may see it, and the decision ----------------------------------

@login_required
@require_GET
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    evaluation = selectors.evaluation_with_details(evaluation=evaluation)
    materials = list(evaluation.materials.all())
    groups = [{"label": g.label, "help": help_text, "files": [m for m in materials if m.group == g.value]}
              for g, help_text in ((g, forms.MATERIAL_GROUP_HELP[g]) for g in MaterialGroup)]
    can_decide = (evaluation.status == EvaluationStatus.SUBMITTED
                  and selectors.user_can_decide(user=request.user, evaluation=evaluation))
    applicant = selectors.user_applies_for(user=request.user, organization=evaluation.organization)
    return render(request, "platforms/evaluation_detail.html", {
        "evaluation": evaluation, "groups": groups, "courses": list(evaluation.courses.all()),
        "events": list(evaluation.events.all()), "facts": selectors.evaluation_form_rows(evaluation),
        "deadline": selectors.evaluation_deadline(evaluation) if evaluation.status == EvaluationStatus.SUBMITTED
        else None,
        "can_decide": can_decide, "decision_form": forms.DecisionForm() if can_decide else None,
        "applicant": applicant, "can_submit": applicant and evaluation.editable,
        "total_minutes": sum(c.minutes for c in evaluation.courses.all()),
        "region_path": region_path_display(evaluation.organization.region),
    })


@login_required
@require_POST
def evaluation_decide(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评估结论：评估通过、退回修改或评估不通过")
        return redirect("platforms:evaluation_detail", evaluation_id=evaluation.pk)
    try:
        evaluation = services.evaluation_decide(evaluation=evaluation, decision=form.cleaned_data["decision"],
                                                comment=form.cleaned_data["comment"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("platforms:evaluation_detail", evaluation_id=evaluation.pk)
    late = f"（超过评估期限 {evaluation.late_working_days} 个工作日，已记录为超期评估）" if evaluation.decided_late else ""
    messages.success(request, f"评估结论已保存：{evaluation.get_status_display()}{late}")
    return redirect("platforms:queue")


@login_required
@require_GET
def evaluation_queue(request: HttpRequest) -> HttpResponse:
    if not user_has_role(user=request.user, role=Role.CITY_OFFICER):
        raise PermissionDenied("评估受理队列只对市职业技能服务中心（市级管理人员）开放")
    rows = selectors.evaluation_queue(user=request.user)
    return render(request, "platforms/queue.html", {
        "rows": rows, "overdue_count": sum(1 for r in rows if r.overdue), "today": selectors.today(),
        "decided": selectors.evaluations_decided_by_region(user=request.user),
    })


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
@login_required
@require_GET
def material_view(request: HttpRequest, material_id: int) -> HttpResponse:
    material: EvaluationMaterial = selectors.material_get_visible(user=request.user, material_id=material_id)
    response = FileResponse(material.file.open("rb"), content_type=MATERIAL_CONTENT_TYPES.get(material.kind,
                                                                                              "application/octet-stream"),
                            as_attachment=request.GET.get("download") == "1", filename=material.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def evaluation_xlsx(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """附表5-1 as a spreadsheet with print set-up, for whoever may see the evaluation."""
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    content, filename = evaluation_form_render(evaluation=evaluation, fmt="xlsx")
    return xlsx_response(content, filename=filename)


@login_required
@require_GET
def evaluation_pdf(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """附表5-1 laid out for print (stamps and dates), for whoever may see the evaluation."""
    evaluation = selectors.evaluation_get_visible(user=request.user, evaluation_id=evaluation_id)
    content, filename = evaluation_form_render(evaluation=evaluation, fmt="pdf")
    return download_response(content, filename=filename, content_type="application/pdf")


# --- city filings with the province -----------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def filings(request: HttpRequest) -> HttpResponse:
    cities = selectors.filing_cities_for(user=request.user)
    if not cities:
        raise PermissionDenied("平台备案页面只对市级、省级管理人员开放")
    form = forms.FilingForm(request.POST or None, cities=cities, platforms=selectors.platforms_all())
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.platform_filing_create(city=form.cleaned_data["city"], platform=form.cleaned_data["platform"],
                                                     note=form.cleaned_data["note"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{filing.city.name}已向省人社厅报备“{filing.platform.name}”")
            return redirect("platforms:filings")
    by_city = selectors.platform_filings_by_city(user=request.user)
    return render(request, "platforms/filings.html", {
        "form": form, "by_city": by_city, "missing": [c.city for c in by_city if not c.filings],
        "province_view": len(cities) > 1,
    })


@login_required
@require_POST
def filing_withdraw(request: HttpRequest, filing_id: int) -> HttpResponse:
    filing = get_object_or_404(PlatformFiling.objects.select_related("city", "platform"), pk=filing_id)
    try:
        services.platform_filing_withdraw(filing=filing, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤回{filing.city.name}对“{filing.platform.name}”的备案")
    return redirect("platforms:filings")

