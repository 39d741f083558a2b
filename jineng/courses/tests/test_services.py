import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses import services
from jineng.courses.models import Course, Lesson, Module, Occupation

pytestmark = pytest.mark.django_db


def test_an_operator_creates_a_course_for_their_organisation_and_it_is_audited(course, operator, provider):
    assert course.status == Course.Status.DRAFT
    assert (course.provider, course.level, course.created_by) == (provider, 5, operator)
    entry = AuditEntry.objects.get(action="course.create")
    assert entry.target_id == str(course.pk)
    assert entry.organization_id == provider.pk
    assert entry.summary["occupation"] == "6-18-02-04"


def test_an_operator_of_another_organisation_cannot_create_a_course_for_this_one(other_operator, provider, occupation):
    with pytest.raises(PermissionDenied) as refused:
        services.course_create(provider=provider, occupation=occupation, level=5, title="冒名课程", actor=other_operator)
    assert refused.value.message == "只能为本单位（您担任平台运营人员的单位）创建课程"
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, a: services.course_update(course=c, occupation=c.occupation, level=5, title="改名",
                                                         summary="", is_free_resource=False, actor=a), id="update"),
        pytest.param(lambda c, a: services.module_add(course=c, title="模块", category="public", planned_minutes=45,
                                                      actor=a), id="module_add"),
        pytest.param(lambda c, a: services.course_publish(course=c, actor=a), id="publish"),
    ],
)
def test_an_operator_of_another_organisation_is_refused(course, other_operator, call):
    with pytest.raises(PermissionDenied) as refused:
        call(course, other_operator)
    assert refused.value.message == "只有课程提供单位的平台运营人员或系统管理员可以修改该课程"
    course.refresh_from_db()
    assert course.title == "焊工（初级）线上理论培训" and not course.modules.exists()


def test_a_learner_cannot_author(learner, provider, occupation, course):
    with pytest.raises(PermissionDenied) as refused:
        services.course_create(provider=provider, occupation=occupation, level=5, title="学员课程", actor=learner)
    assert refused.value.message == "只有平台运营人员或系统管理员可以创建课程"
    with pytest.raises(PermissionDenied):
        services.module_add(course=course, title="模块", category="public", planned_minutes=45, actor=learner)
    with pytest.raises(PermissionDenied):
        services.occupation_create(code="4-10-01-05", name="养老护理员", levels=[5], actor=learner)


def test_a_system_administrator_manages_any_providers_course(course, admin_user):
    module = services.module_add(course=course, title="职业道德", category="public", planned_minutes=45, actor=admin_user)
    assert module.course == course


@pytest.mark.parametrize(
    ("code", "levels", "error"),
    [
        pytest.param("6180204", [5], "occupation_code_invalid", id="code-without-dashes"),
        pytest.param("6-18-02-04", [5], "occupation_exists", id="duplicate"),
        pytest.param("4-10-01-05", [6], "level_invalid", id="level-six"),
    ],
)
def test_occupation_create_refusals(occupation, operator, code, levels, error):
    with pytest.raises(DomainError) as refused:
        services.occupation_create(code=code, name="某职业", levels=levels, actor=operator)
    assert refused.value.code == error


def test_occupation_levels_are_kept_highest_number_first(operator):
    occupation = services.occupation_create(code="4-10-01-05", name="养老护理员", levels=[3, 5, 4, 5], actor=operator)
    assert Occupation.objects.get(pk=occupation.pk).levels == [5, 4, 3]


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        pytest.param(None, "level_required", "“焊工”按等级培训，请选择等级（可选：五级/初级工、四级/中级工、三级/高级工、二级/技师、一级/高级技师）", id="missing"),
        pytest.param(7, "level_invalid", "等级应为 5（初级）到 1（高级技师）", id="out-of-range"),
    ],
)
def test_the_level_must_be_one_the_occupation_offers(provider, operator, occupation, level, code, message):
    with pytest.raises(DomainError) as refused:
        services.course_create(provider=provider, occupation=occupation, level=level, title="课程", actor=operator)
    assert (refused.value.code, refused.value.message, refused.value.field) == (code, message, "level")


