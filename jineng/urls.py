from django.contrib import admin
from django.urls import include, path

from jineng.api import api
from jineng.policy import views as policy_views

admin.site.site_header = "技能 jineng 系统管理"
admin.site.site_title = "技能 jineng"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("policy/calculator/", policy_views.calculator, name="policy_calculator"),
    path("platforms/", include("jineng.platforms.urls")),
    path("courses/", include("jineng.courses.urls")),
    path("learn/", include("jineng.learning.urls")),
    path("exams/", include("jineng.exams.urls")),
    path("integrity/", include("jineng.integrity.urls")),
    path("notifications/", include("jineng.notifications.urls")),
    path("questions/", include("jineng.question_threads.urls")),
    path("certificates/", include("jineng.certificates.urls")),
    path("projects/", include("jineng.projects.urls")),
    path("practicals/", include("jineng.practicals.urls")),
    path("documents/", include("jineng.documents.urls")),
    path("claims/", include("jineng.claims.urls")),
    path("calendar/", include("jineng.regions.urls")),
    path("", include("jineng.web.urls")),
]
