"""The officer's queue: ordered by due date, overdue requests flagged with the working days
over, and the others with the working days left — on the Chinese working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.platforms import selectors, services
from jineng.platforms.tests.conftest import shanghai

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_submitted(submitted, make_request, other_admin, other_enterprise, platform, frozen_clock):
    frozen_clock(shanghai(2020, 5, 6, 11, 0))
    later = make_request(admin=other_admin, organization=other_enterprise, platform=platform)
    later = services.evaluation_submit(evaluation=later, actor=other_admin)
    assert (submitted.due_date, later.due_date) == (dt.date(2020, 5, 7), dt.date(2020, 5, 9))
    return submitted, later


def queue_view(user) -> list[tuple[str, str, bool, str]]:
    return [(row.evaluation.organization.name, row.deadline.due_date.isoformat(), row.overdue, row.deadline.label)
            for row in selectors.evaluation_queue(user=user)]


@pytest.mark.parametrize("moment, expected", [
    (shanghai(2020, 5, 6, 15, 0), [
        ("韶关市浈江区丹霞精密制造有限公司", "2020-05-07", False, "剩余 1 个工作日"),
        ("韶关市武江区顺达物流股份有限公司", "2020-05-09", False, "剩余 3 个工作日")]),
    (shanghai(2020, 5, 7, 9, 0), [
        ("韶关市浈江区丹霞精密制造有限公司", "2020-05-07", False, "今天到期"),
        ("韶关市武江区顺达物流股份有限公司", "2020-05-09", False, "剩余 2 个工作日")]),
    (shanghai(2020, 5, 8, 9, 0), [
        ("韶关市浈江区丹霞精密制造有限公司", "2020-05-07", True, "已超期 1 个工作日"),
        ("韶关市武江区顺达物流股份有限公司", "2020-05-09", False, "剩余 1 个工作日")]),
    (shanghai(2020, 5, 10, 9, 0), [  # a Sunday: the Saturday before was an adjusted working day
        ("韶关市浈江区丹霞精密制造有限公司", "2020-05-07", True, "已超期 2 个工作日"),
        ("韶关市武江区顺达物流股份有限公司", "2020-05-09", True, "已超过评估期限")]),
], ids=["two-days-before", "due-today", "one-over", "weekend-after"])
def test_the_queue_is_ordered_by_deadline_and_flags_overdue_requests(two_submitted, officer, frozen_clock, moment,
                                                                     expected):
    frozen_clock(moment)
    assert queue_view(officer) == expected


def test_the_queue_holds_only_submitted_requests_of_the_officer_region(two_submitted, officer, pzh_officer,
                                                                       training_admin, province_officer):
    first, _later = two_submitted
    services.evaluation_approve(evaluation=first, actor=officer)
    assert [row.evaluation.organization.name for row in selectors.evaluation_queue(user=officer)] == [
        "韶关市武江区顺达物流股份有限公司"]
    assert len(selectors.evaluation_queue(user=province_officer)) == 1
    assert selectors.evaluation_queue(user=pzh_officer) == []
    assert selectors.evaluation_queue(user=training_admin) == []


def test_the_queue_costs_a_fixed_number_of_queries(two_submitted, officer, django_assert_max_num_queries,
                                                   frozen_clock):
    frozen_clock(shanghai(2020, 5, 8, 9, 0))
    officer = type(officer).objects.get(pk=officer.pk)  # no cached roles
    with django_assert_max_num_queries(4):
        rows = selectors.evaluation_queue(user=officer)
        [row.evaluation.platform.name + row.evaluation.organization.name + row.evaluation.centre.name for row in rows]


def test_deadline_labels_without_a_calendar_year(submitted):
    # a due date in a year nobody has entered: the date shows, the count does not
    submitted.due_date = dt.date(2099, 1, 5)
    deadline = selectors.evaluation_deadline(submitted, on=dt.date(2099, 1, 2))
    assert (deadline.overdue, deadline.working_days_left, deadline.label) == (False, None, "")
