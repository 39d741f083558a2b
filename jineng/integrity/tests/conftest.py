"""The integrity tests reuse the exam fixtures: a published course, its bank and exams, learners."""

from jineng.exams.tests.conftest import (  # noqa: F401
    bank,
    course,
    employer,
    enrol,
    final_exam,
    frozen_clock,
    learner,
    make_learner,
    operator,
    provider,
    safety,
    welding,
    whole_bank_exam,
)
