"""Pages for training projects: the applicant's list and step-by-step filing, the project page
(everything on one page, with the reviewer's decision), the reviewer's queue and the city's
routing rules. Each view parses its form, calls one service or selector and renders; a
``DomainError`` goes back beside the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common.downloads import download_response, xlsx_response
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.common.masking import mask_id_number, mask_phone
from jineng.courses.selectors import courses_published
from jineng.learning.models import Enrolment
from jineng.platforms.selectors import platform_usable_by
from jineng.projects import forms, selectors, services
from jineng.projects.models import MaterialKind, ProjectState, RoutingRule
from jineng.regions.selectors import region_path_display

try:  # django-csp 4.0 (installed) calls it csp_replace; later versions also offer csp_override
    from csp.decorators import csp_replace
except ImportError:  # pragma: no cover - depends on the installed django-csp
    from csp.decorators import csp_override as csp_replace

MATERIAL_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
STEPS = [("plan", "培训计划"), ("outline", "培训大纲"), ("courses", "线上课程"), ("roster", "人员名册"),
         ("materials", "备案材料"), ("submit", "承诺与提交")]
FORMS = {"filing": "备案表（附表1）", "plan": "培训计划（附表2）", "outline": "培训大纲（附表3）",
         "roster": "人员名册（附表4）", "class_opening": "开班申请表（攀枝花 附件1）",
         "class_roster": "参训人员花名册（攀枝花 附件2）"}
FORM_FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _own_project(request: HttpRequest, project_id: int):
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    if not selectors.user_files_for(user=request.user, organization=project.organization):
        raise PermissionDenied("只有申请单位的线上培训管理员可以办理该培训项目的备案")
    return project


# --- the applicant ------------------------------------------------------------------------------

@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_visible_to(user=request.user).order_by("-created_at", "-id")[:300]
    return render(request, "projects/list.html", {
        "projects": projects, "can_file": selectors.applicant_organizations(user=request.user).exists(),
        "is_reviewer": selectors.user_is_reviewer(user=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    organizations = selectors.applicant_organizations(user=request.user)
    if not organizations.exists():
        raise PermissionDenied("只有企业或培训机构的线上培训管理员可以新建培训项目")
    form = forms.PlanForm(request.POST or None, organizations=organizations,
                          initial={"organization": organizations.first()})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(data=form.to_data(), actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "培训计划已保存，下一步：填写培训大纲")
            return redirect("projects:edit", project_id=project.pk, step="outline")
    return render(request, "projects/plan_new.html", {"form": form})


def _step_status(project) -> dict[str, bool]:
    roster = selectors.roster_of(project=project)
    present = {m.kind for m in selectors.materials_of(project=project)}
    required = selectors.required_material_kinds(project=project, roster=roster)
    return {
        "plan": True, "outline": project.outline.exists(), "courses": project.courses.exists(), "roster": bool(roster),
        "materials": all(k in present for k in required), "submit": project.commitment_accepted_at is not None,
    }


def _edit_context(request, project, step: str, **extra) -> dict:
    status = _step_status(project)
    context = {"project": project, "step": step, "steps": [(key, label, status[key]) for key, label in STEPS],
               "step_label": dict(STEPS)[step]}
    if step == "roster":
        roster = selectors.roster_of(project=project)
        context["roster_rows"] = [{"entry": e, "id_masked": mask_id_number(e.person.id_number),
                                   "phone_masked": mask_phone(e.person.phone)} for e in roster]
    if step == "materials":
        roster = selectors.roster_of(project=project)
        materials = selectors.materials_of(project=project)
        required = selectors.required_material_kinds(project=project, roster=roster)
        context["material_groups"] = [{"kind": k, "label": k.label, "required": k.value in required,
                                       "files": [m for m in materials if m.kind == k.value]} for k in MaterialKind]
    if step == "submit":
        try:
            context["missing"] = selectors.missing_for_submit(project=project)
        except DomainError as exc:
            context["missing"] = [selectors.Missing(exc.code, exc.field or "", exc.message)]
        context["commitment_text"] = services.COMMITMENT_TEXT
        context.setdefault("commitment_form", forms.CommitmentForm())
        try:
            context["routing"] = selectors.routing_for(organization=project.organization,
                                                       learners_are_students=project.learners_are_students)
        except DomainError as exc:
            context["routing_error"] = exc.message
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int, step: str) -> HttpResponse:
    if step not in dict(STEPS):
        raise Http404()
    project = _own_project(request, project_id)
    if not project.editable:
        messages.info(request, f"培训项目{project.get_state_display()}，不能再修改")
        return redirect("projects:detail", project_id=project.pk)
    handler = {"plan": _edit_plan, "outline": _edit_outline, "courses": _edit_courses, "roster": _edit_roster,
               "materials": _edit_materials, "submit": _edit_submit}[step]
    committed = project.commitment_accepted_at is not None
    response = handler(request, project)
    if request.method == "POST" and committed:
        _warn_if_commitment_voided(request, project.pk)
    return response


COMMITMENT_VOIDED = "内容已修改，原单位承诺随之失效：提交前请在“承诺与提交”中重新确认承诺"


def _warn_if_commitment_voided(request, project_id: int) -> None:
    if selectors.commitment_voided(project_id=project_id):
        messages.warning(request, COMMITMENT_VOIDED)


def _next(step: str) -> str:
    keys = [key for key, _ in STEPS]
    return keys[min(keys.index(step) + 1, len(keys) - 1)]


def _edit_plan(request, project):
    form = forms.PlanForm(request.POST or None, initial=forms.PlanForm.initial_for(project), fixed_organization=True,
                          organizations=type(project.organization).objects.filter(pk=project.organization_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, data=form.to_data(), actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "培训计划已保存")
            return redirect("projects:edit", project_id=project.pk, step=_next("plan"))
    return render(request, "projects/edit.html", _edit_context(request, project, "plan", form=form))


def _edit_outline(request, project):
    try:
        extra = max(1, min(int(request.GET.get("rows", 2)), 20))
    except ValueError:
        extra = 2
    formset = forms.outline_formset(request.POST or None, project=project, extra=extra)
    outline_error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.project_outline_set(project=project, modules=formset.rows(), actor=request.user)
        except DomainError as exc:
            outline_error = exc.message
        else:
            if request.POST.get("action") == "more_rows":
                messages.success(request, "培训大纲已保存，已增加空行")
                return redirect(f"{reverse('projects:edit', args=[project.pk, 'outline'])}?rows=5")
            messages.success(request, "培训大纲已保存")
            return redirect("projects:edit", project_id=project.pk, step=_next("outline"))
    return render(request, "projects/edit.html", _edit_context(request, project, "outline", formset=formset,
                                                               outline_error=outline_error))


def _edit_courses(request, project):
    available = courses_published().select_related("occupation", "provider").order_by("occupation__code", "title")
    form = forms.CoursesForm(request.POST or None, courses=available,
                             initial={"courses": list(project.courses.values_list("pk", flat=True))})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_courses_set(project=project, courses=form.cleaned_data["courses"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "线上课程已保存")
            return redirect("projects:edit", project_id=project.pk, step=_next("courses"))
    return render(request, "projects/edit.html", _edit_context(request, project, "courses", form=form))


def _edit_roster(request, project):
    form = forms.RosterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.roster_import_xlsx(project=project, upload=form.cleaned_data["file"], actor=request.user,
                                                 import_valid_rows=form.cleaned_data["import_valid_rows"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if report.committed:
                replaced = f"（已替换原名册 {report.replaced} 人）" if report.replaced else ""
                messages.success(request, f"已导入 {report.imported} 人{replaced}")
    return render(request, "projects/edit.html", _edit_context(request, project, "roster", form=form, report=report))


def _edit_materials(request, project):
    form = forms.MaterialForm(request.POST or None, request.FILES or None,
                              initial={"kind": request.GET.get("kind", MaterialKind.BUSINESS_LICENCE)})
    if request.method == "POST" and form.is_valid():
        try:
            material = services.project_material_add(project=project, kind=form.cleaned_data["kind"],
                                                     upload=form.cleaned_data["file"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已上传{material.get_kind_display()}“{material.original_name}”")
            return redirect("projects:edit", project_id=project.pk, step="materials")
    return render(request, "projects/edit.html", _edit_context(request, project, "materials", form=form))


def _edit_submit(request, project):
    return render(request, "projects/edit.html", _edit_context(request, project, "submit"))


@login_required
@require_POST
def commitment(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    form = forms.CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请勾选“我已阅读并代表本单位作出以上承诺”")
    else:
        try:
            services.project_commitment_accept(project=project, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已确认单位承诺")
    return redirect("projects:edit", project_id=project.pk, step="submit")


@login_required
@require_POST
def submit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    try:
        project = services.project_submit(project=project, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("projects:edit", project_id=project.pk, step="submit")
    messages.success(request, f"已提交{project.reviewing_office.name}备案，备案编号 {project.number}，"
                              f"审核期限 {project.review_due:%Y年%-m月%-d日}")
    return redirect("projects:detail", project_id=project.pk)


@login_required
@require_POST
def material_remove(request: HttpRequest, material_id: int) -> HttpResponse:
    material = selectors.material_get_visible(user=request.user, material_id=material_id)
    committed = material.project.commitment_accepted_at is not None
    try:
        services.project_material_remove(material=material, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除“{material.original_name}”")
        if committed:
            _warn_if_commitment_voided(request, material.project_id)
    return redirect("projects:edit", project_id=material.project_id, step="materials")


@login_required
@require_POST
def transition(request: HttpRequest, project_id: int, name: str) -> HttpResponse:
    """The organiser's own transitions: start, finish, withdraw."""
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    service = {"start": services.project_start, "finish": services.project_finish,
               "withdraw": services.project_withdraw}.get(name)
    if service is None:
        raise Http404()
    try:
        project = service(project=project, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"培训项目{project.get_state_display()}")
    return redirect("projects:detail", project_id=project.pk)


