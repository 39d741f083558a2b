import re

import pytest
from django.test import Client

from jineng.courses import services
from jineng.courses.models import Course, Lesson, Module
from jineng.courses.tests.conftest import upload_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_course(course, module, operator, two_second_mp4):
    lesson = services.lesson_add_video(module=module, title="职业道德", upload=upload_from(two_second_mp4), actor=operator)
    services.course_publish(course=course, actor=operator)
    return lesson


@pytest.fixture
def scorm_lesson(course, module, operator, scorm_path):
    lesson = services.lesson_add_scorm(module=module, upload=upload_from(scorm_path("scorm12.zip")), planned_minutes=30,
                                       actor=operator)
    services.course_publish(course=course, actor=operator)
    return lesson


def text(response) -> str:
    return response.content.decode()


# --- catalogue ----------------------------------------------------------------------------------

def test_the_catalogue_lists_published_courses_in_chinese(published_course, learner_client, provider, occupation,
                                                          operator):
    services.course_create(provider=provider, occupation=occupation, level=4, title="还在编写的课程", actor=operator)
    response = learner_client.get("/courses/")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>课程目录</h1>" in html
    assert "焊工（初级）线上理论培训" in html and "还在编写的课程" not in html
    assert "五级/初级工" in html and "计划 45 分钟（约 1.0 学时）" in html
    assert f'href="/learn/courses/{published_course.pk}/"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


@pytest.mark.parametrize(("query", "shown"), [
    pytest.param("?level=5", True, id="level-5"),
    pytest.param("?level=4", False, id="level-4"),
])
def test_the_catalogue_filters_by_level(published_course, learner_client, query, shown):
    html = text(learner_client.get(f"/courses/{query}"))
    assert ("焊工（初级）线上理论培训" in html) is shown


def test_the_catalogue_needs_a_signed_in_user(client):
    assert client.get("/courses/")["Location"].startswith("/accounts/login/")


def test_a_learner_sees_the_outline_but_not_a_draft(course, document_lesson, learner_client, operator):
    assert learner_client.get(f"/courses/{course.pk}/").status_code == 404
    services.course_publish(course=course, actor=operator)
    html = text(learner_client.get(f"/courses/{course.pk}/"))
    assert "公共必修课" in html and "焊接作业安全须知" in html and "报名学习" in html
    assert "编辑课程" not in html


# --- author pages -------------------------------------------------------------------------------

def test_a_learner_cannot_open_the_author_pages(learner_client, course):
    for url in ["/courses/manage/", "/courses/manage/new/", f"/courses/manage/{course.pk}/"]:
        response = learner_client.get(url)
        assert response.status_code in (403, 404), url
    assert "只有平台运营人员或系统管理员可以管理课程" in text(learner_client.get("/courses/manage/"))


def test_an_operator_of_another_organisation_gets_404_on_the_editor(course, other_operator, staff_client):
    assert staff_client(other_operator).get(f"/courses/manage/{course.pk}/").status_code == 404


def test_an_operator_creates_a_course_adds_a_module_and_a_lesson_and_publishes(operator, occupation, provider,
                                                                                staff_client):
    client = staff_client(operator)
    assert "<h1>新建课程</h1>" in text(client.get("/courses/manage/new/"))
    response = client.post("/courses/manage/new/", {"provider": provider.pk, "occupation": occupation.pk, "level": "5",
                                                    "title": "焊工安全培训", "summary": "安全第一"})
    course = Course.objects.get(title="焊工安全培训")
    assert response["Location"] == f"/courses/manage/{course.pk}/"

    html = text(client.get(response["Location"]))
    assert "发布前还需完成" in html and "课程还没有模块" in html

    response = client.post(f"/courses/manage/{course.pk}/", {"title": "安全生产", "category": "public",
                                                            "planned_minutes": "45", "required": "on"})
    module = Module.objects.get(course=course)
    assert response["Location"] == f"/courses/manage/{course.pk}/#module-{module.pk}"

    response = client.post(f"/courses/manage/{course.pk}/publish/", follow=True)
    assert "模块“安全生产”还没有课件：请添加视频、图文、直播或 SCORM 课件" in text(response)

    url = f"/courses/manage/modules/{module.pk}/lessons/new/document/"
    assert "<h1>添加图文课件</h1>" in text(client.get(url))
    response = client.post(url, {"title": "安全须知", "planned_minutes": "30", "body_html": "<p>戴好面罩</p><script>x</script>"})
    assert response.status_code == 302
    assert Lesson.objects.get(module=module).body_html == "<p>戴好面罩</p>"

    response = client.post(f"/courses/manage/{course.pk}/publish/", follow=True)
    assert "课程已发布，学员可在课程目录中看到并报名" in text(response)
    course.refresh_from_db()
    assert course.status == "published"


