"""The filing workflow through its services: each transition, refusals, the Shaoguan lead
time, the review deadline, materials and the commitment."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.learning.models import Enrolment
from jineng.projects import selectors, services
from jineng.projects.models import MaterialKind, OutlineModule, Project, ProjectEvent, ProjectState
from jineng.projects.tests.conftest import END, OUTLINE, START, pdf, plan, shanghai, xlsx_file

pytestmark = pytest.mark.django_db


def test_a_draft_is_created_with_its_pack_and_an_event(draft, training_admin):
    assert (draft.state, draft.policy_pack, draft.has_number) == ("draft", "shaoguan-2020-11", False)
    assert list(draft.events.values_list("transition", "to_state")) == [("create", "draft")]
    assert AuditEntry.objects.filter(action="project.create", target_id=str(draft.pk)).count() == 1


def test_only_the_applicants_training_admin_may_file(enterprise, occupation, platform, reviewer, institution_admin):
    for actor in (reviewer, institution_admin):
        with pytest.raises(PermissionDenied):
            services.project_create(data=plan(enterprise, occupation, platform), actor=actor)
    assert Project.objects.count() == 0


def test_shaoguan_files_only_its_three_training_kinds(enterprise, occupation, platform, training_admin):
    with pytest.raises(DomainError) as exc:
        services.project_create(data=plan(enterprise, occupation, platform, kind="apprenticeship"),
                                actor=training_admin)
    assert (exc.value.code, exc.value.field) == ("kind_not_covered", "kind")
    assert exc.value.message == "韶人社函〔2020〕11号备案的培训类型为：岗前培训、在岗培训、转岗转业培训；请选择其中之一"


def test_an_entrusted_project_needs_an_institution(enterprise, occupation, platform, training_admin, institution):
    with pytest.raises(DomainError) as exc:
        services.project_create(data=plan(enterprise, occupation, platform, organiser="entrusted"), actor=training_admin)
    assert (exc.value.code, exc.value.field) == ("institution_required", "institution")
    project = services.project_create(data=plan(enterprise, occupation, platform, organiser="entrusted",
                                                institution=institution), actor=training_admin)
    assert project.institution == institution


def test_the_period_must_be_ordered(enterprise, occupation, platform, training_admin):
    with pytest.raises(DomainError) as exc:
        services.project_create(data=plan(enterprise, occupation, platform, end_date=START - dt.timedelta(days=1)),
                                actor=training_admin)
    assert (exc.value.code, exc.value.field, exc.value.message) == ("period_invalid", "end_date",
                                                                    "培训结束日期不能早于开始日期")


def test_submit_lists_every_missing_item(draft, training_admin):
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=draft, actor=training_admin)
    assert exc.value.code == "submission_incomplete"
    assert [m["code"] for m in exc.value.details["missing"]] == [
        "outline_missing", "courses_missing", "roster_missing", "material_missing", "commitment_missing"]
    assert "请上传营业执照复印件" in exc.value.message
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_submit_routes_numbers_and_sets_the_review_deadline(submitted, bureaus):
    assert submitted.state == "submitted"
    assert submitted.number == "440204-2020-0001"
    assert submitted.reviewing_office == bureaus["zhenjiang"]
    assert submitted.routing_rule is None
    # the working day before the start (Wednesday 15 April) is Tuesday 14 April
    assert submitted.review_due == dt.date(2020, 4, 14)
    event = submitted.events.get(transition="submit")
    assert (event.from_state, event.to_state, event.comment) == (
        "draft", "submitted", "按申请单位所在地（浈江区）由韶关市浈江区人力资源和社会保障局受理")


def test_the_lead_time_refusal_names_the_earliest_allowed_start(ready, training_admin, occupation, platform,
                                                                enterprise):
    services.project_update(project=ready, data=plan(enterprise, occupation, platform, start_date=dt.date(2020, 4, 7)),
                            actor=training_admin)
    services.project_commitment_accept(project=ready, actor=training_admin)  # the edit voided the first one
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=ready, actor=training_admin)
    assert [m["code"] for m in exc.value.details["missing"]] == ["lead_time_too_short"]
    assert exc.value.field == "start_date"
    # filed Wed 1 April; 2, 3, 7, 8, 9 April are the next five working days (4–6 April Qingming)
    assert exc.value.details["missing"][0]["message"] == (
        "培训开始日期 2020-04-07 距 2020-04-01 不足 5 个工作日（韶人社函〔2020〕11号 附件1 二(一)）："
        "请把培训开始日期改为 2020-04-09 或以后")
    services.project_update(project=ready, data=plan(enterprise, occupation, platform, start_date=dt.date(2020, 4, 9)),
                            actor=training_admin)
    services.project_commitment_accept(project=ready, actor=training_admin)
    assert services.project_submit(project=ready, actor=training_admin).state == "submitted"


def test_panzhihua_has_no_lead_time(pzh_enterprise, pzh_admin, occupation, platform, bureaus):
    project = services.project_create(data=plan(pzh_enterprise, occupation, platform, start_date=dt.date(2020, 4, 2)),
                                      actor=pzh_admin)
    check = selectors.lead_time_check(project=project)
    assert (check.required, check.ok, check.message) == (False, True, "攀人社发〔2020〕33号未规定开训前备案的提前期")
    assert project.policy_pack == "panzhihua-2020-33"


def test_an_unknown_calendar_year_is_a_clear_error(draft, training_admin, enterprise, occupation, platform):
    services.project_update(project=draft, data=plan(enterprise, occupation, platform, start_date=dt.date(2099, 5, 4),
                                                     end_date=dt.date(2099, 5, 30)), actor=training_admin)
    with pytest.raises(DomainError) as exc:
        selectors.lead_time_check(project=draft)
    assert (exc.value.code, exc.value.field, exc.value.details) == ("calendar_year_unknown", "start_date",
                                                                    {"year": 2099})


def test_approval_enrols_the_roster_in_the_courses(submitted, reviewer, course):
    result = services.project_approve(project=submitted, actor=reviewer, comment="材料齐全，同意备案。")
    assert (result.project.state, result.enrolled, result.linked, result.conflicts) == ("approved", 3, 0, [])
    enrolments = Enrolment.objects.filter(project=submitted)
    assert sorted(enrolments.values_list("source", "course_id", "organization_id").distinct()) == [
        ("project", course.pk, submitted.organization_id)]
    assert enrolments.count() == 3
    event = submitted.events.get(transition="approve")
    assert (event.actor, event.comment, event.late) == (reviewer, "材料齐全，同意备案。", False)
    assert AuditEntry.objects.filter(action="project.approve").count() == 1


def test_a_late_decision_is_marked(submitted, reviewer, frozen_clock):
    frozen_clock(shanghai(2020, 4, 15, 9, 0))
    services.project_return(project=submitted, actor=reviewer, comment="名册与劳动合同不符，请核对。")
    assert submitted.events.get(transition="return").late is True


def test_return_needs_a_reason_and_the_applicant_resubmits(submitted, reviewer, training_admin):
    with pytest.raises(DomainError) as exc:
        services.project_return(project=submitted, actor=reviewer, comment="  ")
    assert (exc.value.code, exc.value.field) == ("comment_required", "comment")
    returned = services.project_return(project=submitted, actor=reviewer, comment="请补充培训目标。")
    assert (returned.state, returned.review_comment) == ("returned", "请补充培训目标。")
    again = services.project_submit(project=returned, actor=training_admin)
    assert (again.state, again.number) == ("submitted", "440204-2020-0001")
    assert list(again.events.values_list("transition", flat=True)) == ["create", "submit", "return", "submit"]


def test_only_the_reviewing_office_decides(submitted, wujiang_reviewer, training_admin, officer):
    for actor in (wujiang_reviewer, training_admin):
        with pytest.raises(PermissionDenied) as exc:
            services.project_approve(project=submitted, actor=actor)
        assert exc.value.code == "not_the_reviewing_office"
    # the city officer's region holds the county bureau's seat
    assert services.project_approve(project=submitted, actor=officer).project.state == "approved"


@pytest.mark.parametrize("transition", ["approve", "return", "start", "finish"])
def test_refused_transitions_from_a_draft(ready, reviewer, training_admin, transition):
    call = {
        "approve": lambda: services.project_approve(project=ready, actor=reviewer),
        "return": lambda: services.project_return(project=ready, actor=reviewer, comment="x"),
        "start": lambda: services.project_start(project=ready, actor=training_admin),
        "finish": lambda: services.project_finish(project=ready, actor=training_admin),
    }[transition]
    with pytest.raises((DomainError, PermissionDenied)) as exc:
        call()
    assert exc.value.code in {"project_transition_not_allowed", "not_the_reviewing_office"}
    ready.refresh_from_db()
    assert ready.state == "draft"


def test_a_submitted_project_cannot_be_edited(submitted, training_admin, enterprise, occupation, platform):
    with pytest.raises(DomainError) as exc:
        services.project_update(project=submitted, data=plan(enterprise, occupation, platform, name="改名"),
                                actor=training_admin)
    assert exc.value.code == "project_not_editable"
    assert exc.value.message == "培训项目已提交待审核，不能再修改；如需更正请联系受理部门退回"


def test_start_waits_for_the_start_date_and_finish_for_the_end(submitted, reviewer, training_admin, frozen_clock):
    services.project_approve(project=submitted, actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.project_start(project=submitted, actor=training_admin)
    assert exc.value.code == "not_started_yet"
    frozen_clock(shanghai(2020, 4, 15, 8, 0))
    running = services.project_start(project=submitted, actor=training_admin)
    assert running.state == "running"
    with pytest.raises(DomainError) as exc:
        services.project_finish(project=running, actor=training_admin)
    assert (exc.value.code, exc.value.message) == ("not_ended_yet", "培训结束日期为 2020-04-30，当天或之后才能结束培训")
    frozen_clock(shanghai(2020, 4, 30, 18, 0))
    assert services.project_finish(project=running, actor=training_admin).state == "finished"
    assert list(running.events.values_list("transition", flat=True)) == [
        "create", "submit", "approve", "start", "finish"]


def test_the_scheduled_job_starts_due_projects(submitted, reviewer, frozen_clock):
    services.project_approve(project=submitted, actor=reviewer)
    assert services.projects_start_due() == []
    frozen_clock(shanghai(2020, 4, 15, 0, 5))
    started = services.projects_start_due()
    assert [p.pk for p in started] == [submitted.pk]
    event = ProjectEvent.objects.get(project=submitted, transition="start")
    assert (event.actor, event.comment) == (None, "到达培训开始日期，系统自动开始")


def test_withdraw(submitted, training_admin):
    withdrawn = services.project_withdraw(project=submitted, actor=training_admin, comment="计划调整")
    assert withdrawn.state == ProjectState.WITHDRAWN
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=withdrawn, actor=training_admin)
    assert exc.value.code == "project_transition_not_allowed"


def test_an_entrusted_project_needs_the_service_contract_and_platform_functions(
        ready, training_admin, enterprise, occupation, platform, institution):
    services.project_update(project=ready, data=plan(enterprise, occupation, platform, organiser="entrusted",
                                                     institution=institution), actor=training_admin)
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=ready, actor=training_admin)
    assert [(m["code"], m["field"]) for m in exc.value.details["missing"]] == [
        ("material_missing", "service_contract"), ("material_missing", "platform_functions"),
        ("commitment_missing", "commitment")]  # the change of organiser voided the commitment too


def test_materials_are_checked_by_content_and_removed_by_marking(draft, training_admin, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.project_material_add(project=draft, kind=MaterialKind.BUSINESS_LICENCE, upload=fake,
                                      actor=training_admin)
    assert (exc.value.code, exc.value.message) == ("file_type_not_allowed",
                                                   "营业执照复印件：证明材料只接受 PDF、JPG 或 PNG 文件")
    material = services.project_material_add(project=draft, kind=MaterialKind.BUSINESS_LICENCE, upload=pdf(),
                                             actor=training_admin)
    services.project_material_remove(material=material, actor=training_admin)
    material.refresh_from_db()
    assert material.removed_at is not None and material.file.storage.exists(material.file.name)
    assert selectors.materials_of(project=draft) == []


def test_outline_must_fill_the_planned_class_hours(ready, training_admin):
    services.project_outline_set(project=ready, modules=[services.OutlineRow("安全", "public", 60)],
                                 actor=training_admin)
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=ready, actor=training_admin)
    assert exc.value.details["missing"][0]["message"] == (
        "培训大纲：各模块学习时长合计 60 分钟，少于计划课时 4 课时（180 分钟），请补充模块或调整计划课时")


def test_end_after_start_dates_are_kept(draft):
    assert (draft.start_date, draft.end_date) == (START, END)


def test_the_daily_command(submitted, reviewer, frozen_clock):
    from io import StringIO

    from django.core.management import call_command

    services.project_approve(project=submitted, actor=reviewer)
    frozen_clock(shanghai(2020, 4, 15, 0, 5))
    out = StringIO()
    call_command("projects_start_due", stdout=out)
    assert out.getvalue() == "440204-2020-0001 2020 年车工在岗线上培训：已开始培训\n共开始 1 个培训项目\n"


@pytest.fixture
def third_party(db, training_admin):
    from jineng.platforms.services import PlatformData, platform_register

    return platform_register(data=PlatformData(name="岭南职工云课堂（示例）", website="ketang.example.com"),
                             actor=training_admin)


def _evaluation(*, platform, organization, status, decided_at, bureaus, actor):
    from jineng.platforms.models import PlatformEvaluation

    return PlatformEvaluation.objects.create(
        platform=platform, organization=organization, centre=bureaus["shaoguan"], city_code="440200", status=status,
        project_name="职工线上适岗培训", occupation_name="车工", submitted_at=decided_at - dt.timedelta(days=1),
        due_date=decided_at.date(), rounds=1, decided_at=decided_at, created_by=actor)


def test_shaoguan_refuses_a_filing_on_a_platform_the_city_has_not_evaluated(ready, training_admin, third_party):
    ready.platform = third_party  # as if chosen on the plan page
    ready.save(update_fields=["platform"])
    with pytest.raises(DomainError) as exc:
        services.project_submit(project=ready, actor=training_admin)
    assert [m["code"] for m in exc.value.details["missing"]] == ["platform_not_evaluated"]
    assert exc.value.details["missing"][0]["field"] == "platform"
    assert exc.value.details["missing"][0]["message"] == (
        "线上培训平台：该平台尚未经过评估：请先向市职业技能服务中心提交平台评估申请（附表5-1、5-2），通过后方可备案。"
        "依据韶人社函〔2020〕11号 一，平台评估意见是备案的前提条件；人社部推荐的平台无需评估")


def test_shaoguan_accepts_the_filing_once_the_evaluation_is_approved(ready, training_admin, third_party, enterprise,
                                                                     bureaus):
    ready.platform = third_party
    ready.save(update_fields=["platform"])
    _evaluation(platform=third_party, organization=enterprise, status="approved", decided_at=shanghai(2020, 3, 20, 9),
                bureaus=bureaus, actor=training_admin)
    assert services.project_submit(project=ready, actor=training_admin).state == "submitted"


def test_panzhihua_asks_for_no_platform_evaluation(pzh_enterprise, pzh_admin, occupation, third_party, bureaus):
    project = services.project_create(data=plan(pzh_enterprise, occupation, third_party), actor=pzh_admin)
    assert selectors.platform_check(project=project, filed_on=dt.date(2020, 4, 1)) is None


def test_an_edit_after_the_commitment_voids_it_until_given_again(ready, training_admin, course, roster_rows):
    assert ready.commitment_accepted_at is not None
    services.project_outline_set(project=ready, modules=[*OUTLINE, services.OutlineRow(
        "数控编程入门", OutlineModule.Category.PROFESSIONAL, 60)], actor=training_admin)
    ready.refresh_from_db()
    assert (ready.commitment_accepted_at, ready.commitment_by) == (None, None)
    assert [m.code for m in selectors.missing_for_submit(project=ready)] == ["commitment_missing"]
    entry = AuditEntry.objects.filter(action="project.outline_set").order_by("-seq").first()
    assert entry.summary["commitment_voided"] is True
    with pytest.raises(DomainError) as refused:
        services.project_submit(project=ready, actor=training_admin)
    assert [m["code"] for m in refused.value.details["missing"]] == ["commitment_missing"]
    services.project_commitment_accept(project=ready, actor=training_admin)
    assert services.project_submit(project=ready, actor=training_admin).state == "submitted"


@pytest.mark.parametrize("edit", ["plan_unchanged", "courses_unchanged"])
def test_saving_the_same_plan_or_courses_keeps_the_commitment(ready, training_admin, enterprise, occupation, platform,
                                                              course, edit):
    if edit == "plan_unchanged":
        services.project_update(project=ready, data=plan(enterprise, occupation, platform), actor=training_admin)
    else:
        services.project_courses_set(project=ready, courses=[course], actor=training_admin)
    ready.refresh_from_db()
    assert ready.commitment_accepted_at is not None


@pytest.mark.parametrize("edit", ["plan", "roster", "material_add", "material_remove"])
def test_every_kind_of_content_edit_voids_the_commitment(ready, training_admin, enterprise, occupation, platform,
                                                         roster_rows, edit):
    if edit == "plan":
        services.project_update(project=ready, data=plan(enterprise, occupation, platform, planned_headcount=4),
                                actor=training_admin)
    elif edit == "roster":
        services.roster_import_xlsx(project=ready, upload=xlsx_file(roster_rows), actor=training_admin)
    elif edit == "material_add":
        services.project_material_add(project=ready, kind=MaterialKind.BUSINESS_LICENCE, upload=pdf("营业执照2.pdf"),
                                      actor=training_admin)
    else:
        services.project_material_remove(material=ready.materials.first(), actor=training_admin)
    ready.refresh_from_db()
    assert ready.commitment_accepted_at is None


def test_a_shaoguan_job_transfer_filing_must_say_whether_it_received_the_affected_aid(
        training_admin, enterprise, occupation, platform, bureaus):
    transfer = services.project_create(data=plan(enterprise, occupation, platform, kind="job_transfer"),
                                       actor=training_admin)
    assert "affected_aid_unanswered" in [m.code for m in selectors.missing_for_submit(project=transfer)]
    services.project_update(project=transfer, data=plan(enterprise, occupation, platform, kind="job_transfer",
                                                        received_affected_aid=False), actor=training_admin)
    transfer.refresh_from_db()
    assert transfer.received_affected_aid is False
    assert "affected_aid_unanswered" not in [m.code for m in selectors.missing_for_submit(project=transfer)]


def test_other_training_kinds_are_not_asked(draft):
    assert draft.kind == "on_the_job"
    assert "affected_aid_unanswered" not in [m.code for m in selectors.missing_for_submit(project=draft)]
