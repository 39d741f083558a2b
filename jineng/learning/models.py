"""Enrolment, sign-in, study sessions, credited segments and the raw-beat evidence.

How time becomes class hours (see ``services/heartbeats.py``):

* a learner opens a lesson → ``StudySession`` (one *active* per person, a database constraint);
* the player posts batches of beats → each batch is kept once as a compact ``BeatBatch`` row
  (evidence, purged after the retention period) and folded into ``Segment`` rows: stretches of
  server time, each either credited or not credited for one named ``Reason``;
* credited milliseconds are added, in the same transaction, to ``LessonProgress``,
  ``ModuleProgress``, ``Enrolment`` and the person's ``DailyTotal`` — so totals are read, never
  recomputed, and a recount from the segments must give the same numbers.

Milliseconds are integers end to end; minutes = ms // 60 000, class hours = minutes // 45.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

CLASS_HOUR_MINUTES = 45  # 攀人社发〔2020〕33号：1 学时 = 45 分钟教学时长
MS_PER_MINUTE = 60_000


class Reason(models.TextChoices):
    """Why a stretch of time was not credited. Credited segments have an empty reason."""

    HIDDEN = "hidden", "页面不在前台（切换了标签页或锁屏）"
    UNFOCUSED = "unfocused", "窗口未激活（正在使用其他窗口）"
    RATE = "rate", "倍速播放（超过允许的播放速度）"
    SEEK_AHEAD = "seek_ahead", "拖动进度条跳过了未学内容"
    PRESENCE_UNANSWERED = "presence_unanswered", "未按时回应在线确认"
    DAILY_CAP = "daily_cap", "超过每日学时上限"
    PAUSED_BY_OTHER_DEVICE = "paused_by_other_device", "已在其他设备开始学习，本设备暂停计时"
    IDLE_GAP = "idle_gap", "长时间没有学习心跳（设备休眠、断网或页面关闭）"
    NOT_SIGNED_IN = "not_signed_in", "直播课未签到"
    OUTSIDE_LIVE_WINDOW = "outside_live_window", "不在直播时间内"


class Enrolment(models.Model):
    """报名: a person's place in a course — by themself, or by their organisation's training administrator."""

    class Source(models.TextChoices):
        SELF = "self", "本人报名"
        ORGANIZATION = "organization", "单位组织报名"
        PROJECT = "project", "培训项目名册报名"

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name="学员")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="enrolments",
                               verbose_name="课程")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="enrolments", verbose_name="组织单位")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="enrolments", verbose_name="培训项目",
                                help_text="经备案的培训项目报名；补贴申领只认这类报名")
    source = models.CharField("报名方式", max_length=16, choices=Source.choices)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField("报名时间")
    credited_ms = models.BigIntegerField("有效学习时长（毫秒）", default=0)
    first_studied_at = models.DateTimeField(null=True, blank=True)
    last_studied_at = models.DateTimeField("最近学习", null=True, blank=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="enrolment_once_per_course"),
            models.CheckConstraint(name="enrolment_credit_not_negative", condition=Q(credited_ms__gte=0)),
        ]
        indexes = [models.Index(fields=["organization", "course"], name="enrolment_org_course")]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"

    @property
    def credited_minutes(self) -> int:
        return self.credited_ms // MS_PER_MINUTE


class ModuleProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey("courses.Module", on_delete=models.PROTECT, related_name="+")
    credited_ms = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "模块学习进度"
        verbose_name_plural = "模块学习进度"
        constraints = [models.UniqueConstraint(fields=["enrolment", "module"], name="module_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.module_id}: {self.credited_ms // MS_PER_MINUTE} 分钟"


class LessonProgress(models.Model):
    """Per enrolment and lesson: credited time and, for videos, how far the learner has really
    watched (``max_position``, seconds) — the limit for the seek-ahead rule."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey("courses.Module", on_delete=models.PROTECT, related_name="+")
    credited_ms = models.BigIntegerField(default=0)
    max_position = models.FloatField("已学到（秒）", default=0)
    last_position = models.FloatField("上次位置（秒）", default=0)
    first_studied_at = models.DateTimeField(null=True, blank=True)
    last_studied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "课件学习进度"
        verbose_name_plural = "课件学习进度"
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}: {self.credited_ms // MS_PER_MINUTE} 分钟"


class DailyTotal(models.Model):
    """A person's credited time on one Asia/Shanghai calendar day, for the daily cap."""

    person = models.ForeignKey("identity.Person", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    credited_ms = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "每日学时"
        verbose_name_plural = "每日学时"
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="daily_total_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}: {self.credited_ms // MS_PER_MINUTE} 分钟"


class SignIn(models.Model):
    """签到: once per enrolment and study day (the first session of the day signs in by itself;
    the learner may also press 签到), and once per live lesson inside its live window."""

    class Kind(models.TextChoices):
        DAILY = "daily", "每日签到"
        LIVE = "live", "直播课签到"

    class Method(models.TextChoices):
        AUTO = "auto", "开始学习时自动签到"
        BUTTON = "button", "点击签到"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sign_ins")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    day = models.DateField("日期")
    lesson = models.ForeignKey("courses.Lesson", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签到时间（服务器）")
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    device_id = models.CharField("设备标识", max_length=64, blank=True)
    device_label = models.CharField("设备", max_length=120, blank=True)

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], condition=Q(kind="daily"), name="sign_in_daily_once"),
            models.UniqueConstraint(fields=["enrolment", "lesson"], condition=Q(kind="live"), name="sign_in_live_once"),
            models.CheckConstraint(name="sign_in_live_has_lesson",
                                   condition=Q(kind="daily", lesson__isnull=True) | Q(kind="live", lesson__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day} {self.signed_at:%H:%M}"


class StudySession(models.Model):
    """One player page on one device. Starting another on a second device pauses this one for good
    (``paused``); on the same device it ends it. The row is the lock for its heartbeats and keeps
    what the hot path needs: the seen seq ranges, the server time of the last batch, the open segment."""

    class State(models.TextChoices):
        ACTIVE = "active", "学习中"
        PAUSED = "paused", "已被其他设备暂停"
        ENDED = "ended", "已结束"

    class EndReason(models.TextChoices):
        CLOSED = "closed", "学员离开页面"
        SAME_DEVICE = "same_device", "在本设备打开了其他课件"
        OTHER_DEVICE = "other_device", "在其他设备开始学习"
        TIMEOUT = "timeout", "长时间无心跳，自动结束"

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="study_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="sessions")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="+",
                               help_text="当前课件（心跳中的课件切换时随之更新）")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.ACTIVE)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=16, choices=EndReason.choices, blank=True)
    paused_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    device_id = models.CharField("设备标识", max_length=64)
    device_label = models.CharField("设备", max_length=120, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    # --- the fold's state (hot path) ---
    last_beat_at = models.DateTimeField("最近心跳（服务器时间）")
    seen_ranges = models.JSONField(default=list, help_text="已收到的心跳序号区间 [[lo, hi], …]")
    beats_accepted = models.PositiveIntegerField(default=0)
    batches_accepted = models.PositiveIntegerField(default=0)
    credited_ms = models.BigIntegerField(default=0)
    uncredited_ms = models.BigIntegerField(default=0)
    open_segment_id = models.BigIntegerField(null=True, blank=True)
    open_segment_key = models.CharField(max_length=64, blank=True)
    lesson_kind = models.CharField(max_length=12)
    module_id_cached = models.BigIntegerField()
    lesson_max_position = models.FloatField(default=0)
    lesson_last_position = models.FloatField(default=0)
    signed_day = models.DateField(null=True, blank=True, help_text="本次学习已签到的日期")
    live_signed_in = models.BooleanField(default=False)
    presence_next_at = models.DateTimeField(null=True, blank=True)
    presence_check = models.ForeignKey("PresenceCheck", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    presence_deadline = models.DateTimeField(null=True, blank=True)
    presence_gap_from = models.DateTimeField(null=True, blank=True)
    presence_gap_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "学习会话"
        verbose_name_plural = "学习会话"
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(state="active"), name="one_active_session_per_person"),
        ]
        indexes = [models.Index(fields=["person", "started_at"], name="session_person_started"),
                   models.Index(fields=["enrolment", "started_at"], name="session_enrolment_started")]

    def __str__(self) -> str:
        return f"会话 {self.pk}（{self.person}）"