def test_an_occupation_without_levels_takes_none(provider, operator):
    general = services.occupation_create(code="4-99-00-00", name="通用岗位", levels=[], actor=operator)
    with pytest.raises(DomainError) as refused:
        services.course_create(provider=provider, occupation=general, level=5, title="课程", actor=operator)
    assert refused.value.message == "“通用岗位”不分等级，请选择“不分等级”"
    assert services.course_create(provider=provider, occupation=general, level=None, title="课程", actor=operator).level is None


def test_modules_are_added_in_order_and_reordered(course, operator):
    first = services.module_add(course=course, title="职业道德", category="public", planned_minutes=45, actor=operator)
    second = services.module_add(course=course, title="安全生产", category="public", planned_minutes=90, actor=operator)
    third = services.module_add(course=course, title="焊接基础", category="professional", planned_minutes=135,
                                actor=operator)
    assert [first.position, second.position, third.position] == [1, 2, 3]
    services.module_reorder(course=course, module_ids=[third.pk, first.pk, second.pk], actor=operator)
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == ["焊接基础", "职业道德", "安全生产"]
    services.module_move(module=Module.objects.get(pk=second.pk), direction="up", actor=operator)
    assert list(course.modules.order_by("position").values_list("title", flat=True)) == ["焊接基础", "安全生产", "职业道德"]
    assert AuditEntry.objects.filter(action="course.module.reorder").count() == 2


@pytest.mark.parametrize(
    "ids",
    [pytest.param("missing", id="missing-one"), pytest.param("duplicate", id="duplicate"),
     pytest.param("foreign", id="foreign-module")],
)
def test_a_reorder_must_name_every_module_once(course, operator, ids):
    a = services.module_add(course=course, title="A", category="public", planned_minutes=45, actor=operator)
    b = services.module_add(course=course, title="B", category="public", planned_minutes=45, actor=operator)
    wanted = {"missing": [a.pk], "duplicate": [a.pk, a.pk], "foreign": [a.pk, b.pk + 1000]}[ids]
    with pytest.raises(DomainError) as refused:
        services.module_reorder(course=course, module_ids=wanted, actor=operator)
    assert refused.value.code == "order_mismatch"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        pytest.param({"title": " "}, "title", "请填写模块名称", id="no-title"),
        pytest.param({"category": "other"}, "category", "请选择模块类别：公共必修课或专业技能课", id="bad-category"),
        pytest.param({"planned_minutes": 0}, "planned_minutes", "计划学习时长须大于 0 分钟", id="zero-minutes"),
    ],
)
def test_module_add_refusals(course, operator, kwargs, field, message):
    arguments = {"title": "职业道德", "category": "public", "planned_minutes": 45, **kwargs}
    with pytest.raises(DomainError) as refused:
        services.module_add(course=course, actor=operator, **arguments)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_publishing_an_empty_course_says_what_to_add(course, operator):
    with pytest.raises(DomainError) as refused:
        services.course_publish(course=course, actor=operator)
    assert refused.value.code == "course_not_ready"
    assert refused.value.details["problems"] == ["课程还没有模块：请至少添加一个模块（公共必修课或专业技能课）"]
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publishing_names_every_module_without_lessons(course, module, operator):
    services.module_add(course=course, title="焊接基础", category="professional", planned_minutes=90, actor=operator)
    Module.objects.filter(pk=module.pk).update(planned_minutes=0)
    with pytest.raises(DomainError) as refused:
        services.course_publish(course=course, actor=operator)
    assert refused.value.details["problems"] == [
        "模块“安全生产”还没有课件：请添加视频、图文、直播或 SCORM 课件",
        "模块“安全生产”的计划学习时长为 0：请填写大于 0 的分钟数",
        "模块“焊接基础”还没有课件：请添加视频、图文、直播或 SCORM 课件",
    ]
    assert refused.value.message.startswith("课程还不能发布：模块“安全生产”还没有课件")


