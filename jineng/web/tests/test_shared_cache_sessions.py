"""With REDIS_URL set (the PostgreSQL run of scripts/test.sh, and production), sessions are read
from Redis and stay durable in the database; signing out removes them from both."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from jineng.identity.services import learner_register

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a shared Redis cache)")]


def test_a_signed_in_session_lives_in_redis_and_dies_there_on_sign_out(regions, id_number_factory):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session

    user = learner_register(name="缓存测试", id_number=id_number_factory(), phone="13900001111", password="Xuexi@2026!")
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": "Xuexi@2026!"})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert cache.get(KEY_PREFIX + key) is not None  # the fast copy
    assert Session.objects.filter(session_key=key).exists()  # the durable copy
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert cache.get(KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert Client(HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={key}").get("/learn/").status_code == 302
