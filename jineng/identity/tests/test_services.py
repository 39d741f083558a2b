import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.identity import selectors, services
from jineng.identity.models import KeyGroupMembership, Person, Role

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.django_db
def test_registration_encrypts_the_id_number_and_phone_at_rest(regions, id_number_factory):
    number = id_number_factory()
    user = services.learner_register(name="李小红", id_number=number, phone="13800000001", password="Xuexi@2026!")
    person = user.person
    assert (person.birth_date, person.sex, person.hukou_region_id) == (dt.date(1990, 3, 7), "M", "440204")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM identity_person WHERE id = %s", [person.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert number not in stored_id and stored_id.startswith("v1.")
    assert "13800000001" not in stored_phone
    assert Person.objects.get(pk=person.pk).id_number == number
    assert user.roles.get().role == Role.LEARNER


@pytest.mark.django_db
def test_one_person_per_id_number(regions, id_number_factory):
    number = id_number_factory()
    services.person_register(name="李小红", id_number=number, actor=None)
    with pytest.raises(DomainError) as caught:
        services.person_register(name="李小红", id_number=number.lower(), actor=None)
    assert (caught.value.code, caught.value.field) == ("person_exists", "id_number")
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_check_digit_saves_nothing(regions):
    with pytest.raises(DomainError):
        services.learner_register(name="李小红", id_number="440204199003071235", phone="13800000001", password="Xuexi@2026!")
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="person.register").exists()


@pytest.mark.django_db
def test_registration_is_in_the_audit_trail_without_the_clear_number(regions, id_number_factory):
    number = id_number_factory()
    person = services.person_register(name="李小红", id_number=number, phone="13800000001", actor=None)
    entry = AuditEntry.objects.get(action="person.register", target_id=str(person.pk))
    assert number not in str(entry.summary)
    assert entry.summary["id_number"] == "4402**********" + number[-4:]


@pytest.mark.django_db
def test_reviewer_of_zhenjiang_cannot_see_wujiang_people(regions, make_staff, id_number_factory):
    zhenjiang_person = services.person_register(name="浈江人", id_number=id_number_factory("440204"), actor=None)
    wujiang_person = services.person_register(name="武江人", id_number=id_number_factory("440203"), actor=None)
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    officer = make_staff(Role.CITY_OFFICER, region=regions["shaoguan"])
    assert list(selectors.persons_visible_to(user=reviewer)) == [zhenjiang_person]
    assert set(selectors.persons_visible_to(user=officer)) == {zhenjiang_person, wujiang_person}
    with pytest.raises(PermissionDenied):
        services.person_reveal_id_number(person=wujiang_person, actor=reviewer)


@pytest.mark.django_db
def test_revealing_the_full_number_is_audited(regions, make_staff, id_number_factory):
    number = id_number_factory("440204")
    person = services.person_register(name="浈江人", id_number=number, actor=None)
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    assert services.person_reveal_id_number(person=person, actor=reviewer, reason="核对复印件") == number
    entry = AuditEntry.objects.get(action="person.id_number.reveal")
    assert (entry.actor_id, entry.target_id, entry.summary["reason"]) == (reviewer.pk, str(person.pk), "核对复印件")


@pytest.mark.django_db
def test_key_group_claim_and_verification_by_the_hukou_reviewer(regions, make_staff, id_number_factory):
    learner = services.learner_register(name="李小红", id_number=id_number_factory(), phone="13800000001",
                                        password="Xuexi@2026!")
    membership = services.key_group_claim(person=learner.person, group="migrant_worker", actor=learner,
                                          evidence=SimpleUploadedFile("证明.pdf", PDF))
    outsider = make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"])
    with pytest.raises(PermissionDenied):
        services.key_group_verify(membership=membership, actor=outsider, approve=True)
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    with pytest.raises(DomainError) as caught:
        services.key_group_verify(membership=membership, actor=reviewer, approve=False, note=" ")
    assert caught.value.field == "note"
    services.key_group_verify(membership=membership, actor=reviewer, approve=True)
    membership.refresh_from_db()
    assert (membership.status, membership.verified_by_id) == (KeyGroupMembership.Status.VERIFIED, reviewer.pk)


@pytest.mark.django_db
def test_evidence_must_be_a_pdf_or_an_image_whatever_its_name(regions, id_number_factory):
    learner = services.learner_register(name="李小红", id_number=id_number_factory(), phone="13800000001",
                                        password="Xuexi@2026!")
    with pytest.raises(DomainError) as caught:
        services.key_group_claim(person=learner.person, group="migrant_worker", actor=learner,
                                 evidence=SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf"))
    assert (caught.value.code, caught.value.field) == ("file_type_not_allowed", "evidence")
    assert not KeyGroupMembership.objects.exists()


@pytest.mark.django_db
def test_roles_must_carry_their_scope(regions, make_organization):
    user = services.staff_user_create(username="x", display_name="x", password="Passw0rd!x", actor=None)
    with pytest.raises(DomainError) as caught:
        services.role_grant(user=user, role=Role.COUNTY_REVIEWER, actor=None)
    assert caught.value.field == "region"
    with pytest.raises(DomainError):
        services.role_grant(user=user, role=Role.TRAINING_ADMIN, region=regions["zhenjiang"], actor=None)


@pytest.mark.django_db
def test_a_training_administrator_claims_key_groups_only_for_their_own_employees(regions, make_organization, make_staff,
                                                                                id_number_factory):
    import datetime as dt

    from jineng.organizations.services import contract_add

    own, other = make_organization(), make_organization()
    employee = services.person_register(name="本厂", id_number=id_number_factory(seq=1), actor=None)
    stranger = services.person_register(name="别厂", id_number=id_number_factory(seq=2), actor=None)
    contract_add(organization=own, person=employee, start=dt.date(2020, 1, 1), months=24, dispatched=False, actor=None)
    contract_add(organization=other, person=stranger, start=dt.date(2020, 1, 1), months=24, dispatched=False, actor=None)
    admin = make_staff(Role.TRAINING_ADMIN, organization=own)
    services.key_group_claim(person=employee, group="migrant_worker", actor=admin, evidence=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(PermissionDenied):
        services.key_group_claim(person=stranger, group="migrant_worker", actor=admin,
                                 evidence=SimpleUploadedFile("a.pdf", PDF))
