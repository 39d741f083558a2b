"""A platform operator builds and publishes a course on a phone-sized screen in a real browser
(Debian's Chromium): a module, the SCORM 1.2 sample package as a lesson, then publication."""

from pathlib import Path

import pytest

from jineng.courses.models import Course, Lesson
from jineng.identity import two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path("test-results")


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/accounts/otp/")
    page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_an_operator_uploads_a_scorm_package_and_publishes_the_course(live_server, phone_page, operator, occupation,
                                                                      scorm_path):
    RESULTS.mkdir(exist_ok=True)
    page = phone_page
    base = live_server.url
    sign_in(page, base, operator)

    page.goto(f"{base}/courses/manage/")
    assert page.locator("h1").inner_text() == "课程管理"
    page.click("text=新建课程")
    page.select_option("#id_occupation", str(occupation.pk))
    page.select_option("#id_level", "5")
    page.fill("#id_title", "焊工安全（SCORM 示例）")
    page.fill("#id_summary", "用 SCORM 课件学习安全知识")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=课程已创建")
    course = Course.objects.get(title="焊工安全（SCORM 示例）")

    page.fill("#id_title", "安全生产")
    page.check("input[name=category][value=public]")
    page.fill("#id_planned_minutes", "45")
    page.click("#add-module button[type=submit]")
    page.wait_for_selector("text=已添加模块“安全生产”")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(RESULTS / "courses-author-editor.png"), full_page=True)

    page.click("a.button:has-text('SCORM 课件')")
    page.wait_for_selector("h1:has-text('上传 SCORM 课件')")
    page.set_input_files("#id_package", str(scorm_path("scorm12.zip")))
    page.fill("#id_planned_minutes", "30")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已添加SCORM 课件", timeout=30_000)
    lesson = Lesson.objects.get(module__course=course)
    assert (lesson.scorm_package.version, lesson.scorm_package.launch_path) == ("1.2", "Playing/Playing.html")
    assert page.locator(".lesson-title").inner_text() == "Golf Explained - CP One File Per SCO"

    page.click("button:has-text('发布课程')")
    page.wait_for_selector("text=课程已发布，学员可在课程目录中看到并报名")
    course.refresh_from_db()
    assert course.status == "published"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the editor is {width}px wide on a 360px phone"
    page.screenshot(path=str(RESULTS / "courses-author-published.png"), full_page=True)

    page.goto(f"{base}/courses/manage/lessons/{lesson.pk}/")
    frame = page.frame_locator("iframe.scorm-frame")
    assert frame.locator("h1").inner_text() == "Play of the game"
    page.screenshot(path=str(RESULTS / "courses-scorm-preview.png"), full_page=True)