class PresenceCheck(models.Model):
    """A random 'are you still there?' prompt, issued with a batch response and answered through the API."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="presence_checks")
    issued_at = models.DateTimeField()
    deadline = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "在线确认"
        verbose_name_plural = "在线确认"

    def __str__(self) -> str:
        return f"在线确认 {self.pk}（会话 {self.session_id}）"

    @property
    def answered_in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.deadline


class Segment(models.Model):
    """A stretch of server time in one session, lesson and Shanghai day, either credited or not
    credited for one reason. Consecutive beats with the same verdict extend the open segment."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="segments")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="segments")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey("courses.Module", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    credited = models.BooleanField()
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    duration_ms = models.BigIntegerField()
    first_seq = models.PositiveIntegerField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(null=True, blank=True)
    position_from = models.FloatField(null=True, blank=True)
    position_to = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "学时片段"
        verbose_name_plural = "学时片段"
        constraints = [
            models.CheckConstraint(name="segment_reason_iff_not_credited",
                                   condition=Q(credited=True, reason="") | (Q(credited=False) & ~Q(reason=""))),
            models.CheckConstraint(name="segment_duration_not_negative", condition=Q(duration_ms__gte=0)),
        ]
        indexes = [models.Index(fields=["session", "started_at"], name="segment_session_started"),
                   models.Index(fields=["enrolment", "day"], name="segment_enrolment_day")]

    def __str__(self) -> str:
        return f"{self.started_at:%H:%M:%S}–{self.ended_at:%H:%M:%S} {self.reason or 'credited'}"


