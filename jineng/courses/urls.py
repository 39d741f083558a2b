from django.urls import path

from jineng.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:course_id>/", views.course_detail, name="detail"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.course_create, name="create"),
    path("manage/occupations/new/", views.occupation_create, name="occupation_create"),
    path("manage/<int:course_id>/", views.course_edit, name="edit"),
    path("manage/<int:course_id>/settings/", views.course_update, name="update"),
    path("manage/<int:course_id>/publish/", views.course_publish, name="publish"),
    path("manage/<int:course_id>/withdraw/", views.course_withdraw, name="withdraw"),
    path("manage/modules/<int:module_id>/move/", views.module_move, name="module_move"),
    path("manage/modules/<int:module_id>/remove/", views.module_remove, name="module_remove"),
    path("manage/modules/<int:module_id>/lessons/new/<str:kind>/", views.lesson_add, name="lesson_add"),
    path("manage/lessons/<int:lesson_id>/", views.lesson_preview, name="lesson_preview"),
    path("manage/lessons/<int:lesson_id>/remove/", views.lesson_remove, name="lesson_remove"),
    path("lessons/<int:lesson_id>/video", views.video, name="video"),
    path("images/<int:image_id>/", views.image, name="image"),
    path("scorm/<int:package_id>/content/<path:path>", views.scorm_content, name="scorm_content"),
]
