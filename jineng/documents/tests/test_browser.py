"""On a 360 px phone in a real browser: the training administrator opens the approved
evaluation and downloads 附表5-1 as a PDF ready to print and stamp."""

from __future__ import annotations

import pytest

from jineng.common import clock
from jineng.documents.tests.conftest import pdf_text, shanghai
from jineng.identity import two_factor
from jineng.identity.models import Role
from jineng.platforms import services
from jineng.platforms.tests.conftest import four_materials

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/accounts/otp/")
    page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
    page.click("main button[type=submit]")  # not the sign-out button in the top bar
    page.wait_for_url(f"{base_url}/")


def test_the_administrator_downloads_the_evaluation_form_on_a_phone(live_server, phone_page, training_admin,
                                                                     enterprise, platform, bureaus, make_staff,
                                                                     regions, tmp_path):
    officer = make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="sg_city")
    draft = services.evaluation_create(
        organization=enterprise, platform=platform, project_name="2020 年职工线上适岗培训",
        occupation_name="机械加工（检验）", courses=[services.CourseRow("安全生产与职业健康", "危险源辨识", "video", 90)],
        materials=four_materials(), actor=training_admin)
    try:
        clock.travel_to(shanghai(2020, 4, 29, 10, 0))
        submitted = services.evaluation_submit(evaluation=draft, actor=training_admin)
        evaluation = services.evaluation_decide(evaluation=submitted, decision="approve", comment="同意使用。",
                                                actor=officer)
    finally:
        clock.reset()

    page, base = phone_page, live_server.url
    page.set_default_navigation_timeout(30_000)  # the live server's first request imports every app's URLconf
    sign_in(page, base, training_admin)
    page.goto(f"{base}/platforms/evaluations/{evaluation.pk}/")
    link = page.locator("a", has_text="下载评估表（附表5-1，PDF 打印盖章用）")
    assert link.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"附表5-1_评估表_{evaluation.pk}.pdf"
    saved = tmp_path / "form.pdf"
    download.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "韶关市企业职工线上适岗职业技能培训评估表" in text
    assert "评估通过：同意使用。韶关市职业技能服务中心（盖章）2020年4月29日" in text
