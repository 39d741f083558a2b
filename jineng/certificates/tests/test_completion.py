"""The completion rules: required modules' credited minutes against their plan, and the final
assessment passed; what is missing, in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jineng.certificates.selectors import enrolment_completion
from jineng.certificates.tests.conftest import add_final, build_course, credit, sit_final
from jineng.exams.tests import helpers as exam_helpers

pytestmark = pytest.mark.django_db


def test_a_module_short_by_minutes_and_no_exam_yet(enrolment, learner, safety, welding, final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 8)

    c = enrolment_completion(enrolment=enrolment)

    assert c.complete is False
    assert [(m.title, m.category, m.planned_minutes, m.credited_minutes, m.met) for m in c.modules] == [
        ("安全生产", "public", 45, 45, True), ("焊接工艺", "professional", 45, 8, False)]
    assert c.missing == ["专业技能课《焊接工艺》还差 37 分钟", "结业考核尚未通过"]
    assert (c.assessment.exists, c.assessment.passed, c.assessment.best_score, c.assessment.attempts_used,
            c.assessment.attempts_allowed) == (True, False, None, 0, 2)
    assert (c.class_hours, c.planned_class_hours, c.countable_minutes) == (1, 2, 53)


def test_hours_met_but_the_final_assessment_failed(enrolment, learner, safety, welding, final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 45)
    sit_final(learner, final_exam, passing=False)

    c = enrolment_completion(enrolment=enrolment)

    assert c.complete is False
    assert c.hours_complete is True
    assert c.missing == ["结业考核尚未通过"]
    assert (c.assessment.passed, c.assessment.best_score, c.assessment.attempts_used, c.assessment.attempts_left) == (
        False, Decimal("0.00"), 1, 1)


def test_both_met_is_complete(complete_enrolment):
    c = enrolment_completion(enrolment=complete_enrolment)

    assert c.complete is True
    assert c.missing == []
    assert all(m.met for m in c.modules)
    assert (c.assessment.passed, c.assessment.best_score, c.assessment.attempts_used) == (True, Decimal("100.00"), 1)
    assert c.class_hours == 2


def test_both_modules_short_and_both_named(enrolment, learner, safety, final_exam):
    credit(learner, safety, 20)

    assert enrolment_completion(enrolment=enrolment).missing == [
        "公共必修课《安全生产》还差 25 分钟", "专业技能课《焊接工艺》还差 45 分钟", "结业考核尚未通过"]


def test_a_course_without_final_assessment_cannot_be_completed(enrolment, learner, safety, welding):
    credit(learner, safety, 45)
    credit(learner, welding, 45)

    c = enrolment_completion(enrolment=enrolment)

    assert c.complete is False
    assert c.assessment.exists is False
    assert c.missing == ["课程尚未设置结业考核，暂不能结业（请联系课程提供单位）"]


def test_a_module_not_marked_required_does_not_block_completion(regions, make_organization, make_staff, learner):
    provider = make_organization("440204", kind="institution", name="另一所技工学校")
    operator = make_staff("platform_operator", organization=provider, username="elective_operator")
    course = build_course(provider=provider, operator=operator, elective=True)
    exam = add_final(course=course, operator=operator)
    enrolment = exam_helpers.enrol(user=learner, course=course, by=operator)
    credit(learner, course.modules.get(title="安全生产"), 45)
    credit(learner, course.modules.get(title="焊接工艺"), 45)
    sit_final(learner, exam, passing=True)

    c = enrolment_completion(enrolment=enrolment)

    assert [m.title for m in c.modules] == ["安全生产", "焊接工艺"]  # the elective is not on the checklist
    assert c.complete is True
    assert (c.class_hours, c.planned_class_hours) == (2, 3)
