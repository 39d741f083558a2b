"""Every write about people and accounts: registration, key groups, roles, unmasked views."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.crypto import lookup_digest
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_id_number, mask_phone
from jineng.common.uploads import check_evidence_file
from jineng.identity.id_numbers import normalize_phone, parse_id_number
from jineng.identity.models import (
    ORGANIZATION_ROLES,
    REGION_ROLES,
    KeyGroup,
    KeyGroupMembership,
    Person,
    Role,
    RoleAssignment,
    User,
)
from jineng.identity.selectors import (
    can_reveal_id_number,
    persons_visible_to,
    user_has_role,
    user_region_scopes,
)


def id_number_digest(number: str) -> str:
    return lookup_digest(number, purpose="id_number")


def phone_digest(phone: str) -> str:
    return lookup_digest(phone, purpose="phone")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "请填写姓名（与身份证一致）", field="name")
    if len(name) > 32:
        raise DomainError("name_too_long", "姓名过长，请填写身份证上的姓名", field="name")
    return name


def person_register(*, name: str, id_number: str, phone: str = "", actor: User | None,
                    phone_required: bool = False) -> Person:
    """Create a real-name person; birth date, sex and hukou region come from the ID number."""
    from jineng.regions.selectors import region_best_match

    name = _clean_name(name)
    facts = parse_id_number(id_number)
    phone = normalize_phone(phone, required=phone_required)
    digest = id_number_digest(facts.number)
    if Person.objects.filter(id_number_digest=digest).exists():
        raise DomainError("person_exists", "该身份证号已登记，请直接登录或联系培训管理员", field="id_number")
    hukou = region_best_match(code=facts.region_code)
    with transaction.atomic():
        try:
            person = Person.objects.create(
                name=name,
                id_number=facts.number,
                id_number_digest=digest,
                phone=phone,
                phone_digest=phone_digest(phone) if phone else "",
                birth_date=facts.birth_date,
                sex=facts.sex,
                birth_region_code=facts.region_code,
                hukou_region=hukou,
            )
        except IntegrityError:
            raise DomainError("person_exists", "该身份证号已登记", field="id_number") from None
        audit_record(
            actor=actor,
            action="person.register",
            target=person,
            summary={"name": name, "id_number": mask_id_number(facts.number), "phone": mask_phone(phone)},
            region_code=facts.region_code,
        )
    return person


def person_find_by_id_number(id_number: str) -> Person | None:
    return Person.objects.filter(id_number_digest=id_number_digest(id_number.strip().upper())).first()


def learner_register(*, name: str, id_number: str, phone: str, password: str) -> User:
    """Self-registration: a real-name person, an account signed in by phone number, the learner role."""
    phone = normalize_phone(phone)
    if User.objects.filter(username=phone).exists():
        raise DomainError("phone_taken", "该手机号已注册，请直接登录", field="phone")
    try:
        validate_password(password, user=User(username=phone, display_name=name))
    except ValidationError as exc:
        raise DomainError("weak_password", "；".join(exc.messages), field="password") from None
    with transaction.atomic():
        person = person_register(name=name, id_number=id_number, phone=phone, actor=None, phone_required=True)
        user = User(username=phone, display_name=person.name, person=person)
        user.set_password(password)
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.LEARNER)
        audit_record(actor=user, action="learner.register", target=user,
                     summary={"username": mask_phone(phone)}, region_code=person.birth_region_code)
    return user


def role_grant(*, user: User, role: str, actor: User | None, organization=None, region=None) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError("unknown_role", f"未知角色 {role}", field="role")
    if role in ORGANIZATION_ROLES and (organization is None or region is not None):
        raise DomainError("scope_required", "该角色必须限定到一个单位", field="organization")
    if role in REGION_ROLES and (region is None or organization is not None):
        raise DomainError("scope_required", "该角色必须限定到一个行政区划", field="region")
    if actor is not None and not user_has_role(user=actor, role=Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以授予角色")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, organization=organization, region=region
        )
        if created:
            audit_record(
                actor=actor, action="role.grant", target=assignment,
                summary={"user": user.username, "role": role,
                         "organization": getattr(organization, "credit_code", None),
                         "region": getattr(region, "code", None)},
                organization_id=getattr(organization, "pk", None), region_code=getattr(region, "code", ""),
            )
    return assignment


def staff_user_create(*, username: str, display_name: str, password: str, actor: User | None) -> User:
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", "该用户名已存在", field="username")
    with transaction.atomic():
        user = User(username=username, display_name=display_name)
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="user.create", target=user, summary={"username": username})
    return user


def key_group_claim(*, person: Person, group: str, evidence, actor: User) -> KeyGroupMembership:
    """A person (or their training administrator) declares a key-group membership with proof."""
    if group not in KeyGroup.values:
        raise DomainError("unknown_key_group", "请选择重点群体类别", field="group")
    own_employee = user_has_role(user=actor, role=Role.TRAINING_ADMIN) and persons_visible_to(user=actor).filter(
        pk=person.pk).exists()
    if actor.person_id != person.pk and not own_employee:
        raise PermissionDenied("只能为本人或本单位职工申报重点群体身份")
    check_evidence_file(evidence)
    if KeyGroupMembership.objects.filter(person=person, group=group).exclude(
        status=KeyGroupMembership.Status.REJECTED
    ).exists():
        raise DomainError("key_group_exists", "该重点群体身份已申报，请等待核验", field="group")
    with transaction.atomic():
        KeyGroupMembership.objects.filter(person=person, group=group, status=KeyGroupMembership.Status.REJECTED).delete()
        membership = KeyGroupMembership(person=person, group=group, evidence_name=evidence.name[:200])
        membership.evidence.save(evidence.name, evidence, save=False)
        membership.save()
        audit_record(actor=actor, action="key_group.claim", target=membership,
                     summary={"group": group, "person": person.pk}, region_code=person.birth_region_code)
    return membership


def key_group_verify(*, membership: KeyGroupMembership, actor: User, approve: bool, note: str = "") -> KeyGroupMembership:
    """A reviewer of the person's hukou region (or a system administrator) decides on the proof."""
    person = membership.person
    hukou_code = person.hukou_region_id or person.birth_region_code
    allowed = user_has_role(user=actor, role=Role.SYSTEM_ADMIN) or any(
        region.contains(hukou_code) for region in user_region_scopes(user=actor)
    )
    if not allowed:
        raise PermissionDenied("只有户籍所在地的审核员可以核验重点群体身份")
    if membership.status != KeyGroupMembership.Status.PENDING:
        raise DomainError("already_decided", "该申报已核验，不能重复操作")
    if not approve and not note.strip():
        raise DomainError("reason_required", "不通过时请填写原因，告诉申报人需要补充什么材料", field="note")
    with transaction.atomic():
        membership.status = KeyGroupMembership.Status.VERIFIED if approve else KeyGroupMembership.Status.REJECTED
        membership.verified_by = actor
        membership.verified_at = clock.now()
        membership.review_note = note.strip()
        membership.save(update_fields=["status", "verified_by", "verified_at", "review_note"])
        audit_record(actor=actor, action="key_group.verify", target=membership,
                     summary={"status": membership.status, "note": membership.review_note},
                     region_code=hukou_code)
    return membership


def person_reveal_id_number(*, person: Person, actor: User, reason: str = "") -> str:
    """The full ID number, for roles that need it; every reveal is written to the audit trail."""
    if not can_reveal_id_number(user=actor, person=person):
        raise PermissionDenied("您无权查看完整身份证号")
    with transaction.atomic():
        audit_record(actor=actor, action="person.id_number.reveal", target=person,
                     summary={"reason": reason[:200], "id_number": mask_id_number(person.id_number)},
                     region_code=person.birth_region_code)
    return person.id_number
