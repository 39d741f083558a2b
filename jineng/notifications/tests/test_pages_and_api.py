"""The notification page, the API, and the header badge (context processor + partial)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from jineng.notifications import services
from jineng.notifications.context_processors import notifications as badge_context
from jineng.notifications.models import Notification

pytestmark = pytest.mark.django_db


def send(user, title, link="/questions/7/"):
    return services.notification_send(recipient=user, kind="question_threads.answered", title=title,
                                      body="授课老师：先接接地端。", link=link)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    return client


def csrf(client) -> dict:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def test_the_page_lists_unread_first_and_highlighted(client, learner, other_learner):
    read = send(learner, "早先的回复")
    services.notification_mark_read(notification=read, actor=learner)
    send(learner, "新的回复")
    send(other_learner, "别人的通知")
    client.force_login(learner)
    response = client.get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "共 2 条， 1 条未读" in text(response)
    assert html.index("新的回复") < html.index("早先的回复")
    assert html.count('class="notification unread"') == 1
    assert "别人的通知" not in html
    assert "早先的回复" not in text(client.get("/notifications/", {"unread": "1"}))


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, learner, other_learner):
    note = send(learner, "新的回复", link="/questions/7/#reply-3")
    client.force_login(other_learner)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    client.force_login(learner)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/questions/7/#reply-3")
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get(f"/notifications/{note.pk}/open/").status_code == 405


def test_mark_one_and_mark_all_from_the_page(client, learner):
    first = send(learner, "第一条")
    send(learner, "第二条")
    client.force_login(learner)
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"
    response = client.post("/notifications/read-all/", follow=True)
    assert "已将 1 条通知标为已读" in text(response)
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_api_lists_reads_and_needs_the_csrf_token(learner, other_learner):
    mine = send(learner, "新的回复")
    other = send(other_learner, "别人的通知")
    client = signed_in(learner)
    body = client.get("/api/notifications/").json()
    assert (body["unread"], body["total"], [n["title"] for n in body["items"]]) == (1, 1, ["新的回复"])
    assert client.get("/api/notifications/unread-count").json() == {"unread": 1}
    assert client.post(f"/api/notifications/{mine.pk}/read").status_code == 403  # no CSRF token
    assert client.post(f"/api/notifications/{other.pk}/read", headers=csrf(client)).status_code == 404
    response = client.post(f"/api/notifications/{mine.pk}/read", headers=csrf(client))
    assert (response.status_code, response.json()["is_read"]) == (200, True)
    send(learner, "又一条")
    assert client.post("/api/notifications/read-all", headers=csrf(client)).json() == {"marked": 1, "unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_the_header_badge_shows_the_unread_count(learner):
    request = RequestFactory().get("/")
    request.user = learner
    assert render_to_string("notifications/_header_badge.html", badge_context(request)).strip() == (
        '<a class="notify-link" id="notify-badge" href="/notifications/" aria-label="站内通知">通知</a>')
    for n in range(3):
        send(learner, f"第 {n} 条")
    html = render_to_string("notifications/_header_badge.html", badge_context(request))
    assert 'aria-label="站内通知，3 条未读"' in html
    assert '<span class="badge badge-rejected notify-count">3</span>' in html


def test_the_badge_says_99_plus_and_nothing_for_visitors(learner):
    from jineng.common import clock

    Notification.objects.bulk_create([Notification(recipient=learner, kind="general", title=f"{n}",
                                                   created_at=clock.now()) for n in range(120)])
    request = RequestFactory().get("/")
    request.user = learner
    assert ">99+</span>" in render_to_string("notifications/_header_badge.html", badge_context(request))
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert render_to_string("notifications/_header_badge.html", badge_context(request)).strip() == ""