def test_publish_then_withdraw_then_publish_again(course, document_lesson, operator):
    clock.travel_to(dt.datetime(2020, 3, 2, 9, 0, tzinfo=dt.UTC))
    try:
        published = services.course_publish(course=course, actor=operator)
        assert (published.status, published.published_at) == ("published", dt.datetime(2020, 3, 2, 9, 0, tzinfo=dt.UTC))
        with pytest.raises(DomainError) as refused:
            services.course_publish(course=course, actor=operator)
        assert refused.value.message == "课程当前状态为“已发布”，不能发布"
        withdrawn = services.course_withdraw(course=course, actor=operator)
        assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
        assert services.course_publish(course=course, actor=operator).status == "published"
    finally:
        clock.reset()
    assert list(AuditEntry.objects.filter(action__in=["course.publish", "course.withdraw"])
                .order_by("seq").values_list("action", flat=True)) == ["course.publish", "course.withdraw", "course.publish"]


def test_a_published_course_cannot_change_until_it_is_withdrawn(published_course, module, operator):
    with pytest.raises(DomainError) as refused:
        services.module_add(course=published_course, title="新模块", category="public", planned_minutes=45, actor=operator)
    assert refused.value.message == "课程已发布，学员正在学习。如需修改，请先下架课程，改好后再重新发布"
    with pytest.raises(DomainError):
        services.lesson_add_document(module=module, title="新课件", body_html="内容", planned_minutes=10, actor=operator)
    assert Lesson.objects.count() == 1


def test_course_update_changes_fields_and_records_what_changed(course, operator):
    services.course_update(course=course, occupation=course.occupation, level=4, title="焊工（中级）", summary="新的简介",
                           is_free_resource=True, actor=operator)
    course.refresh_from_db()
    assert (course.title, course.level, course.summary, course.is_free_resource) == ("焊工（中级）", 4, "新的简介", True)
    changed = AuditEntry.objects.get(action="course.update").summary["changed"]
    assert changed == {"title": ["焊工（初级）线上理论培训", "焊工（中级）"], "level": [5, 4], "free_resource": [False, True]}


def test_live_lessons_are_scheduled_in_the_future(module, operator):
    clock.travel_to(dt.datetime(2020, 3, 2, 1, 0, tzinfo=dt.UTC))
    try:
        starts = dt.datetime(2020, 3, 9, 11, 30, tzinfo=dt.UTC)
        lesson = services.lesson_add_live(module=module, title="直播答疑", starts_at=starts,
                                          ends_at=starts + dt.timedelta(minutes=90),
                                          room_url="https://meeting.tencent.com/dm/abc", actor=operator)
        assert (lesson.kind, lesson.planned_minutes, lesson.position) == ("live", 90, 1)
        with pytest.raises(DomainError) as refused:
            services.lesson_add_live(module=module, title="过去的直播", starts_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
                                     ends_at=dt.datetime(2020, 3, 1, 1, tzinfo=dt.UTC),
                                     room_url="https://meeting.tencent.com/dm/abc", actor=operator)
        assert (refused.value.field, refused.value.message) == ("starts_at", "直播开始时间须晚于现在")
        with pytest.raises(DomainError) as refused:
            services.lesson_add_live(module=module, title="明文地址", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                                     room_url="http://example.com/room", actor=operator)
        assert refused.value.field == "room_url"
        with pytest.raises(DomainError) as refused:
            services.lesson_add_live(module=module, title="倒序", starts_at=starts, ends_at=starts - dt.timedelta(hours=1),
                                     room_url="https://example.com/room", actor=operator)
        assert refused.value.message == "直播结束时间须晚于开始时间"
    finally:
        clock.reset()


def test_lessons_and_modules_of_a_never_published_course_can_be_removed(course, module, document_lesson, operator,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_remove(lesson=document_lesson, actor=operator)
    assert not Lesson.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.module_remove(module=module, actor=operator)
    assert not Module.objects.exists()


def test_lessons_of_a_once_published_course_are_kept(published_course, document_lesson, operator):
    services.course_withdraw(course=published_course, actor=operator)
    with pytest.raises(DomainError) as refused:
        services.lesson_remove(lesson=document_lesson, actor=operator)
    assert refused.value.code == "course_was_published"
    assert Lesson.objects.filter(pk=document_lesson.pk).exists()