# --- everyone who may see it, and the reviewer's decision ---------------------------------------

@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    project = selectors.project_with_details(project=project)
    roster = selectors.roster_of(project=project)
    enrolments: dict[int, list[Enrolment]] = {}
    for enrolment in Enrolment.objects.filter(project=project).select_related("course").order_by("course_id"):
        enrolments.setdefault(enrolment.person_id, []).append(enrolment)
    materials = selectors.materials_of(project=project)
    required = selectors.required_material_kinds(project=project, roster=roster)
    applicant = selectors.user_files_for(user=request.user, organization=project.organization)
    can_decide = project.state == ProjectState.SUBMITTED and selectors.user_reviews(user=request.user, project=project)
    try:
        filed_on = timezone.localdate(project.submitted_at) if project.submitted_at else None
        lead = selectors.lead_time_check(project=project, filed_on=filed_on)
    except DomainError as exc:
        lead = selectors.LeadTimeCheck(True, False, message=exc.message)
    outline = list(project.outline.all())
    platform_usable = platform_usable_by(organization=project.organization, platform=project.platform,
                                         on=project.start_date)
    return render(request, "projects/detail.html", {
        "platform_usable": platform_usable,
        "project": project, "outline": outline, "outline_minutes": sum(m.minutes for m in outline),
        "courses": list(project.courses.all()),
        "roster_rows": [{"entry": e, "id_masked": mask_id_number(e.person.id_number),
                         "phone_masked": mask_phone(e.person.phone), "enrolments": enrolments.get(e.person_id, [])}
                        for e in roster],
        "material_groups": [{"label": k.label, "required": k.value in required,
                             "files": [m for m in materials if m.kind == k.value]} for k in MaterialKind
                            if k.value in required or any(m.kind == k.value for m in materials)],
        "events": selectors.events_of(project=project), "lead": lead,
        "routing_reason": selectors.routing_reason(project), "region_path": region_path_display(
            project.organization.region),
        "applicant": applicant, "can_decide": can_decide,
        "decision_form": forms.DecisionForm() if can_decide else None,
        "overdue": bool(project.state == ProjectState.SUBMITTED and project.review_due
                        and selectors.today() > project.review_due),
        "forms_available": FORMS, "commitment_text": services.COMMITMENT_TEXT,
    })