class BeatBatch(models.Model):
    """Raw evidence: the new beats of one received batch, packed compactly (``services/evidence.py``),
    with the server times that bound it. Append-only; purged after the retention period."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="beat_batches")
    received_at = models.DateTimeField("收到时间（服务器）")
    mark_from = models.DateTimeField("上一批次时间（服务器）")
    first_seq = models.PositiveIntegerField()
    last_seq = models.PositiveIntegerField()
    beat_count = models.PositiveSmallIntegerField()
    payload = models.TextField("心跳（紧凑 JSON）")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "心跳原始记录"
        verbose_name_plural = "心跳原始记录"
        constraints = [models.UniqueConstraint(fields=["session", "first_seq"], name="beat_batch_once")]
        indexes = [models.Index(fields=["received_at"], name="beat_batch_received")]

    def __str__(self) -> str:
        return f"会话 {self.session_id} 心跳 {self.first_seq}–{self.last_seq}"


class ScormRuntime(models.Model):
    """What a SCORM 1.2/2004 SCO reported for one enrolment and lesson (LMSCommit / LMSFinish, Commit / Terminate)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="scorm_runtimes")
    lesson = models.ForeignKey("courses.Lesson", on_delete=models.PROTECT, related_name="+")
    version = models.CharField(max_length=8)
    lesson_status = models.CharField("lesson_status (1.2)", max_length=16, blank=True)
    completion_status = models.CharField("completion_status", max_length=16, blank=True)
    success_status = models.CharField("success_status", max_length=16, blank=True)
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    session_time = models.CharField("session_time（课件自报）", max_length=32, blank=True)
    total_time = models.CharField("total_time（课件自报累计）", max_length=32, blank=True)
    total_seconds = models.PositiveIntegerField(default=0)
    suspend_data = models.TextField(blank=True)
    location = models.CharField(max_length=1000, blank=True)
    entry = models.CharField(max_length=16, blank=True)
    exit = models.CharField(max_length=16, blank=True)
    commits = models.PositiveIntegerField(default=0)
    terminations = models.PositiveIntegerField(default=0)
    first_commit_at = models.DateTimeField(null=True, blank=True)
    last_commit_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SCORM 运行数据"
        verbose_name_plural = "SCORM 运行数据"
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="scorm_runtime_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id} {self.lesson_status or self.completion_status}"

    STATUS_LABELS = {"passed": "已通过", "completed": "已完成", "failed": "未通过", "incomplete": "未完成",
                     "browsed": "已浏览", "not attempted": "未开始", "unknown": "未知"}

    @property
    def status_label(self) -> str:
        """In Chinese, with the SCORM value itself: 已完成（completed）, 已完成 · 已通过（completed/passed）."""
        values = [v for v in (self.lesson_status, self.completion_status, self.success_status) if v]
        if not values:
            return "未开始"
        return " · ".join(self.STATUS_LABELS.get(v, v) for v in values) + f"（{'/'.join(values)}）"

    @property
    def is_complete(self) -> bool:
        return (self.lesson_status in {"completed", "passed"} or self.completion_status == "completed"
                or self.success_status == "passed")
