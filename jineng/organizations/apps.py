from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "jineng.organizations"
    verbose_name = "企业与培训机构"