@login_required
@require_POST
def decide(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结论：同意备案或退回修改")
        return redirect(f"{reverse('projects:detail', args=[project.pk])}#decide")
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    try:
        if decision == "approve":
            result = services.project_approve(project=project, actor=request.user, comment=comment)
            conflicts = f"；{len(result.conflicts)} 条报名已属于其他培训项目，未改动" if result.conflicts else ""
            messages.success(request, f"已同意备案：新报名 {result.enrolled} 人次，关联已有报名 {result.linked} 人次{conflicts}")
        else:
            services.project_return(project=project, actor=request.user, comment=comment)
            messages.success(request, "已退回申请单位修改")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('projects:detail', args=[project.pk])}#decide")
    return redirect("projects:queue")


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
@login_required
@require_GET
def material_view(request: HttpRequest, material_id: int) -> HttpResponse:
    material = selectors.material_get_visible(user=request.user, material_id=material_id)
    response = FileResponse(material.file.open("rb"),
                            content_type=MATERIAL_CONTENT_TYPES.get(material.file_type, "application/octet-stream"),
                            as_attachment=request.GET.get("download") == "1", filename=material.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def form_download(request: HttpRequest, project_id: int, form: str, fmt: str) -> HttpResponse:
    """The official forms (附表1–4, 攀枝花 附件1–2), rendered by ``jineng.documents``."""
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    if form not in FORMS or fmt not in FORM_FORMATS:
        raise NotFound("没有这种表格", code="form_not_found")
    content, filename = services.project_form_export(project=project, form=form, fmt=fmt, actor=request.user)
    response = download_response(content, filename=filename, content_type=FORM_FORMATS[fmt])
    response["Cache-Control"] = "private, no-store"  # the rosters carry full ID numbers
    return response


@login_required
@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名册"
    sheet.append(services.ROSTER_COLUMNS + ["重点群体"])
    sheet.append([1, "张三", "男", 30, "440204199003071234", "13800138000", "zhangsan01", ""])
    for column, width in zip("ABCDEFGH", [6, 10, 6, 6, 22, 14, 16, 14], strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, filename="培训人员名册模板.xlsx")


# --- the reviewer's queue -----------------------------------------------------------------------

@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not (selectors.user_is_reviewer(user=request.user) or request.user.is_superuser):
        raise PermissionDenied("备案审核队列只对县区审核员和市级管理人员开放")
    form = forms.QueueFilterForm(request.GET or None, regions=selectors.queue_regions_for(user=request.user))
    filters = selectors.QueueFilters()
    if request.GET and form.is_valid():
        d = form.cleaned_data
        filters = selectors.QueueFilters(state=d["state"], region=d["region"], kind=d["kind"], overdue=d["overdue"])
    rows = selectors.review_queue(user=request.user, filters=filters)
    return render(request, "projects/queue.html", {
        "form": form, "rows": rows, "overdue_count": sum(1 for r in rows if r.overdue), "today": selectors.today(),
        "decidable": {r.project.pk for r in rows if selectors.user_reviews(user=request.user, project=r.project)},
    })


# --- the city's routing rules -------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def routing(request: HttpRequest) -> HttpResponse:
    cities = selectors.routing_cities_for(user=request.user)
    if not cities:
        raise PermissionDenied("分派规则由市级管理人员设置")
    form = forms.RoutingRuleForm(request.POST or None, cities=cities, initial={"city": cities[0]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rule = services.routing_rule_create(
                city=d["city"], match=d["match"], organization=d["organization"], region=d["region"],
                learner_group=d["learner_group"], office=d["office"], source=d["source"], note=d["note"],
                actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已添加分派规则：{rule.get_match_display()} → {rule.office.name}")
            return redirect("projects:routing")
    return render(request, "projects/routing.html", {
        "form": form, "rules": selectors.routing_rules_of(cities=cities), "cities": cities,
    })


@login_required
@require_POST
def routing_deactivate(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule.objects.select_related("city", "office"), pk=rule_id)
    try:
        services.routing_rule_deactivate(rule=rule, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用规则：{rule.get_match_display()} → {rule.office.name}")
    return redirect("projects:routing")
