"""The evidence of a claim as one .zip: per learner the learning-record PDF of each enrolment of
the project (``jineng.learning.reports``), the final-assessment result and the certificate PDF
(when the certificates app has issued one); per claim the official forms of its pack in PDF and
.xlsx (``forms_data``; the rosters print full ID numbers), the line table (.xlsx, ID numbers
masked), the cost vouchers and the filing's materials. Permission and audit: the caller
(``services.claim_archive_export``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from django.utils import timezone

from jineng.claims.forms_data import form_file_name, forms_of
from jineng.claims.models import Claim
from jineng.claims.selectors import claim_for_forms
from jineng.common import clock
from jineng.common.masking import mask_id_number, mask_name
from jineng.learning.models import Enrolment

STATUS = {"eligible": "符合条件", "excluded": "不予补贴"}


def _safe(name: str) -> str:
    return "".join(ch for ch in PurePosixPath(name).name if ch not in '\\/:*?"<>|') or "file"


def _lines_xlsx(claim: Claim, lines) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "申请明细"
    sheet.append([f"补贴申请 {claim.number}", claim.item_title, claim.document_number])
    sheet.append(["序号", "姓名", "身份证号", "计划学时(分钟)", "有效学习(分钟)", "计入学时(分钟)", "学时", "结业考核",
                  "成绩", "证书", "判定", "审定金额(元)", "实付金额(元)", "不予补贴原因", "依据条款"])
    for line in lines:
        facts = line.facts
        sheet.append([line.position, line.person.name, mask_id_number(line.person.id_number),
                      facts.get("planned_minutes"), facts.get("credited_minutes"), facts.get("countable_minutes"),
                      facts.get("class_hours"), "合格" if facts.get("passed") else "不合格",
                      facts.get("score") or "", facts.get("certificate_number") or "无",
                      STATUS.get(line.status, line.status), f"{line.judged_amount:.2f}",
                      f"{line.paid_amount:.2f}" if line.paid_amount is not None else "", line.reason,
                      line.reason_clause])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _certificate_pdf(enrolment: Enrolment) -> bytes | None:
    try:
        from jineng.certificates.reports import certificate_pdf
        from jineng.certificates.selectors import certificate_for_enrolment
    except ImportError:
        return None
    certificate = certificate_for_enrolment(enrolment=enrolment)
    if certificate is None:
        return None
    return certificate_pdf(certificate=certificate, verify_url=f"/certificates/verify/{certificate.number}")


def claim_archive(*, claim: Claim, generated_by) -> bytes:
    from jineng.exams.selectors import final_assessment_result
    from jineng.learning.reports import learning_record_pdf
    from jineng.learning.selectors import learning_record

    lines = list(claim.lines.select_related("person").order_by("position"))
    enrolment_ids = [c["enrolment"] for line in lines for c in line.facts.get("courses", [])]
    enrolments = {e.pk: e for e in Enrolment.objects.filter(pk__in=enrolment_ids)
                  .select_related("course", "course__occupation", "person", "organization")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("申请明细.xlsx", _lines_xlsx(claim, lines))
        if forms_of(claim):
            filled = claim_for_forms(claim_id=claim.pk)
            for spec in forms_of(claim):
                data = spec.fill(filled)
                archive.writestr(f"申请表/{form_file_name(claim, spec, 'pdf')}", spec.module.build_pdf(data))
                archive.writestr(f"申请表/{form_file_name(claim, spec, 'xlsx')}", spec.module.build_xlsx(data))
        for line in lines:
            folder = f"学员/{line.position:03d}_{mask_name(line.person.name)}"
            results = []
            for course in line.facts.get("courses", []):
                enrolment = enrolments.get(course["enrolment"])
                if enrolment is None:
                    continue
                pdf = learning_record_pdf(enrolment=enrolment, record=learning_record(enrolment=enrolment),
                                          id_masked=mask_id_number(line.person.id_number), generated_by=generated_by)
                archive.writestr(f"{folder}/学习记录_{enrolment.pk}.pdf", pdf)
                result = final_assessment_result(enrolment=enrolment)
                results.append(f"{course['course']}：" + (
                    f"结业考核{'合格' if result[0] else '不合格'}，成绩 {result[1]:.2f} 分，交卷时间 "
                    f"{timezone.localtime(result[2].submitted_at):%Y-%m-%d %H:%M}" if result else "未参加结业考核"))
                certificate = _certificate_pdf(enrolment)
                if certificate is not None:
                    archive.writestr(f"{folder}/培训合格证书_{enrolment.pk}.pdf", certificate)
            archive.writestr(f"{folder}/结业考核结果.txt", "\n".join(results or ["无本项目的学习记录"]) + "\n")
        for voucher in claim.vouchers.all():
            with voucher.file.open("rb") as handle:
                archive.writestr(f"成本凭证/{voucher.pk}_{_safe(voucher.original_name)}", handle.read())
        project = claim.project
        filing = [f"备案编号：{project.number}", f"项目名称：{project.name}", f"申请单位：{claim.organization.name}",
                  f"培训期间：{project.start_date} 至 {project.end_date}"]
        if project.submitted_at:
            filing.append(f"提交备案：{timezone.localtime(project.submitted_at):%Y-%m-%d %H:%M}")
        if project.decided_at:
            filing.append(f"备案审核通过：{timezone.localtime(project.decided_at):%Y-%m-%d %H:%M}")
        filing.append(f"导出时间：{timezone.localtime(clock.now()):%Y-%m-%d %H:%M}")
        archive.writestr("备案信息.txt", "\n".join(filing) + "\n")
        for material in project.materials.filter(removed_at__isnull=True):
            with material.file.open("rb") as handle:
                archive.writestr(f"备案材料/{material.pk}_{_safe(material.original_name)}", handle.read())
    return buffer.getvalue()
