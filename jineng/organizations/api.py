from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from jineng.organizations import selectors, services

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str
    region: str
    size: str


class ProblemOut(Schema):
    code: str
    column: str
    message: str


class RowOut(Schema):
    row_number: int
    name: str
    id_number: str
    problems: list[ProblemOut]


class ImportReportOut(Schema):
    committed: bool
    imported: int
    rows: int
    errors: list[RowOut]


@router.get("/", response=list[OrganizationOut], summary="我有权查看的单位")
def organizations(request: HttpRequest):
    return [OrganizationOut(id=o.pk, kind=o.kind, name=o.name, credit_code=o.credit_code, region=o.region_id, size=o.size)
            for o in selectors.organizations_visible_to(user=request.auth).order_by("pk")]


@router.post("/{organization_id}/contracts/import", response=ImportReportOut, summary="导入劳动合同花名册 (.xlsx)")
def contracts_import(request: HttpRequest, organization_id: int, file: File[UploadedFile],
                     import_valid_rows: Form[bool] = False):
    organization = selectors.organization_get_visible(user=request.auth, organization_id=organization_id)
    report = services.contracts_import_xlsx(organization=organization, upload=file, actor=request.auth,
                                            import_valid_rows=import_valid_rows)
    return ImportReportOut(
        committed=report.committed, imported=report.imported, rows=len(report.rows),
        errors=[RowOut(row_number=r.row_number, name=r.name, id_number=r.id_number_masked,
                       problems=[ProblemOut(code=p.code, column=p.column, message=p.message) for p in r.problems])
                for r in report.error_rows],
    )
