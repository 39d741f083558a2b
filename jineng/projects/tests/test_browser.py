"""On a 360 px phone in a real browser (Debian's Chromium): a training administrator files a
project whose roster file has one bad row, fixes it and submits; the county reviewer approves
from the queue; the generated 附表1 PDF renders (turned into an image, its title read back)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jineng.identity import two_factor
from jineng.projects.models import Project
from jineng.projects.tests.conftest import HEADER, PDF_BYTES, roster_row, shanghai

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


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_file_fix_submit_approve_and_render_the_filing_pdf(live_server, phone_page, training_admin, reviewer,
                                                          enterprise, employees, course, platform, occupation,
                                                          bureaus, id_number_factory, frozen_clock, tmp_path):
    RESULTS.mkdir(exist_ok=True)
    frozen_clock(shanghai(2020, 4, 1, 10, 0))
    good = [roster_row(i + 1, i, id_number_factory) for i in range(3)]
    bad = [good[0], roster_row(2, 1, id_number_factory, 性别="女"), good[2]]
    bad_file = write_xlsx(tmp_path / "名册（有错）.xlsx", bad)
    good_file = write_xlsx(tmp_path / "名册.xlsx", good)
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF_BYTES)
    contracts = tmp_path / "劳动合同.pdf"
    contracts.write_bytes(PDF_BYTES)

    page, base = phone_page, live_server.url
    sign_in(page, base, training_admin)
    page.goto(f"{base}/projects/new/")
    page.fill("#id_name", "2020 年车工在岗线上培训")
    page.select_option("#id_occupation", str(occupation.pk))
    page.select_option("#id_level", "5")
    page.select_option("#id_platform", str(platform.pk))
    page.fill("#id_start_date", "2020-04-15")
    page.fill("#id_end_date", "2020-04-30")
    page.fill("#id_purpose", "提升车工安全操作与岗位技能")
    page.fill("#id_planned_headcount", "3")
    page.fill("#id_planned_class_hours", "4")
    page.fill("#id_contact_name", "黄小燕")
    page.fill("#id_contact_phone", "13800000000")
    assert_fits_the_phone(page)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=培训计划已保存，下一步：填写培训大纲")

    page.fill("#id_outline-0-title", "职业道德与安全生产")
    page.select_option("#id_outline-0-category", "public")
    page.fill("#id_outline-0-minutes", "90")
    page.fill("#id_outline-1-title", "车床操作要领")
    page.select_option("#id_outline-1-category", "professional")
    page.fill("#id_outline-1-minutes", "90")
    assert_fits_the_phone(page)
    page.click("main button[value=save]")
    page.wait_for_selector("text=培训大纲已保存")

    page.check(f"input[name=courses][value='{course.pk}']")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=线上课程已保存")

    page.set_input_files("#id_file", str(bad_file))
    page.click("main button[type=submit]")
    page.wait_for_selector("#import-report")
    report = page.locator("#import-report").inner_text()
    assert "共 3 行，其中 1 行有错误，本次未导入任何数据" in report
    assert "第 3 行\n王志强" in report
    assert "gender_mismatch\n性别：身份证号显示性别为“男”，与填写的“女”不一致" in report
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "projects-roster-report.png"), full_page=True)
    page.set_input_files("#id_file", str(good_file))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已导入 3 人")
    assert page.locator("table.roster tbody tr").count() == 3

    page.goto(f"{base}/projects/{Project.objects.get().pk}/edit/materials/")
    for kind, path in (("business_licence", licence), ("labour_contracts", contracts)):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(path))
        page.click("main form[enctype] button[type=submit]")
        page.wait_for_selector(f"text=“{path.name}”")

    page.goto(f"{base}/projects/{Project.objects.get().pk}/edit/submit/")
    assert "单位承诺：请阅读附表1 的承诺并勾选确认" in page.locator("ul.missing").inner_text()
    page.check("#id_accept")
    page.click("text=确认承诺")
    page.wait_for_selector("text=已确认单位承诺")
    assert page.locator("ul.missing").count() == 0
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "projects-submit.png"), full_page=True)
    page.click("#submit button[type=submit]")
    page.wait_for_selector("text=已提交韶关市浈江区人力资源和社会保障局备案，备案编号 440204-2020-0001")
    project = Project.objects.get()
    assert (project.state, project.review_due.isoformat()) == ("submitted", "2020-04-14")

    page.click("form.signout button")
    page.wait_for_url(f"{base}/accounts/login/")
    sign_in(page, base, reviewer)
    page.goto(f"{base}/projects/review/")
    row = page.locator("table.queue tbody tr").first
    assert "2020 年车工在岗线上培训" in row.inner_text()
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "projects-queue.png"), full_page=True)
    row.locator("a:has-text('审核')").click()
    page.wait_for_selector("#decide")
    assert page.locator("table.roster tbody tr").count() == 3
    assert "最迟 2020-04-08 提交，符合要求" in page.locator("#lead-time").inner_text()
    assert page.locator("#lead-time.check-ok").count() == 1
    page.check("input[name=decision][value=approve]")
    page.fill("#id_comment", "材料齐全，同意备案。")
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "projects-decision.png"), full_page=True)
    page.click("#decide button[type=submit]")
    page.wait_for_selector("text=已同意备案：新报名 3 人次")
    project.refresh_from_db()
    assert (project.state, project.decided_by, project.enrolments.count()) == ("approved", reviewer, 3)

    page.goto(f"{base}/projects/{project.pk}/")
    href = page.locator("ul.downloads a").first.get_attribute("href")
    assert href == f"/projects/{project.pk}/forms/filing.pdf"
    response = page.request.get(f"{base}{href}")
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    pdf_path = tmp_path / "filing.pdf"
    pdf_path.write_bytes(response.body())
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "filing")],
                   check=True, timeout=60)
    image = next(tmp_path.glob("filing*.png"))
    assert image.stat().st_size > 5000 and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (RESULTS / "projects-filing-pdf.png").write_bytes(image.read_bytes())
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True, timeout=60,
                          text=True).stdout
    assert "韶关市企业职工线上适岗职业技能培训备案表" in "".join(text.split())
