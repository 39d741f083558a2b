from django.urls import path

from jineng.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("courses/<int:course_id>/", views.course_page, name="course"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/sign-in/", views.daily_sign_in, name="sign_in"),
    path("lessons/<int:lesson_id>/", views.player, name="player"),
    path("lessons/<int:lesson_id>/sign-in/", views.live_sign_in, name="live_sign_in"),
    path("records/", views.my_records, name="my_records"),
    path("records/<int:enrolment_id>/", views.record, name="record"),
    path("records/<int:enrolment_id>/learning-record.pdf", views.record_pdf, name="record_pdf"),
    path("manage/progress/", views.manage_progress, name="manage_progress"),
    path("manage/progress.xlsx", views.manage_progress_xlsx, name="manage_progress_xlsx"),
    path("manage/enrol/", views.manage_enrol, name="manage_enrol"),
]
