"""Pages. Each view parses, calls one service or selector, and renders; domain errors go
back to the form beside the field they name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jineng.common.downloads import xlsx_response
from jineng.common.errors import DomainError
from jineng.common.masking import mask_id_number, mask_phone
from jineng.identity import selectors as identity_selectors
from jineng.identity import services as identity_services
from jineng.identity import two_factor
from jineng.identity.models import KeyGroupMembership, Role
from jineng.organizations import selectors as organization_selectors
from jineng.organizations import services as organization_services
from jineng.web import forms
from jineng.web.home import home_context


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"].strip(),
                            password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "手机号/用户名或密码不正确。连续输错 5 次将锁定 30 分钟。")
        else:
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            if two_factor.needs_second_factor(user=user):
                return redirect(f"{reverse('web:otp_verify')}?next={next_url}" if next_url else reverse("web:otp_verify"))
            return redirect(next_url or "web:home")
    return render(request, "web/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("web:login")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.needs_second_factor(user=user):
        return redirect("web:home")
    device = two_factor.confirmed_device(user=user)
    setup = None
    if device is None:
        device = two_factor.pending_device(user=user)
        setup = {
            "secret": two_factor.device_secret(device),
            "qr_svg_data_uri": two_factor.provisioning_qr_data_uri(device),
        }
    form = forms.OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify_and_login(request=request, device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            return redirect(next_url or "web:home")
    return render(request, "web/otp_verify.html", {"form": form, "setup": setup})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = identity_services.learner_register(
                name=data["name"], id_number=data["id_number"], phone=data["phone"], password=data["password"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"注册成功，欢迎您，{user.display_name}！")
            return redirect("web:home")
    return render(request, "web/register.html", {"form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = home_context(user=request.user)
    return render(request, context["template"], context)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    filters = forms.PersonFilterForm(request.GET or None)
    qs = identity_selectors.persons_visible_to(user=request.user).select_related("hukou_region").order_by("-created_at")
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            qs = qs.filter(name__contains=filters.cleaned_data["q"])
        if filters.cleaned_data["key_group"]:
            qs = qs.filter(key_groups__group=filters.cleaned_data["key_group"],
                           key_groups__status=KeyGroupMembership.Status.VERIFIED)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [{"person": p, "id_masked": mask_id_number(p.id_number), "phone_masked": mask_phone(p.phone)} for p in page]
    return render(request, "web/people.html", {"page": page, "rows": rows, "filters": filters})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = identity_selectors.person_get_visible(user=request.user, person_id=person_id)
    revealed = None
    if request.method == "POST" and request.POST.get("action") == "reveal":
        revealed = identity_services.person_reveal_id_number(person=person, actor=request.user,
                                                             reason=request.POST.get("reason", ""))
    memberships = person.key_groups.select_related("verified_by").order_by("-created_at")
    can_verify = identity_selectors.user_region_scopes(user=request.user) or identity_selectors.user_has_role(
        user=request.user, role=Role.SYSTEM_ADMIN)
    context = {
        "person": person,
        "id_masked": mask_id_number(person.id_number),
        "phone_masked": mask_phone(person.phone),
        "revealed": revealed,
        "can_reveal": identity_selectors.can_reveal_id_number(user=request.user, person=person),
        "memberships": memberships,
        "can_verify": bool(can_verify),
        "decision_form": forms.KeyGroupDecisionForm(),
        "contracts": person.contracts.select_related("organization").order_by("-start"),
        "claim_form": forms.KeyGroupClaimForm(),
    }
    return render(request, "web/person_detail.html", context)


@login_required
@require_POST
def key_group_claim(request: HttpRequest, person_id: int) -> HttpResponse:
    person = identity_selectors.person_get_visible(user=request.user, person_id=person_id)
    form = forms.KeyGroupClaimForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            identity_services.key_group_claim(person=person, group=form.cleaned_data["group"],
                                              evidence=form.cleaned_data["evidence"], actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已提交，等待户籍所在地人社部门核验")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("web:person_detail", person_id=person.pk)


@login_required
@require_POST
def key_group_decide(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(KeyGroupMembership.objects.select_related("person"), pk=membership_id)
    identity_selectors.person_get_visible(user=request.user, person_id=membership.person_id)
    form = forms.KeyGroupDecisionForm(request.POST)
    if form.is_valid():
        try:
            identity_services.key_group_verify(membership=membership, actor=request.user,
                                               approve=form.cleaned_data["decision"] == "approve",
                                               note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "核验结论已保存")
    else:
        messages.error(request, "请选择核验结论")
    return redirect("web:person_detail", person_id=membership.person_id)


@login_required
def evidence_download(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(KeyGroupMembership, pk=membership_id)
    identity_selectors.person_get_visible(user=request.user, person_id=membership.person_id)
    from django.http import FileResponse

    return FileResponse(membership.evidence.open("rb"), as_attachment=True, filename=membership.evidence_name)


@login_required
def organizations(request: HttpRequest) -> HttpResponse:
    rows = organization_selectors.organization_overview(user=request.user)
    return render(request, "web/organizations.html", {"rows": rows})


@login_required
def organization_detail(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_selectors.organization_get_visible(user=request.user, organization_id=organization_id)
    report = None
    form = forms.ContractImportForm()
    if request.method == "POST":
        form = forms.ContractImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = organization_services.contracts_import_xlsx(
                    organization=organization, upload=form.cleaned_data["file"], actor=request.user,
                    import_valid_rows=form.cleaned_data["import_valid_rows"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                if report.committed:
                    messages.success(request, f"已导入 {report.imported} 份劳动合同")
    contracts = organization_selectors.contracts_of_organization(organization=organization)
    page = Paginator(contracts, 50).get_page(request.GET.get("page"))
    rows = [{"contract": c, "id_masked": mask_id_number(c.person.id_number)} for c in page]
    admins = organization.role_assignments.filter(role=Role.TRAINING_ADMIN).select_related("user")
    return render(request, "web/organization_detail.html", {
        "organization": organization, "form": form, "report": report, "page": page, "rows": rows, "admins": admins,
    })


@login_required
def contract_template(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    from jineng.organizations.services import CONTRACT_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "劳动合同"
    sheet.append(CONTRACT_COLUMNS)
    sheet.append([1, "张三", "440204199003071234", "13800138000", "2020-01-06", 24, "否"])
    for column, width in zip("ABCDEFG", [6, 10, 22, 14, 14, 14, 12], strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, filename="劳动合同模板.xlsx")


def service_windows(request: HttpRequest) -> HttpResponse:
    from jineng.regions.models import ServiceWindow

    windows = ServiceWindow.objects.select_related("bureau__region").order_by("bureau__region_id")
    return render(request, "web/service_windows.html", {"windows": windows})




def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    error = DomainError("csrf_failed", "页面已过期或表单来源无法确认。请刷新页面后重新提交；多次出现请清除浏览器缓存。")
    return render(request, "web/error.html", {"title": "请刷新页面后重试", "error": error}, status=403)
