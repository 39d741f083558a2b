from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "jineng.regions"
    verbose_name = "行政区划与工作日"
