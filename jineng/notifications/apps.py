from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jineng.notifications"
    verbose_name = "站内通知"
