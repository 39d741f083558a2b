"""The services: who may register a platform, the evaluation workflow and its deadline, the
uploads, the recommended platforms, usability for filing, and the cities' filings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.identity.models import Role
from jineng.platforms import selectors, services
from jineng.platforms.models import (
    TRANSITIONS,
    EvaluationMaterial,
    EvaluationStatus,
    MaterialGroup,
    Platform,
    PlatformEvaluation,
    PlatformEvaluationEvent,
    PlatformFiling,
)
from jineng.platforms.tests.conftest import EXE_BYTES, four_materials, pdf, shanghai, stored_files

pytestmark = pytest.mark.django_db


def actions(target) -> list[str]:
    return list(AuditEntry.objects.filter(target_id=str(target.pk), target_type=f"platforms.{target._meta.model_name}")
                .order_by("seq").values_list("action", flat=True))


# --- platforms --------------------------------------------------------------------------------

def test_a_platform_operator_registers_the_platform_of_their_organisation(operator, institution):
    platform = services.platform_register(data=services.PlatformData(
        name="技能 jineng", website="jineng.example.cn", operator=institution, ownership=Platform.Ownership.OURS,
        ip_address="203.0.113.7", server_city="韶关市"), actor=operator)
    assert (platform.operator, platform.ownership, platform.ip_address, platform.recommendation) == (
        institution, "ours", "203.0.113.7", "none")
    assert actions(platform) == ["platform.register"]


def test_a_platform_operator_cannot_register_for_another_organisation(operator, enterprise):
    with pytest.raises(PermissionDenied) as exc:
        services.platform_register(data=services.PlatformData(name="别家平台", website="x.example.cn",
                                                              operator=enterprise), actor=operator)
    assert exc.value.code == "operator_not_yours"
    assert not Platform.objects.exists()


def test_a_training_admin_registers_a_third_party_platform_for_their_enterprise(platform, enterprise, training_admin):
    assert (platform.ownership, platform.registered_for, platform.registered_by) == ("third_party", enterprise,
                                                                                     training_admin)
    assert selectors.user_can_edit_platform(user=training_admin, platform=platform)


@pytest.mark.parametrize("field, value, code", [
    ("ownership", Platform.Ownership.OURS, "ownership_not_allowed"),
    ("recommendation", Platform.Recommendation.MINISTRY, "recommendation_not_allowed"),
], ids=["ours", "recommended"])
def test_a_training_admin_cannot_claim_ours_or_recommended(training_admin, institution, field, value, code):
    data = {"name": "某平台", "website": "p.example.cn", "operator": institution, field: value,
            "recommendation_source": "某文号"}
    with pytest.raises(PermissionDenied) as exc:
        services.platform_register(data=services.PlatformData(**data), actor=training_admin)
    assert exc.value.code == code


@pytest.mark.parametrize("data, code, field", [
    ({"name": " "}, "platform_name_required", "name"),
    ({"name": "平台"}, "platform_address_required", "website"),
    ({"name": "平台", "website": "not a site"}, "website_invalid", "website"),
    ({"name": "平台", "website": "p.example.cn", "ip_address": "300.1.1.1"}, "ip_address_invalid", "ip_address"),
    ({"name": "平台", "website": "p.example.cn", "recommendation": "province", "recommendation_source": "x"},
     "recommended_region_required", "recommended_region"),
    ({"name": "平台", "website": "p.example.cn", "recommendation": "ministry"}, "recommendation_source_required",
     "recommendation_source"),
    ({"name": "平台", "website": "p.example.cn", "ownership": "ours"}, "operator_required", "operator"),
], ids=["no-name", "no-address", "bad-website", "bad-ip", "province-without-region", "no-source", "ours-no-operator"])
def test_registration_refusals_say_what_to_fix(sysadmin, data, code, field):
    with pytest.raises(DomainError) as exc:
        services.platform_register(data=services.PlatformData(**data), actor=sysadmin)
    assert (exc.value.code, exc.value.field) == (code, field)


def test_a_platform_name_is_registered_once(platform, other_admin):
    with pytest.raises(DomainError) as exc:
        services.platform_register(data=services.PlatformData(name="岭南职工云课堂", website="b.example.cn"),
                                   actor=other_admin)
    assert exc.value.code == "platform_exists"


def test_update_by_the_registrant_and_refusals(platform, training_admin, other_admin, sysadmin, shandong):
    data = services.PlatformData(name="岭南职工云课堂", website="ketang.example.com", icp_number="粤ICP备00000000号-2",
                                 ip_address="203.0.113.11", server_city="深圳市", operator_name="广东岭南职教科技有限公司")
    services.platform_update(platform=platform, data=data, actor=training_admin)
    platform.refresh_from_db()
    assert (platform.icp_number, platform.ip_address, platform.server_city) == ("粤ICP备00000000号-2", "203.0.113.11",
                                                                                "深圳市")
    entry = AuditEntry.objects.filter(action="platform.update").get()
    assert entry.summary["changed"]["server_city"] == ["广州市", "深圳市"]
    with pytest.raises(PermissionDenied):
        services.platform_update(platform=platform, data=data, actor=other_admin)
    promoted = services.PlatformData(**{**data.__dict__, "recommendation": "province", "recommended_region": shandong,
                                        "recommendation_source": "鲁人社字〔2020〕11号"})
    with pytest.raises(PermissionDenied) as exc:
        services.platform_update(platform=platform, data=promoted, actor=training_admin)
    assert exc.value.code == "recommendation_not_allowed"
    services.platform_update(platform=platform, data=promoted, actor=sysadmin)
    platform.refresh_from_db()
    assert (platform.recommendation, platform.recommended_region_id) == ("province", "370000")


# --- the workflow -----------------------------------------------------------------------------

def test_a_draft_is_routed_to_the_service_centre_of_the_enterprise_city(draft, centres, training_admin):
    assert (draft.status, draft.centre, draft.city_code, draft.due_date) == ("draft", centres["shaoguan"], "440200", None)
    assert sorted(draft.materials.values_list("group", flat=True)) == sorted(MaterialGroup.values)
    assert list(draft.courses.values_list("position", "name", "minutes")) == [
        (1, "安全生产与职业健康", 90), (2, "疫情防控知识", 45)]
    assert [(e.transition, e.from_status, e.to_status) for e in draft.events.all()] == [("create", "", "draft")]
    assert actions(draft) == ["platform_evaluation.create"]


def test_submission_sets_the_deadline_three_working_days_later_across_may_day(submitted):
    # 2020-04-29 (Wed) → 04-30 is the 1st working day; 05-01..05-05 are the Labour Day holiday;
    # 05-06 is the 2nd and 05-07 the 3rd.
    assert submitted.status == "submitted"
    assert submitted.due_date == dt.date(2020, 5, 7)
    assert submitted.submitted_at == shanghai(2020, 4, 29, 10, 0)
    assert submitted.platform_facts["icp_number"] == "粤ICP备00000000号-1"
    assert [e.transition for e in submitted.events.all()] == ["create", "submit"]
    assert actions(submitted) == ["platform_evaluation.create", "platform_evaluation.submit"]


@pytest.mark.parametrize("moment, due", [
    (shanghai(2020, 5, 6, 9, 0), dt.date(2020, 5, 9)),     # 05-09 (Saturday) was an adjusted working day
    (shanghai(2020, 5, 2, 9, 0), dt.date(2020, 5, 8)),     # submitted on a holiday: 05-06, 05-07, 05-08
    (shanghai(2020, 9, 30, 23, 30), dt.date(2020, 10, 12)),  # National Day: 10-01..10-08 off, 10-10 (Sat) worked
    (shanghai(2020, 4, 30, 0, 30), dt.date(2020, 5, 8)),   # 16:30 UTC the day before: the local date counts
], ids=["adjusted-saturday", "on-a-holiday", "national-day", "local-date"])
def test_the_deadline_follows_the_chinese_working_day_calendar(draft, training_admin, frozen_clock, moment, due):
    frozen_clock(moment)
    assert services.evaluation_submit(evaluation=draft, actor=training_admin).due_date == due


def test_a_year_without_a_holiday_calendar_is_refused_not_guessed(draft, training_admin, frozen_clock):
    frozen_clock(shanghai(2099, 3, 2, 9, 0))
    with pytest.raises(DomainError) as exc:
        services.evaluation_submit(evaluation=draft, actor=training_admin)
    assert exc.value.code == "calendar_year_unknown"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_approval_in_time(submitted, officer, frozen_clock):
    frozen_clock(shanghai(2020, 5, 7, 17, 0))
    approved = services.evaluation_approve(evaluation=submitted, actor=officer, comment="同意使用")
    assert (approved.status, approved.decided_late, approved.late_working_days, approved.decided_by) == (
        "approved", False, 0, officer)
    event = approved.events.last()
    assert (event.transition, event.from_status, event.to_status, event.comment, event.late) == (
        "approve", "submitted", "approved", "同意使用", False)


def test_a_decision_after_the_deadline_is_allowed_and_recorded_late(submitted, officer, frozen_clock):
    frozen_clock(shanghai(2020, 5, 11, 9, 0))  # due 05-07; 05-08 (Fri), 05-09 (adjusted Sat), 05-11 (Mon)
    approved = services.evaluation_approve(evaluation=submitted, actor=officer)
    assert (approved.status, approved.decided_late, approved.late_working_days) == ("approved", True, 3)
    assert approved.decision_comment == "经评估，该平台可用于企业职工线上适岗职业技能培训。"
    entry = AuditEntry.objects.filter(action="platform_evaluation.approve").get()
    assert (entry.summary["late"], entry.summary["late_working_days"]) == (True, 3)
    assert approved.events.last().late is True


def test_returned_requests_are_fixed_and_submitted_again(submitted, officer, training_admin, frozen_clock):
    returned = services.evaluation_return(evaluation=submitted, actor=officer, comment="请补充个人信息保护制度全文")
    assert (returned.status, returned.decision_comment) == ("returned", "请补充个人信息保护制度全文")
    services.evaluation_update(evaluation=returned, project_name="2020 年职工线上适岗培训", occupation_name="机械加工（检验）",
                               courses=[services.CourseRow("安全生产", "法规", "video", 60)],
                               materials={"construction": [pdf("个人信息保护制度.pdf")]}, replace_materials=True,
                               actor=training_admin)
    assert list(returned.materials.filter(group="construction").values_list("original_name", flat=True)) == [
        "个人信息保护制度.pdf"]
    frozen_clock(shanghai(2020, 5, 8, 9, 0))
    again = services.evaluation_submit(evaluation=returned, actor=training_admin)
    assert (again.status, again.rounds, again.due_date) == ("submitted", 2, dt.date(2020, 5, 12))
    assert [(e.transition, e.to_status) for e in again.events.all()] == [
        ("create", "draft"), ("submit", "submitted"), ("return", "returned"), ("submit", "submitted")]


def test_rejection_needs_a_reason(submitted, officer):
    with pytest.raises(DomainError) as exc:
        services.evaluation_reject(evaluation=submitted, actor=officer, comment=" ")
    assert (exc.value.code, exc.value.field) == ("comment_required", "comment")
    rejected = services.evaluation_reject(evaluation=submitted, actor=officer, comment="服务器不在中国内地")
    assert rejected.status == "rejected"


def _drive_to(state: str, *, draft, training_admin, officer) -> PlatformEvaluation:
    if state == "draft":
        return draft
    evaluation = services.evaluation_submit(evaluation=draft, actor=training_admin)
    if state == "submitted":
        return evaluation
    decide = {"approved": services.evaluation_approve, "returned": services.evaluation_return,
              "rejected": services.evaluation_reject}[state]
    return decide(evaluation=evaluation, actor=officer, comment="意见")


DISALLOWED = [(state, transition) for state in EvaluationStatus.values for transition in TRANSITIONS
              if state not in TRANSITIONS[transition][0]]


def test_the_table_of_disallowed_transitions_is_what_the_notice_implies():
    assert DISALLOWED == [
        ("draft", "approve"), ("draft", "return"), ("draft", "reject"),
        ("submitted", "submit"),
        ("approved", "submit"), ("approved", "approve"), ("approved", "return"), ("approved", "reject"),
        ("returned", "approve"), ("returned", "return"), ("returned", "reject"),
        ("rejected", "submit"), ("rejected", "approve"), ("rejected", "return"), ("rejected", "reject"),
    ]


@pytest.mark.parametrize("state, transition", DISALLOWED, ids=[f"{s}-{t}" for s, t in DISALLOWED])
def test_every_disallowed_transition_is_refused_with_a_code(draft, training_admin, officer, frozen_clock, state,
                                                            transition):
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    evaluation = _drive_to(state, draft=draft, training_admin=training_admin, officer=officer)
    events_before = PlatformEvaluationEvent.objects.count()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        if transition == "submit":
            services.evaluation_submit(evaluation=evaluation, actor=training_admin)
        else:
            services.evaluation_decide(evaluation=evaluation, decision=transition, comment="意见", actor=officer)
    assert exc.value.code == "evaluation_transition_not_allowed"
    assert exc.value.details == {"status": state, "transition": transition}
    assert EvaluationStatus(state).label in exc.value.message
    evaluation.refresh_from_db()
    assert evaluation.status == state
    assert (PlatformEvaluationEvent.objects.count(), AuditEntry.objects.count()) == (events_before, audit_before)


@pytest.mark.parametrize("state", ["submitted", "approved", "rejected"])
def test_only_drafts_and_returned_requests_can_be_edited(draft, training_admin, officer, state):
    evaluation = _drive_to(state, draft=draft, training_admin=training_admin, officer=officer)
    with pytest.raises(DomainError) as exc:
        services.evaluation_update(evaluation=evaluation, project_name="x", occupation_name="y", courses=COURSES_ONE,
                                   actor=training_admin)
    assert exc.value.code == "evaluation_not_editable"


COURSES_ONE = [services.CourseRow("安全生产", "法规", "video", 60)]


def test_submission_needs_every_material_group_and_a_course(make_request, training_admin, enterprise, platform):
    evaluation = make_request(admin=training_admin, organization=enterprise, platform=platform,
                              materials={"credentials": [pdf()], "content": [pdf()]}, courses=[])
    with pytest.raises(DomainError) as exc:
        services.evaluation_submit(evaluation=evaluation, actor=training_admin)
    assert (exc.value.code, exc.value.field, exc.value.message) == (
        "materials_missing", "construction", "请上传附表5-2 所列材料后再提交，尚缺：平台建设材料、平台运行材料")
    services.evaluation_update(evaluation=evaluation, project_name="项目", occupation_name="工种", courses=[],
                               materials={"construction": [pdf()], "operation": [pdf()]}, actor=training_admin)
    with pytest.raises(DomainError) as exc:
        services.evaluation_submit(evaluation=evaluation, actor=training_admin)
    assert (exc.value.code, exc.value.field) == ("courses_missing", "courses")


@pytest.mark.parametrize("row, code", [
    (services.CourseRow("", "要点", "video", 10), "course_name_required"),
    (services.CourseRow("课程", "", "video", 10), "course_points_required"),
    (services.CourseRow("课程", "要点", "vhs", 10), "course_form_invalid"),
    (services.CourseRow("课程", "要点", "video", 0), "course_minutes_invalid"),
], ids=["name", "points", "form", "minutes"])
def test_course_rows_are_checked_row_by_row(make_request, training_admin, enterprise, platform, row, code):
    with pytest.raises(DomainError) as exc:
        make_request(admin=training_admin, organization=enterprise, platform=platform, courses=[COURSES_ONE[0], row])
    assert exc.value.code == code
    assert exc.value.message.startswith("第 2 行")
    assert not PlatformEvaluation.objects.exists()


# --- uploads ----------------------------------------------------------------------------------

def test_an_exe_renamed_pdf_is_refused_and_nothing_is_stored(make_request, training_admin, enterprise, platform,
                                                            media_root):
    materials = four_materials()
    materials["operation"] = [SimpleUploadedFile("质量管控体系.pdf", EXE_BYTES, content_type="application/pdf")]
    with pytest.raises(DomainError) as exc:
        make_request(admin=training_admin, organization=enterprise, platform=platform, materials=materials)
    assert (exc.value.code, exc.value.field) == ("file_type_not_allowed", "operation")
    assert exc.value.message == "平台运行材料“质量管控体系.pdf”：证明材料只接受 PDF、JPG 或 PNG 文件"
    assert not PlatformEvaluation.objects.exists()
    assert not EvaluationMaterial.objects.exists()
    assert stored_files(media_root) == []


def test_a_bad_file_added_to_a_draft_stores_nothing(draft, training_admin, media_root):
    before = stored_files(media_root)
    with pytest.raises(DomainError) as exc:
        services.evaluation_update(evaluation=draft, project_name="项目", occupation_name="工种", courses=COURSES_ONE,
                                   materials={"content": [pdf("ok.pdf"), SimpleUploadedFile("x.png", b"GIF89a....")]},
                                   actor=training_admin)
    assert exc.value.code == "file_type_not_allowed"
    assert stored_files(media_root) == before
    assert draft.materials.count() == 4
    assert draft.courses.count() == 2  # the rows were not replaced either


def test_materials_record_kind_size_and_digest(draft):
    material = draft.materials.get(group="operation")
    assert (material.kind, material.original_name) == ("png", "质量管控体系.png")
    import hashlib

    assert material.sha256 == hashlib.sha256(material.file.open("rb").read()).hexdigest()


# --- recommended platforms ----------------------------------------------------------------------

def test_a_ministry_recommended_platform_needs_no_evaluation(make_request, training_admin, enterprise,
                                                             ministry_platform):
    with pytest.raises(DomainError) as exc:
        make_request(admin=training_admin, organization=enterprise, platform=ministry_platform)
    assert exc.value.code == "evaluation_not_needed"
    assert exc.value.message == ("“中国职业培训在线”是人力资源社会保障部推荐的线上培训平台（人社厅函〔2020〕24号），"
                                 "无需评估，可直接用于培训备案")
    assert not PlatformEvaluation.objects.exists()


def test_a_platform_recommended_after_the_draft_cannot_be_submitted(draft, training_admin, sysadmin):
    platform = draft.platform
    services.platform_update(platform=platform, data=services.PlatformData(
        name=platform.name, website=platform.website, recommendation="ministry", recommendation_source="人社厅函〔2020〕24号"),
        actor=sysadmin)
    draft.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.evaluation_submit(evaluation=draft, actor=training_admin)
    assert exc.value.code == "evaluation_not_needed"


def test_a_province_recommendation_counts_only_inside_that_province(shandong_platform, enterprise, make_request,
                                                                     training_admin, make_organization, make_staff):
    from jineng.regions.models import Region

    jinan = Region.objects.create(code="370100", name="济南市", level="city", parent_id="370000",
                                  province_code="370000", city_code="370100")
    Region.objects.create(code="370102", name="历下区", level="county", parent=jinan, province_code="370000",
                          city_code="370100")
    shandong_enterprise = make_organization("370102", name="济南某制造企业")
    shandong_admin = make_staff(Role.TRAINING_ADMIN, organization=shandong_enterprise)
    assert selectors.recommendation_covers(platform=shandong_platform, organization=shandong_enterprise) is True
    assert selectors.recommendation_covers(platform=shandong_platform, organization=enterprise) is False
    with pytest.raises(DomainError) as exc:
        make_request(admin=shandong_admin, organization=shandong_enterprise, platform=shandong_platform)
    assert exc.value.code == "evaluation_not_needed"
    assert exc.value.message.startswith("“行知学徒网”是山东省人力资源社会保障厅推荐的线上培训平台")
    evaluation = make_request(admin=training_admin, organization=enterprise, platform=shandong_platform)
    assert evaluation.status == "draft"  # a Shandong recommendation does not spare a Shaoguan enterprise


# --- permissions ------------------------------------------------------------------------------

def test_an_officer_of_another_city_cannot_decide(submitted, pzh_officer):
    with pytest.raises(PermissionDenied) as exc:
        services.evaluation_approve(evaluation=submitted, actor=pzh_officer)
    assert exc.value.code == "not_the_deciding_centre"
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


@pytest.mark.parametrize("who", ["county_reviewer", "training_admin", "sysadmin", "operator"])
def test_only_city_officers_decide(submitted, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.evaluation_approve(evaluation=submitted, actor=actor)


def test_a_province_officer_contains_the_enterprise_and_may_decide(submitted, province_officer):
    assert services.evaluation_return(evaluation=submitted, actor=province_officer, comment="补充").status == "returned"


def test_a_training_admin_of_another_enterprise_cannot_see_edit_or_submit(draft, other_admin):
    assert not selectors.evaluations_visible_to(user=other_admin).filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(evaluation=draft, actor=other_admin)
    with pytest.raises(PermissionDenied):
        services.evaluation_update(evaluation=draft, project_name="x", occupation_name="y", courses=COURSES_ONE,
                                   actor=other_admin)


def test_who_sees_a_request(draft, training_admin, officer, province_officer, county_reviewer, pzh_officer, sysadmin,
                            operator, make_staff, regions):
    wujiang = make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"])
    seen = {user.username: selectors.evaluations_visible_to(user=user).filter(pk=draft.pk).exists()
            for user in (training_admin, officer, province_officer, county_reviewer, pzh_officer, sysadmin, operator,
                         wujiang)}
    assert seen == {"danxia_admin": True, "sg_city": True, "gd_province": True, "zhenjiang": True,
                    "pzh_city": False, "sysadmin": True, "school_operator": False, wujiang.username: False}


def test_only_the_enterprise_admin_creates_requests(other_admin, enterprise, platform, make_request):
    with pytest.raises(PermissionDenied):
        make_request(admin=other_admin, organization=enterprise, platform=platform)


def test_one_open_request_per_enterprise_and_platform(draft, make_request, training_admin, enterprise, platform,
                                                      officer):
    with pytest.raises(DomainError) as exc:
        make_request(admin=training_admin, organization=enterprise, platform=platform)
    assert exc.value.code == "evaluation_exists"
    services.evaluation_submit(evaluation=draft, actor=training_admin)
    services.evaluation_reject(evaluation=draft, actor=officer, comment="材料不实")
    again = make_request(admin=training_admin, organization=enterprise, platform=platform)  # after a rejection
    services.evaluation_submit(evaluation=again, actor=training_admin)
    services.evaluation_approve(evaluation=again, actor=officer)
    with pytest.raises(DomainError) as exc:
        make_request(admin=training_admin, organization=enterprise, platform=platform)
    assert exc.value.code == "evaluation_already_approved"


def test_a_city_without_a_service_centre_cannot_take_requests(regions, pzh_admin, pzh_enterprise, platform):
    with pytest.raises(DomainError) as exc:
        services.evaluation_create(organization=pzh_enterprise, platform=platform, project_name="p",
                                   occupation_name="o", courses=COURSES_ONE, materials=four_materials(),
                                   actor=pzh_admin)
    assert exc.value.code == "no_service_centre"
    assert exc.value.message.startswith("攀枝花市尚未登记职业技能服务中心")


def test_requests_go_to_their_own_city_centre(make_request, pzh_admin, pzh_enterprise, platform, centres):
    evaluation = make_request(admin=pzh_admin, organization=pzh_enterprise, platform=platform)
    assert (evaluation.centre, evaluation.city_code) == (centres["panzhihua"], "510400")


# --- usable for filing ------------------------------------------------------------------------

def test_platform_usable_by(submitted, officer, training_admin, other_enterprise, enterprise, ministry_platform,
                            shandong_platform, frozen_clock):
    on = dt.date(2020, 5, 6)
    assert selectors.platform_usable_by(organization=enterprise, platform=submitted.platform, on=on) == (
        False, "评估申请正在韶关市职业技能服务中心审核，评估期限 2020-05-07；通过评估后才能用于备案")
    frozen_clock(shanghai(2020, 5, 6, 15, 0))
    services.evaluation_approve(evaluation=submitted, actor=officer)
    assert selectors.platform_usable_by(organization=enterprise, platform=submitted.platform, on=on) == (
        True, "已于 2020-05-06 通过韶关市职业技能服务中心评估")
    assert selectors.platform_usable_by(organization=enterprise, platform=submitted.platform,
                                        on=dt.date(2020, 5, 5)) == (
        False, "评估于 2020-05-06 通过，2020-05-05 时尚未通过评估")
    assert selectors.platform_usable_by(organization=other_enterprise, platform=submitted.platform, on=on) == (
        False, "该平台尚未经过评估：请先向市职业技能服务中心提交平台评估申请（附表5-1、5-2），通过后方可备案")
    assert selectors.platform_usable_by(organization=other_enterprise, platform=ministry_platform, on=on) == (
        True, "人力资源社会保障部推荐的平台（人社厅函〔2020〕24号），无需评估")
    assert selectors.platform_usable_by(organization=other_enterprise, platform=shandong_platform, on=on)[0] is False


@pytest.mark.parametrize("state, reason", [
    ("draft", "评估申请尚未提交，请补齐材料后提交市职业技能服务中心评估"),
    ("returned", "评估申请已被退回，请按评估意见修改材料后重新提交"),
    ("rejected", "该平台评估未通过，不能用于备案；可改用推荐平台或其他已通过评估的平台"),
])
def test_not_usable_while_not_approved(draft, training_admin, officer, enterprise, state, reason):
    evaluation = _drive_to(state, draft=draft, training_admin=training_admin, officer=officer)
    assert selectors.platform_usable_by(organization=enterprise, platform=evaluation.platform,
                                        on=dt.date(2030, 1, 1)) == (False, reason)


# --- filings ----------------------------------------------------------------------------------

def test_a_city_files_platforms_and_the_province_sees_them_per_city(officer, province_officer, pzh_officer, platform,
                                                                    ministry_platform, regions):
    filing = services.platform_filing_create(city=regions["shaoguan"], platform=platform, note="本市遴选",
                                             actor=officer)
    assert (filing.city_id, filing.filed_by, filing.note) == ("440200", officer, "本市遴选")
    assert actions(filing) == ["platform_filing.create"]
    with pytest.raises(DomainError) as exc:
        services.platform_filing_create(city=regions["shaoguan"], platform=platform, actor=province_officer)
    assert exc.value.code == "filing_exists"
    with pytest.raises(PermissionDenied):
        services.platform_filing_create(city=regions["shaoguan"], platform=ministry_platform, actor=pzh_officer)
    with pytest.raises(DomainError) as exc:
        services.platform_filing_create(city=regions["zhenjiang"], platform=platform, actor=officer)
    assert exc.value.code == "city_required"
    by_city = selectors.platform_filings_by_city(user=province_officer)
    assert [(c.city.name, [f.platform.name for f in c.filings]) for c in by_city] == [("韶关市", ["岭南职工云课堂"])]
    assert [c.city.name for c in selectors.platform_filings_by_city(user=pzh_officer)] == ["攀枝花市"]
    services.platform_filing_withdraw(filing=filing, actor=officer)
    assert selectors.platform_filings_by_city(user=officer)[0].filings == []
    again = services.platform_filing_create(city=regions["shaoguan"], platform=platform, actor=officer)
    assert PlatformFiling.objects.filter(city="440200").count() == 2 and again.withdrawn_at is None


def test_only_officers_file(training_admin, county_reviewer, platform, regions):
    for actor in (training_admin, county_reviewer):
        with pytest.raises(PermissionDenied):
            services.platform_filing_create(city=regions["shaoguan"], platform=platform, actor=actor)
