"""The rotating code: one per session and minute of the server clock; the current and the
previous minute are accepted, anything older is expired."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.practicals import codes, selectors, services
from jineng.practicals.models import PracticalSignIn
from jineng.practicals.tests import factories
from jineng.practicals.tests.conftest import SESSION_START


def test_a_code_is_ten_base32_characters_that_change_every_minute():
    first = codes.code_for(session_id=7, secret="s" * 64, minute=1000)
    assert len(first) == 10 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert codes.code_for(session_id=7, secret="s" * 64, minute=1000) == first
    assert codes.code_for(session_id=7, secret="s" * 64, minute=1001) != first
    assert codes.code_for(session_id=8, secret="s" * 64, minute=1000) != first
    assert codes.code_for(session_id=7, secret="t" * 64, minute=1000) != first


def test_code_age_counts_back_in_minutes_and_knows_no_foreign_code():
    at = dt.datetime(2026, 3, 10, 1, 0, 30, tzinfo=dt.UTC)
    minute = codes.minute_index(at)
    old = codes.code_for(session_id=1, secret="k" * 64, minute=minute - 3)
    assert codes.code_age_minutes(session_id=1, secret="k" * 64, code=old.lower(), at=at, lookback_minutes=10) == 3
    assert codes.code_age_minutes(session_id=1, secret="k" * 64, code=old, at=at, lookback_minutes=2) is None
    assert codes.code_age_minutes(session_id=1, secret="k" * 64, code="AAAAAAAAAA", at=at, lookback_minutes=10) is None
    assert codes.code_age_minutes(session_id=1, secret="k" * 64, code="not-a-code", at=at, lookback_minutes=10) is None
    assert codes.seconds_left_in_minute(at) == 30


@pytest.mark.parametrize(("later_seconds", "accepted"), [(0, True), (59, True), (60, True), (119, True),
                                                          (120, False), (600, False)],
                         ids=["same-second", "same-minute", "next-minute", "end-of-next-minute", "two-minutes",
                              "ten-minutes"])
def test_a_code_shown_at_the_start_of_a_minute_is_accepted_for_two_minutes(session, learner, later_seconds, accepted):
    shown_at = SESSION_START - dt.timedelta(minutes=10)
    clock.travel_to(shown_at)
    code = selectors.display_facts(session=session).code
    clock.travel_to(shown_at + dt.timedelta(seconds=later_seconds))
    if accepted:
        result = services.practical_sign_in(session=session, code=code, actor=learner, ip="10.0.0.8")
        assert result.created is True
    else:
        with pytest.raises(DomainError) as caught:
            services.practical_sign_in(session=session, code=code, actor=learner, ip="10.0.0.8")
        assert (caught.value.code, caught.value.message) == ("code_expired", "二维码已过期，请扫描现场大屏上的最新二维码")
        assert PracticalSignIn.objects.count() == 0


def test_rotation_with_travel_to_valid_now_valid_a_minute_later_refused_two_minutes_later(session, project, learner,
                                                                                           second_learner):
    third = factories.make_learner(name="孙实操")
    factories.add_to_roster(project, third)
    clock.travel_to(SESSION_START - dt.timedelta(minutes=5, seconds=-20))  # 08:55:20
    facts = selectors.display_facts(session=session)
    assert (facts.open, facts.seconds_left, facts.path) == (True, 40, f"/practicals/s/{session.pk}/{facts.code}/")
    services.practical_sign_in(session=session, code=facts.code, actor=learner, ip=None)
    clock.advance(seconds=60)  # 08:56:20: a new code shows, the old one still works
    assert selectors.display_facts(session=session).code != facts.code
    assert services.practical_sign_in(session=session, code=facts.code, actor=second_learner, ip=None).created
    clock.advance(seconds=60)  # 08:57:20
    with pytest.raises(DomainError) as caught:
        services.practical_sign_in(session=session, code=facts.code, actor=third, ip=None)
    assert caught.value.code == "code_expired"
    assert services.practical_sign_in(session=session, code=selectors.display_facts(session=session).code, actor=third,
                                      ip=None).created
    assert PracticalSignIn.objects.filter(session=session).count() == 3


def test_a_code_made_up_or_from_another_session_is_invalid(session, learner, project, training_admin):
    other = services.session_schedule(project=project, actor=training_admin, data=services.SessionData(
        title="另一场", location="二号车间", starts_at=session.starts_at, ends_at=session.ends_at, trainer_name="林师傅",
        capacity=10))
    clock.travel_to(SESSION_START)
    foreign = selectors.display_facts(session=other).code
    for code in (foreign, "ABCDEFGHIJ", "x"):
        with pytest.raises(DomainError) as caught:
            services.practical_sign_in(session=session, code=code, actor=learner, ip=None)
        assert (caught.value.code, caught.value.message) == ("code_invalid", "二维码无效，请扫描现场大屏上的最新二维码")
