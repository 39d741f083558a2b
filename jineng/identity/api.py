import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jineng.common.masking import mask_id_number, mask_phone
from jineng.identity import selectors, services

router = Router(tags=["identity"])


class RegisterIn(Schema):
    name: str
    id_number: str
    phone: str
    password: str


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_date: dt.date
    hukou_region: str | None


class RevealIn(Schema):
    reason: str = ""


class RevealOut(Schema):
    id: int
    id_number: str


def _person_out(person) -> PersonOut:
    return PersonOut(id=person.pk, name=person.name, id_number=mask_id_number(person.id_number),
                     phone=mask_phone(person.phone), sex=person.sex, birth_date=person.birth_date,
                     hukou_region=person.hukou_region_id)


@router.post("/register", auth=None, response={201: PersonOut}, summary="学员实名注册")
def register(request: HttpRequest, payload: RegisterIn):
    user = services.learner_register(name=payload.name, id_number=payload.id_number, phone=payload.phone,
                                     password=payload.password)
    return 201, _person_out(user.person)


@router.get("/persons", response=list[PersonOut], summary="我有权查看的人员（证件号已脱敏）")
def persons(request: HttpRequest, limit: int = 50, offset: int = 0):
    qs = selectors.persons_visible_to(user=request.auth).order_by("pk")[offset:offset + min(limit, 200)]
    return [_person_out(p) for p in qs]


@router.post("/persons/{person_id}/reveal", response=RevealOut, summary="查看完整身份证号（记入审计日志）")
def reveal(request: HttpRequest, person_id: int, payload: RevealIn):
    person = selectors.person_get_visible(user=request.auth, person_id=person_id)
    return RevealOut(id=person.pk, id_number=services.person_reveal_id_number(person=person, actor=request.auth,
                                                                               reason=payload.reason))
