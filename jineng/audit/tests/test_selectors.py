from __future__ import annotations

from typing import Any

import pytest

from jineng.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry, compute_hash
from jineng.audit.selectors import (
    audit_entries_for_target,
    audit_entries_visible_to,
    audit_head,
    audit_verify,
    parse_head,
)
from jineng.audit.tests.helpers import tamper, tamper_summary
from jineng.common.errors import DomainError
from jineng.identity.models import Role


def make_chain(record: Any, n: int) -> list[AuditEntry]:
    return [record("thing.touch", target_type="test.thing", target_id=str(i), summary={"i": i}) for i in range(1, n + 1)]


# ------------------------------------------------------------------------------------------
# Verification
# ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_log_verifies() -> None:
    result = audit_verify()
    assert (result.ok, result.entries_checked, result.head, result.first_broken_seq) == (
        True, 0, f"0:{GENESIS_HASH}", None,
    )
    assert audit_head() == f"0:{GENESIS_HASH}"


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 2, 3, 7, 5000])
def test_the_chain_verifies_in_any_batch_size(record: Any, batch_size: int) -> None:
    entries = make_chain(record, 7)
    result = audit_verify(batch_size=batch_size)
    assert (result.ok, result.entries_checked, result.head_seq, result.head_hash) == (True, 7, 7, entries[-1].hash)
    assert audit_head() == f"7:{entries[-1].hash}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch_size", [2, 5000])
def test_a_summary_changed_behind_our_back_is_named(record: Any, batch_size: int) -> None:
    make_chain(record, 5)
    tamper_summary(3, {"i": 300})
    result = audit_verify(batch_size=batch_size)
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 3, "hash_mismatch")
    assert result.problem == "第 3 条的内容与其哈希不符：该条目被篡改"
    assert (result.entries_checked, result.head_seq) == (3, 2)


@pytest.mark.django_db(transaction=True)
def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(record: Any) -> None:
    entries = make_chain(record, 5)
    forged = AuditEntry.objects.get(seq=3)
    forged.summary = {"i": 300}
    tamper("UPDATE audit_auditentry SET summary = %s, hash = %s WHERE seq = 3",
           ['{"i": 300}', compute_hash(forged.hashed_fields())])
    result = audit_verify()
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 4, "prev_hash_mismatch")
    assert "第 3 条可能被改写" in result.problem
    assert result.head_hash != entries[2].hash  # the forged third entry verified on its own


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("deleted, batch_size", [(1, 5000), (3, 5000), (3, 2), (4, 3)])
def test_a_deleted_entry_is_found_as_a_gap(record: Any, deleted: int, batch_size: int) -> None:
    make_chain(record, 5)
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [deleted])
    result = audit_verify(batch_size=batch_size)
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, deleted, "gap")
    assert result.problem.startswith(f"第 {deleted} 条缺失")


@pytest.mark.django_db(transaction=True)
def test_entries_cut_from_the_tail_are_found_through_the_head_row(record: Any) -> None:
    entries = make_chain(record, 5)
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    result = audit_verify()
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 4, "tail_missing")
    assert result.head == f"3:{entries[2].hash}"


@pytest.mark.django_db(transaction=True)
def test_expected_head_catches_a_tail_cut_together_with_its_head_row(record: Any) -> None:
    entries = make_chain(record, 5)
    exported = audit_head()
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    AuditChainHead.objects.update(seq=3, hash=entries[2].hash)
    assert audit_verify().ok
    result = audit_verify(expected_head=exported)
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 4, "expected_head_missing")


@pytest.mark.django_db(transaction=True)
def test_expected_head_catches_a_consistently_rewritten_tail(record: Any) -> None:
    make_chain(record, 4)
    exported = audit_head()
    # Rewrite entry 4 and re-hash it, and move the head row along: internally consistent.
    forged = AuditEntry.objects.get(seq=4)
    forged.summary = {"i": 400}
    forged_hash = compute_hash(forged.hashed_fields())
    tamper("UPDATE audit_auditentry SET summary = %s, hash = %s WHERE seq = 4", ['{"i": 400}', forged_hash])
    AuditChainHead.objects.update(hash=forged_hash)
    assert audit_verify().ok
    result = audit_verify(expected_head=exported)
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 4, "expected_head_mismatch")
    assert result.problem.startswith("第 4 条的哈希与导出的链头不符")


@pytest.mark.django_db
def test_expected_head_of_an_older_entry_still_matches_after_appends(record: Any) -> None:
    make_chain(record, 3)
    exported = audit_head()
    make_chain(record, 2)
    result = audit_verify(expected_head=exported)
    assert (result.ok, result.entries_checked) == (True, 5)


@pytest.mark.django_db
def test_a_head_row_that_disagrees_with_its_entry_is_reported(record: Any) -> None:
    make_chain(record, 3)
    AuditChainHead.objects.update(hash="f" * 64)
    result = audit_verify()
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 3, "head_row_mismatch")


