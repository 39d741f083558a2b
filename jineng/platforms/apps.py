from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "jineng.platforms"
    verbose_name = "线上培训平台"
