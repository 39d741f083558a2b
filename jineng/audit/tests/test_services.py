from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from stdnum.cn import ric

from jineng.audit.models import CHAIN_HEAD_ID, GENESIS_HASH, AuditChainHead, AuditEntry, compute_hash
from jineng.audit.selectors import audit_verify
from jineng.audit.services import AuditNotInTransaction, audit_record
from jineng.common.masking import mask_id_number


@pytest.mark.django_db
def test_entries_form_a_chain_that_verifies(record: Any, make_user: Any) -> None:
    alice = make_user("alice")
    first = record("person.register", actor=alice, target_type="identity.person", target_id="1",
                   summary={"name": "李小红"}, region_code="440204")
    second = record("person.id_number.reveal", actor=alice, target_type="identity.person", target_id="1")
    third = record("contract.import", summary={"imported": 12})

    assert [(e.seq, e.prev_hash) for e in (first, second, third)] == [
        (1, GENESIS_HASH), (2, first.hash), (3, second.hash),
    ]
    stored = AuditEntry.objects.get(seq=1)
    assert (stored.actor_id, stored.actor_label, stored.summary, stored.region_code) == (
        alice.pk, "alice", {"name": "李小红"}, "440204",
    )
    assert stored.hash == compute_hash(stored.hashed_fields())
    assert stored.created_at.tzinfo is not None
    head = AuditChainHead.objects.get(pk=CHAIN_HEAD_ID)
    assert (head.seq, head.hash) == (3, third.hash)
    result = audit_verify()
    assert (result.ok, result.entries_checked, result.head_seq, result.head_hash) == (True, 3, 3, third.hash)


@pytest.mark.django_db
def test_target_instance_gives_app_label_model_name_and_pk(record: Any, make_user: Any) -> None:
    bob = make_user("bob")
    entry = record("user.create", target=bob)
    assert (entry.target_type, entry.target_id) == ("identity.user", str(bob.pk))


@pytest.mark.django_db
def test_the_label_survives_a_rename(record: Any, make_user: Any) -> None:
    carol = make_user("carol")
    record(actor=carol)
    carol.username = "carol.new"
    carol.save()
    assert AuditEntry.objects.get().actor_label == "carol"
    assert audit_verify().ok


@pytest.mark.django_db
def test_summary_is_stored_as_hashed(record: Any) -> None:
    record(summary={"amount": Decimal("600.00"), "day": dt.date(2026, 3, 1)})
    assert AuditEntry.objects.get().summary == {"amount": "600.00", "day": "2026-03-01"}
    assert audit_verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        pytest.param({"action": "Person Register"}, ValueError, "操作名称", id="action-not-dotted-lowercase"),
        pytest.param({"action": "person"}, ValueError, "操作名称", id="action-without-verb"),
        pytest.param({"target_id": "5"}, ValueError, "target_type", id="id-without-type"),
        pytest.param({"region_code": "4402"}, ValueError, "区划代码", id="short-region-code"),
        pytest.param({"organization_id": "7"}, TypeError, "organization_id", id="organization-id-not-int"),
        pytest.param({"summary": {"x": 0.5}}, TypeError, "浮点数", id="float-in-summary"),
        pytest.param({"summary": {"blob": "x" * 70_000}}, ValueError, "过大", id="summary-too-large"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {"actor": None, "action": "thing.touch", **kwargs}
    with pytest.raises(error, match=message):
        audit_record(**arguments)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_clear_id_number_in_the_summary_is_refused(record: Any) -> None:
    body = "44020419900307123"
    number = body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit
    assert ric.is_valid(number)
    with pytest.raises(ValueError, match="身份证号"):
        record("person.register", summary={"person": {"id_number": number}})
    entry = record("person.register", summary={"person": {"id_number": mask_id_number(number)}})
    assert entry.summary == {"person": {"id_number": "4402**********" + number[-4:]}}


@pytest.mark.django_db
def test_an_unsaved_target_or_anonymous_actor_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    from jineng.identity.models import User

    with pytest.raises(ValueError, match="尚未保存"):
        audit_record(actor=None, action="user.create", target=User(username="ghost"))
    with pytest.raises(ValueError, match="actor=None"):
        audit_record(actor=AnonymousUser(), action="thing.touch")


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses() -> None:
    with pytest.raises(AuditNotInTransaction, match="transaction.atomic"):
        audit_record(actor=None, action="thing.touch")
    assert not AuditEntry.objects.exists()


class WriteFailed(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_the_entry_rolls_back_with_the_write_it_describes(record: Any) -> None:
    kept = record("thing.keep")
    with pytest.raises(WriteFailed), transaction.atomic():
        audit_record(actor=None, action="thing.touch")
        raise WriteFailed
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == [1]
    assert AuditChainHead.objects.values_list("seq", "hash").get() == (1, kept.hash)
    following = record("thing.next")
    assert (following.seq, following.prev_hash) == (2, kept.hash)
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_takes_its_entry_with_it(record: Any) -> None:
    with transaction.atomic():
        audit_record(actor=None, action="thing.outer")
        with pytest.raises(WriteFailed), transaction.atomic():
            audit_record(actor=None, action="thing.inner")
            raise WriteFailed
        audit_record(actor=None, action="thing.after")
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "thing.outer"), (2, "thing.after"),
    ]
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_lost_head_row_is_rebuilt_from_the_newest_entry(record: Any) -> None:
    record()
    second = record()
    AuditChainHead.objects.all().delete()
    third = record()
    assert (third.seq, third.prev_hash) == (3, second.hash)
    assert audit_verify().ok
