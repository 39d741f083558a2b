from django.urls import path

from jineng.question_threads import views

app_name = "question_threads"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("course/<int:course_id>/", views.course_threads, name="course"),
    path("course/<int:course_id>/ask/", views.ask, name="ask"),
    path("<int:thread_id>/", views.thread_detail, name="thread"),
    path("<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("<int:thread_id>/resolve/", views.thread_resolve, name="resolve"),
    path("<int:thread_id>/close/", views.thread_close, name="close"),
]
