from django.apps import AppConfig


class PracticalsConfig(AppConfig):
    name = "jineng.practicals"
    verbose_name = "线下实操课"
