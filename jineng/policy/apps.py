from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "jineng.policy"
    verbose_name = "补贴政策"