@pytest.mark.parametrize("text", ["", "12", "x:" + "a" * 64, "3:" + "a" * 63, "3:" + "A" * 64, "-1:" + "a" * 64])
def test_a_malformed_expected_head_is_a_domain_error(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_head(text)
    assert (caught.value.code, caught.value.field) == ("audit_head_malformed", "expected_head")


# ------------------------------------------------------------------------------------------
# Who sees what
# ------------------------------------------------------------------------------------------


@pytest.fixture
def scoped_entries(record: Any, audit_regions: dict[str, Any], make_organization: Any, make_user: Any) -> dict[str, Any]:
    school = make_organization(audit_regions["zhenjiang"])
    other_school = make_organization(audit_regions["dongqu"])
    learner = make_user("learner", Role.LEARNER)
    record("e.zhenjiang", region_code="440204", organization_id=school.pk)
    record("e.wujiang", region_code="440203")
    record("e.shaoguan", region_code="440200")
    record("e.dongqu", region_code="510402", organization_id=other_school.pk)
    record("e.learner", actor=learner)
    record("e.system")
    return {"school": school, "learner": learner}


def visible_actions(user: Any) -> list[str]:
    return list(audit_entries_visible_to(user=user).values_list("action", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, scope, expected",
    [
        pytest.param(Role.SYSTEM_ADMIN, None,
                     ["e.system", "e.learner", "e.dongqu", "e.shaoguan", "e.wujiang", "e.zhenjiang"], id="system-admin"),
        pytest.param(Role.COUNTY_REVIEWER, "zhenjiang", ["e.zhenjiang"], id="county-reviewer-own-county"),
        pytest.param(Role.CITY_OFFICER, "shaoguan", ["e.shaoguan", "e.wujiang", "e.zhenjiang"], id="city-officer-city"),
        pytest.param(Role.CITY_OFFICER, "guangdong", ["e.shaoguan", "e.wujiang", "e.zhenjiang"], id="province-officer"),
        pytest.param(Role.CITY_OFFICER, "panzhihua", ["e.dongqu"], id="other-city"),
        pytest.param(Role.TRAINING_ADMIN, "school", ["e.zhenjiang"], id="training-admin-own-organisation"),
        pytest.param(Role.PLATFORM_OPERATOR, "school", [], id="platform-operator-own-actions-only"),
        pytest.param(None, None, [], id="no-role"),
    ],
)
def test_entries_visible_to(
    scoped_entries: dict[str, Any], audit_regions: dict[str, Any], make_user: Any,
    role: str | None, scope: str | None, expected: list[str],
) -> None:
    organization = scoped_entries["school"] if role in {Role.TRAINING_ADMIN, Role.PLATFORM_OPERATOR} else None
    region = audit_regions[scope] if scope and organization is None else None
    user = make_user("viewer", role, organization=organization, region=region)
    assert visible_actions(user) == expected


@pytest.mark.django_db
def test_everyone_sees_what_they_did_and_superusers_see_all(scoped_entries: dict[str, Any], make_user: Any) -> None:
    assert visible_actions(scoped_entries["learner"]) == ["e.learner"]
    assert len(visible_actions(make_user("root", superuser=True))) == 6


@pytest.mark.django_db
def test_anonymous_and_inactive_users_see_nothing(scoped_entries: dict[str, Any], make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    admin = make_user("dormant", Role.SYSTEM_ADMIN)
    admin.is_active = False
    admin.save()
    assert visible_actions(AnonymousUser()) == []
    assert visible_actions(admin) == []


@pytest.mark.django_db
def test_region_scope_agrees_with_region_contains(scoped_entries: dict[str, Any], audit_regions: dict[str, Any],
                                                  make_user: Any) -> None:
    codes = [code for code in AuditEntry.objects.values_list("region_code", flat=True) if code]
    for name, region in audit_regions.items():
        user = make_user(f"officer-{name}", Role.CITY_OFFICER, region=region)
        seen = set(audit_entries_visible_to(user=user).exclude(region_code="").values_list("region_code", flat=True))
        assert seen == {code for code in codes if region.contains(code)}, name


@pytest.mark.django_db
def test_entries_for_target_oldest_first(record: Any, make_user: Any) -> None:
    dave = make_user("dave")
    record("user.create", target=dave)
    record("thing.touch", target_type="identity.user", target_id=str(dave.pk + 1))
    record("user.update", target=dave)
    history = audit_entries_for_target(target_type="identity.user", target_id=str(dave.pk))
    assert list(history.values_list("action", flat=True)) == ["user.create", "user.update"]


@pytest.mark.django_db
def test_the_empty_log_head_is_a_valid_expectation_for_any_later_chain(record: Any) -> None:
    make_chain(record, 2)
    assert audit_verify(expected_head=f"0:{GENESIS_HASH}").ok
    result = audit_verify(expected_head="0:" + "a" * 64)
    assert (result.ok, result.first_broken_seq, result.problem_code) == (False, 0, "expected_head_mismatch")
