import pytest
from django.test import Client

from jineng.courses.models import Course, Lesson, Module

pytestmark = pytest.mark.django_db


def strict_client(user) -> Client:
    """A browser-like session that enforces CSRF, signed in with both factors through the pages."""
    from jineng.identity import two_factor

    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    response = client.post("/accounts/otp/", {
        "token": two_factor.current_token(two_factor.confirmed_device(user=user)),
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    return client


@pytest.fixture
def api(operator):
    """The operator's session, sending the CSRF token as the pages' scripts do."""
    client = strict_client(operator)

    def call(method: str, path: str, **kwargs):
        return getattr(client, method)(f"/api/courses{path}", headers={"X-CSRFToken": client.cookies["csrftoken"].value},
                                       **kwargs)

    return call


def test_published_courses_and_their_outline(published_course, learner_client, document_lesson):
    courses = learner_client.get("/api/courses/").json()
    assert [(c["title"], c["level_label"], c["planned_minutes"], c["module_count"]) for c in courses] == [
        ("焊工（初级）线上理论培训", "五级/初级工", 45, 1)]
    assert learner_client.get("/api/courses/?occupation=4-10-01-05").json() == []
    outline = learner_client.get(f"/api/courses/{published_course.pk}/outline").json()
    assert outline["public_minutes"] == 45 and outline["class_hours"] == 1.0
    assert outline["publish_problems"] is None
    assert [(m["title"], m["category_label"], [lesson["title"] for lesson in m["lessons"]]) for m in outline["modules"]] == [
        ("安全生产", "公共必修课", ["焊接作业安全须知"])]


def test_a_draft_outline_is_not_found_for_learners(course, learner_client):
    response = learner_client.get(f"/api/courses/{course.pk}/outline")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_state_changes_need_the_csrf_token(course, operator):
    client = strict_client(operator)
    response = client.post(f"/api/courses/{course.pk}/modules",
                           {"title": "安全生产", "category": "public", "planned_minutes": 45},
                           content_type="application/json")
    assert response.status_code == 403
    assert not Module.objects.exists()


def test_an_author_builds_and_publishes_a_course_through_the_api(api, occupation, provider, scorm_path):
    response = api("post", "/", data={"occupation_id": occupation.pk, "level": 5, "title": "焊工 API 课程"},
                   content_type="application/json")
    assert response.status_code == 201, response.content
    course_id = response.json()["course"]["id"]
    assert Course.objects.get(pk=course_id).provider == provider

    response = api("post", f"/{course_id}/publish")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["problems"] == ["课程还没有模块：请至少添加一个模块（公共必修课或专业技能课）"]

    first = api("post", f"/{course_id}/modules", data={"title": "职业道德", "category": "public", "planned_minutes": 45},
                content_type="application/json").json()
    second = api("post", f"/{course_id}/modules", data={"title": "焊接基础", "category": "professional",
                                                        "planned_minutes": 90}, content_type="application/json").json()
    outline = api("put", f"/{course_id}/modules/order", data={"module_ids": [second["id"], first["id"]]},
                  content_type="application/json").json()
    assert [m["title"] for m in outline["modules"]] == ["焊接基础", "职业道德"]

    with open(scorm_path("scorm12.zip"), "rb") as package:
        response = api("post", f"/modules/{second['id']}/lessons/scorm", data={"package": package, "planned_minutes": 30})
    assert response.status_code == 201, response.content
    lesson = response.json()
    assert (lesson["kind"], lesson["scorm_version"]) == ("scorm", "1.2")
    assert lesson["scorm_launch_url"].endswith("/content/Playing/Playing.html")

    response = api("post", f"/modules/{first['id']}/lessons/document",
                   data={"title": "敬业", "planned_minutes": 45, "body_html": "<p>敬业</p><script>x</script>"})
    assert response.status_code == 201, response.content
    assert Lesson.objects.get(pk=response.json()["id"]).body_html == "<p>敬业</p>"

    response = api("post", f"/modules/{first['id']}/lessons/live",
                   data={"title": "直播", "starts_at": "2099-01-01T12:00:00+08:00", "ends_at": "2099-01-01T13:00:00+08:00",
                         "room_url": "https://meeting.tencent.com/dm/x"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["planned_minutes"] == 60

    response = api("post", f"/{course_id}/publish")
    assert response.status_code == 200 and response.json()["course"]["status"] == "published"
    assert api("post", f"/{course_id}/withdraw").json()["course"]["status"] == "withdrawn"


def test_a_video_through_the_api(api, module, two_second_mp4):
    with open(two_second_mp4, "rb") as video:
        response = api("post", f"/modules/{module.pk}/lessons/video", data={"title": "视频", "video": video})
    assert response.status_code == 201, response.content
    assert (response.json()["video_seconds"], response.json()["video_url"]) == (2, f"/courses/lessons/{response.json()['id']}/video")


def test_domain_errors_come_back_with_code_message_and_field(api, module, tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"plain text")
    with open(fake, "rb") as video:
        response = api("post", f"/modules/{module.pk}/lessons/video", data={"title": "视频", "video": video})
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "not_mp4", "field": "video",
                                         "message": "上传的文件不是 MP4 视频。请导出为 MP4 格式（H.264 编码）后重新上传"}}


def test_another_organisations_operator_cannot_touch_the_course(course, other_operator):
    client = strict_client(other_operator)
    response = client.post(f"/api/courses/{course.pk}/modules", {"title": "x", "category": "public", "planned_minutes": 5},
                           content_type="application/json", headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert response.status_code == 404


def test_the_occupation_catalogue(api, occupation):
    assert api("get", "/occupations").json() == [
        {"id": occupation.pk, "code": "6-18-02-04", "name": "焊工", "levels": [5, 4, 3, 2, 1]}]
    response = api("post", "/occupations", data={"code": "4-10-01-05", "name": "养老护理员", "levels": [5]},
                   content_type="application/json")
    assert response.status_code == 201


def test_anonymous_calls_are_refused():
    assert Client().get("/api/courses/").status_code == 401


def test_a_lesson_for_the_player(published_course, document_lesson, learner_client):
    response = learner_client.get(f"/api/courses/lessons/{document_lesson.pk}")
    assert response.json()["title"] == "焊接作业安全须知"
