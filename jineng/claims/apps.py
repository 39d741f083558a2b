from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    verbose_name = "补贴申领"
