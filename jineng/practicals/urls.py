from django.urls import path

from jineng.practicals import views

app_name = "practicals"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("projects/<int:project_id>/", views.project_sessions, name="project"),
    path("projects/<int:project_id>/attendance/", views.attendance, name="attendance"),
    path("projects/<int:project_id>/attendance.xlsx", views.attendance_xlsx, name="attendance_xlsx"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/hold/", views.session_hold, name="session_hold"),
    path("sessions/<int:session_id>/display/", views.session_display, name="display"),
    path("s/<int:session_id>/<str:code>/", views.sign_in, name="sign_in"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("suspensions/<int:suspension_id>/lift/", views.suspension_lift, name="suspension_lift"),
]