def test_form_errors_show_beside_the_field(course, operator, staff_client):
    client = staff_client(operator)
    html = text(client.post(f"/courses/manage/{course.pk}/", {"title": "安全生产", "category": "public",
                                                              "planned_minutes": "0"}))
    assert re.search(r'class="field has-error">\s*<label for="id_planned_minutes">', html)
    assert not Module.objects.exists()


def test_an_upload_with_progress_gets_json_on_success_and_the_form_on_error(module, operator, staff_client,
                                                                           two_second_mp4, tmp_path):
    client = staff_client(operator)
    url = f"/courses/manage/modules/{module.pk}/lessons/new/video/"
    with open(two_second_mp4, "rb") as video:
        response = client.post(url, {"title": "第一课", "video": video}, headers={"X-Upload-Progress": "1"})
    assert response.status_code == 200
    assert response.json() == {"redirect": f"/courses/manage/{module.course_id}/#module-{module.pk}"}
    assert Lesson.objects.get().video_seconds == 2

    fake = tmp_path / "fake.mp4"
    fake.write_text("不是视频")
    with open(fake, "rb") as video:
        response = client.post(url, {"title": "第二课", "video": video}, headers={"X-Upload-Progress": "1"})
    assert response.status_code == 400
    assert "上传的文件不是 MP4 视频" in text(response)
    with open(fake, "rb") as video:
        response = client.post(url, {"title": "第二课", "video": video})
    assert response.status_code == 200 and 'id="video-error"' in text(response)


def test_the_scorm_upload_page_stores_the_package(module, operator, staff_client, scorm_path):
    client = staff_client(operator)
    with open(scorm_path("scorm2004.zip"), "rb") as package:
        response = client.post(f"/courses/manage/modules/{module.pk}/lessons/new/scorm/",
                               {"package": package, "planned_minutes": "40", "title": ""})
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.title, lesson.scorm_package.version) == ("Golf Explained - Metadata Example", "2004")
    html = text(client.get(f"/courses/manage/lessons/{lesson.pk}/"))
    assert "shared/launchpage.html" in html and f'src="/courses/scorm/{lesson.scorm_package_id}/content/' in html


def test_the_live_lesson_form(module, operator, staff_client):
    client = staff_client(operator)
    response = client.post(f"/courses/manage/modules/{module.pk}/lessons/new/live/", {
        "title": "直播答疑", "starts_at": "2099-03-09T19:30", "ends_at": "2099-03-09T21:00",
        "room_url": "https://meeting.tencent.com/dm/abc"})
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.planned_minutes, lesson.live_starts_at.isoformat()) == (90, "2099-03-09T11:30:00+00:00")


def test_modules_move_with_buttons(course, module, operator, staff_client):
    second = services.module_add(course=course, title="焊接基础", category="professional", planned_minutes=90,
                                 actor=operator)
    staff_client(operator).post(f"/courses/manage/modules/{second.pk}/move/", {"direction": "up"})
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == ["焊接基础", "安全生产"]


