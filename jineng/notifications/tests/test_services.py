"""Sending, reading and listing notifications: only ever one's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, NotFound
from jineng.notifications import selectors, services
from jineng.notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    clock.travel_to(T0)
    yield
    clock.reset()


def send(user, title="您的提问有了新回复", **kwargs):
    return services.notification_send(recipient=user, kind=kwargs.pop("kind", "question_threads.answered"),
                                      title=title, body=kwargs.pop("body", "授课老师：先接接地端。"),
                                      link=kwargs.pop("link", "/questions/1/"), **kwargs)


def test_send_stores_the_notification_and_audits_it(learner):
    note = send(learner)
    assert (note.recipient, note.kind, note.kind_label, note.title, note.link, note.created_at, note.read_at) == (
        learner, "question_threads.answered", "答疑回复", "您的提问有了新回复", "/questions/1/", T0, None)
    entry = AuditEntry.objects.get(action="notifications.notification.send")
    assert (entry.actor_id, entry.target_id, entry.summary) == (
        None, str(note.pk), {"recipient": learner.pk, "kind": "question_threads.answered"})


def test_send_joins_the_callers_transaction(learner):
    with pytest.raises(RuntimeError), transaction.atomic():
        send(learner)
        raise RuntimeError("the caller's write failed")
    assert not Notification.objects.exists()


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "questions/1/",
                                  "/a b", "/\\evil.example"],
                         ids=["absolute", "scheme-relative", "javascript", "relative-path", "space", "backslash"])
def test_links_stay_on_this_site(learner, link):
    with pytest.raises(DomainError) as caught:
        send(learner, link=link)
    assert (caught.value.code, caught.value.field) == ("notification_link_invalid", "link")
    assert not Notification.objects.exists()


def test_long_titles_and_bodies_are_shortened_not_refused(learner):
    note = send(learner, title="标" * 130, body="内容\x00" * 1500)
    assert (len(note.title), note.title[-1], len(note.body), note.body[-1]) == (120, "…", 2000, "…")
    assert "\x00" not in note.body


@pytest.mark.parametrize(("kwargs", "code"), [({"title": " "}, "notification_title_required"),
                                              ({"kind": "Bad Kind"}, "notification_kind_invalid")])
def test_a_notification_needs_a_title_and_a_kind(learner, kwargs, code):
    with pytest.raises(DomainError) as caught:
        send(learner, **kwargs)
    assert caught.value.code == code


def test_unread_first_then_newest(learner, other_learner):
    old = send(learner, title="旧的")
    clock.advance(seconds=60)
    read = send(learner, title="已读的")
    services.notification_mark_read(notification=read, actor=learner)
    clock.advance(seconds=60)
    new = send(learner, title="新的")
    send(other_learner, title="别人的")
    assert [n.title for n in selectors.notifications_for(user=learner)] == ["新的", "旧的", "已读的"]
    assert [n.title for n in selectors.notifications_for(user=learner, unread_only=True)] == ["新的", "旧的"]
    assert (selectors.unread_count(user=learner), selectors.unread_count(user=other_learner)) == (2, 1)
    assert {old.pk, new.pk} == {n.pk for n in selectors.notifications_for(user=learner, unread_only=True)}


def test_marking_read_is_the_recipients_alone_and_happens_once(learner, other_learner):
    note = send(learner)
    with pytest.raises(NotFound):
        services.notification_mark_read(notification=note, actor=other_learner)
    with pytest.raises(NotFound):
        selectors.notification_get_own(user=other_learner, notification_id=note.pk)
    clock.advance(seconds=30)
    services.notification_mark_read(notification=note, actor=learner)
    clock.advance(seconds=30)
    again = services.notification_mark_read(notification=Notification.objects.get(pk=note.pk), actor=learner)
    assert again.read_at == T0 + dt.timedelta(seconds=30)
    assert AuditEntry.objects.filter(action="notifications.notification.read").count() == 1


def test_mark_all_read(learner, other_learner):
    send(learner)
    send(learner)
    send(other_learner)
    assert services.notifications_mark_all_read(actor=learner) == 2
    assert services.notifications_mark_all_read(actor=learner) == 0
    assert (selectors.unread_count(user=learner), selectors.unread_count(user=other_learner)) == (0, 1)
    assert AuditEntry.objects.get(action="notifications.notification.read_all").summary == {"count": 2}
