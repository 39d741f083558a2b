"""Demo data for the four seed cities, built through the real services so that every row is
validated, encrypted and audited like a user's. Running it again finds what exists and
creates nothing twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jineng.identity import services as identity_services
from jineng.identity import two_factor
from jineng.identity.id_numbers import id_number_with_check_digit
from jineng.identity.models import KeyGroupMembership, Person, Role, RoleAssignment, User
from jineng.organizations import services as organization_services
from jineng.organizations.credit_codes import credit_code_with_check_digit
from jineng.organizations.models import Contract, Organization

DEMO_PASSWORD = "Jineng@2026"


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    scope: str
    totp_secret: str = ""


def demo_id_number(region_code: str, birth: dt.date, sequence: int) -> str:
    body = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    return id_number_with_check_digit(body)


def demo_credit_code(region_code: str, serial: str) -> str:
    body = f"91{region_code}{serial}X"[:17]  # 2 + 6 + 8 + 1 = 17 characters before the check digit
    return credit_code_with_check_digit(body)


ORGANIZATIONS = [
    # (key, kind, name, region, serial, size, address, legal representative)
    ("sg_mfg", "enterprise", "韶关市浈江区丹霞精密制造有限公司", "440204", "MA4UJ5L8", "sme", "韶关市浈江区风采路 18 号", "黄建国"),
    ("sg_logistics", "enterprise", "韶关市武江区顺达物流股份有限公司", "440203", "MA4UK2P3", "large", "韶关市武江区沿江路 2 号", "邱志明"),
    ("pzh_vt", "enterprise", "攀枝花市东区钒钛新材料有限公司", "510402", "MA62M1Q4", "sme", "攀枝花市东区炳草岗大街 66 号", "罗德华"),
    ("jj_shoes", "enterprise", "晋江市陈埭鞋业有限公司", "350582", "MA31N7R5", "sme", "晋江市陈埭镇江滨南路 99 号", "施明辉"),
    ("jj_school", "institution", "晋江市职业技术培训学校", "350582", "MB15T3W6", "", "晋江市青阳街道世纪大道 300 号", "许丽萍"),
    ("ta_machinery", "enterprise", "泰安市泰山区鲁岳机械有限公司", "370902", "MA3CP8H1", "sme", "泰安市泰山区东岳大街 120 号", "孟庆山"),
]

LEARNERS = [
    # (phone, name, hukou region, birth, seq, employer key, key group)
    ("13800000001", "李小红", "440204", dt.date(1990, 3, 7), 124, "sg_mfg", "migrant_worker"),
    ("13800000002", "王志强", "440203", dt.date(1988, 11, 2), 351, "sg_logistics", None),
    ("13800000003", "张丽", "510402", dt.date(1995, 6, 18), 552, "pzh_vt", None),
    ("13800000004", "陈明", "350582", dt.date(1999, 1, 23), 133, "jj_shoes", "unemployed_graduate"),
    ("13800000005", "赵磊", "370902", dt.date(1985, 9, 9), 271, "ta_machinery", "poverty_registered"),
]

STAFF = [
    # (username, display name, role, scope: organisation key or region code)
    ("admin", "系统管理员", Role.SYSTEM_ADMIN, None),
    ("sg_city", "冯贝贝", Role.CITY_OFFICER, "440200"),
    ("zhenjiang", "刘敏", Role.COUNTY_REVIEWER, "440204"),
    ("wujiang", "何志坚", Role.COUNTY_REVIEWER, "440203"),
    ("pzh_dongqu", "杨帆", Role.COUNTY_REVIEWER, "510402"),
    ("jinjiang", "蔡雅琴", Role.COUNTY_REVIEWER, "350582"),
    ("taishan", "孙立新", Role.COUNTY_REVIEWER, "370902"),
    ("taian_city", "陈秉德", Role.CITY_OFFICER, "370900"),
    ("danxia_admin", "黄小燕", Role.TRAINING_ADMIN, "sg_mfg"),
    ("shunda_admin", "邱海涛", Role.TRAINING_ADMIN, "sg_logistics"),
    ("fantai_admin", "罗晓梅", Role.TRAINING_ADMIN, "pzh_vt"),
    ("chendai_admin", "施雅婷", Role.TRAINING_ADMIN, "jj_shoes"),
    ("luyue_admin", "孟凡东", Role.TRAINING_ADMIN, "ta_machinery"),
    ("school_operator", "许文杰", Role.PLATFORM_OPERATOR, "jj_school"),
]

_EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
                 b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _totp_key(username: str) -> str:
    """A stable demo key, so that an authenticator set up once keeps working across demo runs."""
    return hashlib.sha256(f"jineng-demo-totp:{username}".encode()).hexdigest()[:40]


def load_demo(*, stdout=print) -> list[DemoAccount]:
    from jineng.regions.demo import regions_load_demo_bureaus
    from jineng.regions.models import Region
    from jineng.regions.services import regions_load

    if not Region.objects.filter(code="440204").exists():
        stdout("载入全国行政区划（GB/T 2260）…")
        regions_load()
    regions_load_demo_bureaus()

    organizations: dict[str, Organization] = {}
    for key, kind, name, region, serial, size, address, legal in ORGANIZATIONS:
        code = demo_credit_code(region, serial)
        organization = Organization.objects.filter(credit_code=code).first() or organization_services.organization_register(
            kind=kind, name=name, credit_code=code, region_code=region, address=address, legal_representative=legal,
            size=size, contact_phone="0751-8879882", bank_account_name=name, bank_name="中国工商银行",
            bank_account_number="62220" + str(int(hashlib.sha256(code.encode()).hexdigest(), 16))[:12], actor=None,
        )
        organizations[key] = organization

    accounts: list[DemoAccount] = []
    for username, display_name, role, scope in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = identity_services.staff_user_create(username=username, display_name=display_name,
                                                       password=DEMO_PASSWORD, actor=None)
            if role == Role.SYSTEM_ADMIN:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        kwargs = {}
        if role in (Role.TRAINING_ADMIN, Role.PLATFORM_OPERATOR):
            kwargs["organization"] = organizations[scope]
        elif role in (Role.COUNTY_REVIEWER, Role.CITY_OFFICER):
            kwargs["region"] = Region.objects.get(code=scope)
        identity_services.role_grant(user=user, role=role, actor=None, **kwargs)
        device = two_factor.confirmed_device(user=user) or two_factor.device_create_confirmed(
            user=user, key_hex=_totp_key(username))
        scope_label = kwargs.get("organization") or kwargs.get("region") or "全部"
        accounts.append(DemoAccount(username, DEMO_PASSWORD, Role(role).label, str(scope_label),
                                    two_factor.device_secret(device)))

    from jineng.courses.demo import SHARED_SCORM12, courses_load_demo
    from jineng.platforms.demo import platforms_load_demo

    platforms_load_demo(operator_org=organizations["jj_school"],
                        enterprises=[organizations["sg_mfg"], organizations["sg_logistics"]],
                        officer=User.objects.get(username="sg_city"), stdout=stdout)

    demo_courses = courses_load_demo(provider=organizations["jj_school"],
                                     author=User.objects.get(username="school_operator"),
                                     scorm_archive=SHARED_SCORM12, stdout=stdout)
    from jineng.exams.demo import exams_load_demo

    welding = next(course for course in demo_courses if course.title.startswith("焊工（初级）"))
    exams_load_demo(course=welding, author=User.objects.get(username="school_operator"), stdout=stdout)

    for phone, name, hukou, birth, seq, employer, group in LEARNERS:
        user = User.objects.filter(username=phone).first()
        if user is None:
            user = identity_services.learner_register(
                name=name, id_number=demo_id_number(hukou, birth, seq), phone=phone, password=DEMO_PASSWORD)
        person: Person = user.person
        organization = organizations[employer]
        if not Contract.objects.filter(person=person, organization=organization).exists():
            organization_services.contract_add(organization=organization, person=person, start=dt.date(2019, 7, 1),
                                               months=36, dispatched=False, actor=None)
        if group and not KeyGroupMembership.objects.filter(person=person, group=group).exists():
            with transaction.atomic():
                identity_services.key_group_claim(
                    person=person, group=group, actor=user,
                    evidence=SimpleUploadedFile("证明材料.pdf", _EVIDENCE_PDF, content_type="application/pdf"))
        accounts.append(DemoAccount(phone, DEMO_PASSWORD, Role.LEARNER.label, f"{name}（{organization.name}）"))
    from jineng.learning.models import Enrolment
    from jineng.learning.services import enrolment_create

    for phone, *_ in LEARNERS:
        learner = User.objects.get(username=phone)
        if not Enrolment.objects.filter(person=learner.person, course=welding).exists():
            enrolment_create(course=welding, actor=learner)
    assert RoleAssignment.objects.filter(role=Role.LEARNER).exists()

    from jineng.demo_story import story_load_demo

    for phone, name, organization_name in story_load_demo(welding=welding, stdout=stdout):
        accounts.append(DemoAccount(phone, DEMO_PASSWORD, Role.LEARNER.label, f"{name}（{organization_name}）"))
    return accounts


def print_accounts(accounts: list[DemoAccount], *, stdout=print, base_url: str) -> None:
    stdout("")
    stdout(f"技能 jineng 演示站点： {base_url}")
    stdout(f"所有演示账号的密码： {DEMO_PASSWORD}")
    stdout("工作人员登录后需输入动态口令：用验证器添加下列密钥，或运行  .venv/bin/jineng otp code 用户名")
    stdout("")
    stdout(f"{'用户名':<16}{'角色':<14}{'范围':<34}动态口令密钥")
    for account in accounts:
        stdout(f"{account.username:<19}{account.role:<12}{account.scope[:30]:<32}{account.totp_secret or '—（学员无需）'}")
    stdout("")
    from jineng.demo_story import story_notes

    notes = story_notes(base_url=base_url)
    if notes:
        stdout("演示数据一览：")
        for note in notes:
            stdout(f"  · {note}")
        stdout("")