def test_course_settings_page(course, operator, staff_client):
    client = staff_client(operator)
    response = client.post(f"/courses/manage/{course.pk}/settings/", {
        "occupation": course.occupation_id, "level": "", "title": "新名称", "summary": ""})
    assert "“焊工”按等级培训，请选择等级" in text(response)
    response = client.post(f"/courses/manage/{course.pk}/settings/", {
        "occupation": course.occupation_id, "level": "4", "title": "新名称", "summary": ""})
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.level) == ("新名称", 4)


def test_the_occupation_page(operator, staff_client):
    client = staff_client(operator)
    response = client.post("/courses/manage/occupations/new/", {"code": "4-10-01-05", "name": "养老护理员",
                                                                "levels": ["5", "4"]})
    assert response["Location"] == "/courses/manage/"
    html = text(client.post("/courses/manage/occupations/new/", {"code": "abc", "name": "x"}))
    assert "职业编码应为《中华人民共和国职业分类大典》的格式" in html


# --- content ------------------------------------------------------------------------------------

def test_video_is_served_in_ranges_to_those_who_may_see_it(video_course, learner_client, client, two_second_mp4):
    url = f"/courses/lessons/{video_course.pk}/video"
    data = two_second_mp4.read_bytes()
    assert client.get(url).status_code == 403
    response = learner_client.get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert response["Content-Type"] == "video/mp4" and response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == data[100:200]
    whole = learner_client.get(url)
    assert whole.status_code == 200 and int(whole["Content-Length"]) == len(data)
    assert learner_client.get(url, headers={"Range": f"bytes={len(data)}-"}).status_code == 416


def test_video_of_a_draft_is_not_found_for_learners_and_other_operators(module, operator, other_operator, learner_client,
                                                                        staff_client, two_second_mp4):
    lesson = services.lesson_add_video(module=module, title="草稿视频", upload=upload_from(two_second_mp4), actor=operator)
    url = f"/courses/lessons/{lesson.pk}/video"
    assert learner_client.get(url).status_code == 404
    assert staff_client(other_operator).get(url).status_code == 404


def test_scorm_content_is_framed_by_our_pages_only_and_its_policy_is_relaxed_for_it_alone(scorm_lesson, learner_client):
    package = scorm_lesson.scorm_package
    response = learner_client.get(f"/courses/scorm/{package.pk}/content/Playing/Playing.html")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html"
    assert b"Play of the game" in b"".join(response.streaming_content)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval'" in policy and "style-src 'self' 'unsafe-inline'" in policy
    page = learner_client.get("/courses/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    script = learner_client.get(f"/courses/scorm/{package.pk}/content/shared/scormfunctions.js")
    assert script["Content-Type"] == "text/javascript"


@pytest.mark.parametrize("path", [
    pytest.param("../../../../etc/passwd", id="dot-dot"),
    pytest.param("%2e%2e/%2e%2e/settings.py", id="encoded-dot-dot"),
    pytest.param("Playing/", id="directory"),
    pytest.param("nothing-here.html", id="missing"),
])
def test_scorm_content_outside_the_package_is_not_found(scorm_lesson, learner_client, path):
    assert learner_client.get(f"/courses/scorm/{scorm_lesson.scorm_package_id}/content/{path}").status_code == 404


def test_scorm_content_needs_a_user_allowed_to_see_the_course(scorm_lesson, client, operator, learner_client):
    url = f"/courses/scorm/{scorm_lesson.scorm_package_id}/content/Playing/Playing.html"
    assert client.get(url).status_code == 403
    services.course_withdraw(course=scorm_lesson.module.course, actor=operator)
    assert learner_client.get(url).status_code == 404


def test_document_pictures_are_served_only_with_their_course(module, operator, learner_client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    lesson = services.lesson_add_document(module=module, title="图文", body_html="[图1]", planned_minutes=10,
                                          images=[SimpleUploadedFile("a.png", buffer.getvalue())], actor=operator)
    image_url = re.search(r'src="([^"]+)"', lesson.body_html).group(1)
    assert learner_client.get(image_url).status_code == 404
    services.course_publish(course=module.course, actor=operator)
    response = learner_client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Client().get(image_url).status_code == 403
