"""Demo notification: each demo learner is told where 答疑 is. (Answers to the demo questions
arrive as notifications from ``jineng.question_threads.demo``.) Running it again adds nothing."""

from __future__ import annotations

from django.urls import reverse

from jineng.notifications.models import Notification
from jineng.notifications.services import notification_send

WELCOME_TITLE = "答疑功能已开通：学习中遇到问题可以向老师提问"
WELCOME_BODY = "在课程页点击“答疑”即可提问；老师回复后，您会在这里收到通知。"


def load_demo(*, users: list, stdout=None) -> int:
    """Send the welcome notification to each of ``users`` who has not had it; returns how many were sent."""
    say = stdout or (lambda _message: None)
    sent = 0
    for user in users:
        if Notification.objects.filter(recipient=user, kind="general", title=WELCOME_TITLE).exists():
            continue
        notification_send(recipient=user, kind="general", title=WELCOME_TITLE, body=WELCOME_BODY,
                          link=reverse("question_threads:index"))
        sent += 1
    say(f"站内通知：发送 {sent} 条演示通知")
    return sent
