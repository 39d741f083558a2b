from django.contrib import admin
from django.urls import include, path

from jineng.api import api

admin.site.site_header = "技能 jineng 系统管理"
admin.site.site_title = "技能 jineng"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("jineng.web.urls")),
]
