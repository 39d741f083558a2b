"""The demo questions and notifications load through the services, and loading again adds nothing."""

from __future__ import annotations

import pytest

from jineng.learning import services as learning_services
from jineng.learning.tests import factories
from jineng.notifications import demo as notifications_demo
from jineng.notifications.models import Notification
from jineng.question_threads import demo
from jineng.question_threads.models import QuestionThread

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(course, teacher, learner, classmate):
    third = factories.make_learner(name="张丽")
    learning_services.enrolment_create(course=course, actor=third)
    learners = [learner, classmate, third]
    threads = demo.load_demo(course=course, teacher=teacher, learners=learners)
    assert [(t.title, t.status, t.reply_count) for t in QuestionThread.objects.order_by("pk")] == [
        ("焊条使用前为什么一定要烘干？", "resolved", 1), ("焊接面罩的滤光片号怎么选？", "answered", 3),
        ("在容器里面焊接，外面要几个人监护？", "open", 0)]
    assert notifications_demo.load_demo(users=learners) == 3
    assert demo.load_demo(course=course, teacher=teacher, learners=learners) == threads
    assert notifications_demo.load_demo(users=learners) == 0
    assert QuestionThread.objects.count() == 3
    assert Notification.objects.filter(kind="question_threads.answered").count() == 3
    assert Notification.objects.filter(kind="question_threads.follow_up", recipient=teacher).count() == 1
    assert Notification.objects.filter(kind="general").count() == 3
