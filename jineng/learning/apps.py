from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "jineng.learning"
    verbose_name = "学习记录"
