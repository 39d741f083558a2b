"""Certificate pages: 我的证书, the staff register (with its chart and export), the completion checklist of an enrolment (with the button that
issues the certificate and, for reviewers, the revocation form), the PDF, and the public
verification page. Thin: each parses, calls a selector or a service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jineng.certificates import reports, selectors, services
from jineng.certificates.forms import RegisterFilterForm
from jineng.common import clock
from jineng.common.downloads import download_response, xlsx_response
from jineng.common.errors import DomainError
from jineng.common.masking import mask_name
from jineng.identity.selectors import user_is_staff
from jineng.learning.selectors import enrolment_get_visible


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/mine.html", {"rows": selectors.learner_certificate_rows(user=request.user)})


@login_required
@require_GET
def completion(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    page = selectors.completion_page(user=request.user, enrolment_id=enrolment_id)
    verify_url = selectors.verification_url(certificate=page.certificate, request=request) \
        if page.certificate and page.certificate.is_valid else ""
    return render(request, "certificates/completion.html", {"page": page, "c": page.completion,
                                                            "verify_url": verify_url})


@login_required
@require_POST
def issue(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = enrolment_get_visible(user=request.user, enrolment_id=enrolment_id)
    try:
        certificate = services.certificate_issue(enrolment=enrolment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"培训合格证书已发放，证书编号 {certificate.number}。可下载 PDF 打印或出示二维码供核验。")
    return redirect("certificates:completion", enrolment_id=enrolment.pk)


@login_required
@require_POST
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get_visible(user=request.user, certificate_id=certificate_id)
    try:
        services.certificate_revoke(certificate=certificate, reason=request.POST.get("reason", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"证书 {certificate.number} 已撤销；公开核验页面将显示“已撤销”。")
    return redirect("certificates:completion", enrolment_id=certificate.enrolment_id)


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get_visible(user=request.user, certificate_id=certificate_id)
    if not certificate.is_valid:
        raise DomainError("certificate_revoked", f"证书 {certificate.number} 已撤销，不能下载。", field="certificate")
    content = reports.certificate_pdf(certificate=certificate,
                                      verify_url=selectors.verification_url(certificate=certificate, request=request))
    services.certificate_download_log(certificate=certificate, actor=request.user)
    return download_response(content, filename=f"培训合格证书-{certificate.number}.pdf", content_type="application/pdf")


@never_cache
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    view = selectors.certificate_public_view(token=token)
    response = render(request, "certificates/verify.html", {"v": view},
                      status=404 if view.state == "not_found" else 200)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the address is the secret: do not pass it on
    return response


def _register_filters(request: HttpRequest) -> tuple[RegisterFilterForm, dict]:
    form = RegisterFilterForm(request.GET or None)
    return form, form.filters()


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """Staff: the certificates of the learners they follow, filterable, with issues per month."""
    if not user_is_staff(user=request.user):
        return redirect("certificates:mine")
    form, filters = _register_filters(request)
    certificates = selectors.certificate_register(user=request.user, **filters)
    page = Paginator(certificates, 30).get_page(request.GET.get("page"))
    months = selectors.certificates_by_month(certificates)
    return render(request, "certificates/register.html", {
        "form": form, "page": page, "total": certificates.count(),
        "rows": [(c, mask_name(c.person.name)) for c in page],
        "chart_data": {"labels": [label for label, _ in months], "values": [count for _, count in months]},
        "query": _query_without_page(request),
    })


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
@never_cache
def register_xlsx(request: HttpRequest) -> HttpResponse:
    if not user_is_staff(user=request.user):
        return redirect("certificates:mine")
    _, filters = _register_filters(request)
    certificates = list(selectors.certificate_register(user=request.user, **filters))
    services.certificate_register_export_log(actor=request.user, certificate_ids=[c.pk for c in certificates],
                                             filters={k: str(v) for k, v in filters.items() if v})
    return xlsx_response(reports.register_xlsx(certificates=certificates, generated_by=request.user),
                         filename=f"培训合格证书登记_{clock.now():%Y%m%d}.xlsx")
