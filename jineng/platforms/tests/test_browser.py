"""On a 360 px phone in a real browser (Debian's Chromium): a training administrator submits
an evaluation request with the four materials of 附表5-2; the city officer approves it from
the queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from jineng.identity import two_factor
from jineng.platforms.models import PlatformEvaluation
from jineng.platforms.tests.conftest import PDF_BYTES, png_bytes, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path("test-results")


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/accounts/otp/")
    page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
    page.click("main button[type=submit]")  # not the sign-out button in the top bar
    page.wait_for_url(f"{base_url}/")


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"


def test_an_enterprise_submits_and_the_city_officer_approves(live_server, phone_page, training_admin, officer,
                                                             platform, centres, frozen_clock, tmp_path):
    RESULTS.mkdir(exist_ok=True)
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    files = {}
    for group, name, data in [("credentials", "资信类材料.pdf", PDF_BYTES), ("construction", "平台建设材料.pdf", PDF_BYTES),
                              ("operation", "平台运行材料.png", png_bytes(40, 30)), ("content", "培训内容材料.pdf", PDF_BYTES)]:
        path = tmp_path / name
        path.write_bytes(data)
        files[group] = path

    page, base = phone_page, live_server.url
    sign_in(page, base, training_admin)
    page.goto(f"{base}/platforms/{platform.pk}/")
    page.click("text=申请平台评估")
    page.wait_for_selector("h1:has-text('申请平台评估')")
    assert "今天提交，评估期限为 2020年5月7日" in page.locator(".deadline-note").inner_text()
    page.fill("#id_project_name", "2020 年职工线上适岗培训")
    page.fill("#id_occupation_name", "机械加工（检验）")
    page.fill("#id_courses-0-name", "安全生产与职业健康")
    page.fill("#id_courses-0-key_points", "安全生产法律法规、危险源辨识")
    page.select_option("#id_courses-0-resource_form", "video")
    page.fill("#id_courses-0-minutes", "90")
    for group, path in files.items():
        page.set_input_files(f"#id_{group}", str(path))
    assert_fits_the_phone(page)
    # No screenshot here: taking one (full-page or of an element) can leave Chromium's hit testing
    # stale on a long page, so that the next click lands nowhere. The submitted page is shot below.
    page.click("button[value=submit]")
    page.wait_for_selector("text=已提交韶关市职业技能服务中心，评估期限 2020年5月7日")
    assert page.locator(".summary .deadline").inner_text() == "期限 2020-05-07 · 剩余 3 个工作日"
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "platforms-evaluation-submitted.png"), full_page=True)
    evaluation = PlatformEvaluation.objects.get()
    assert (evaluation.status, evaluation.materials.count()) == ("submitted", 4)

    page.click("form.signout button")
    page.wait_for_url(f"{base}/accounts/login/")
    frozen_clock(shanghai(2020, 5, 6, 9, 30))
    sign_in(page, base, officer)
    page.goto(f"{base}/platforms/evaluations/queue/")
    row = page.locator("table.queue tbody tr").first
    assert "剩余 1 个工作日" in row.inner_text()
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "platforms-queue.png"), full_page=True)
    row.locator("a:has-text('评估')").click()
    page.wait_for_selector("#decide")
    assert page.locator("figure.material").count() == 4
    assert page.locator("figure.material img").evaluate("img => img.naturalWidth") == 40  # the picture really loads
    page.check("input[name=decision][value=approve]")
    page.fill("#id_comment", "材料齐全，同意使用该平台开展线上适岗培训。")
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "platforms-decision.png"), full_page=True)
    page.click("#decide button[type=submit]")
    page.wait_for_selector("text=评估结论已保存：评估通过")
    assert "没有待评估的申请" in page.locator("table.queue").inner_text()
    page.screenshot(path=str(RESULTS / "platforms-approved.png"), full_page=True)
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.decided_by, evaluation.decided_late) == ("approved", officer, False)
