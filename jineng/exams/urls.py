from django.urls import path

from jineng.exams import views

app_name = "exams"

urlpatterns = [
    # learners
    path("courses/<int:course_id>/", views.course_exams, name="course_exams"),
    path("<int:exam_id>/", views.intro, name="intro"),
    path("<int:exam_id>/start/", views.start, name="start"),
    path("attempts/<int:attempt_id>/", views.paper, name="paper"),
    path("attempts/<int:attempt_id>/confirm/", views.confirm, name="confirm"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    path("lessons/<int:lesson_id>/exercise/", views.exercise, name="exercise"),
    # authors
    path("manage/courses/<int:course_id>/", views.manage_course, name="manage_course"),
    path("manage/courses/<int:course_id>/questions/", views.questions, name="questions"),
    path("manage/courses/<int:course_id>/questions/new/", views.question_create, name="question_create"),
    path("manage/courses/<int:course_id>/questions/import/", views.questions_import, name="questions_import"),
    path("manage/courses/<int:course_id>/questions/template.xlsx", views.questions_template,
         name="questions_template"),
    path("manage/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path("manage/questions/<int:question_id>/retire/", views.question_retire, name="question_retire"),
    path("manage/courses/<int:course_id>/exams/new/", views.exam_create, name="exam_create"),
    path("manage/exams/<int:exam_id>/", views.exam_edit, name="exam_edit"),
    path("manage/exams/<int:exam_id>/rules/", views.exam_rules, name="exam_rules"),
    path("manage/exams/<int:exam_id>/publish/", views.exam_publish, name="exam_publish"),
    path("manage/exams/<int:exam_id>/close/", views.exam_close, name="exam_close"),
    path("manage/lessons/<int:lesson_id>/exercise/", views.exercise_edit, name="exercise_edit"),
    path("manage/courses/<int:course_id>/results/", views.results, name="results"),
]
