"""题库, 练习, 考试 and 结业考核: questions, lesson exercises, exams with paper rules, attempts.

How an exam attempt is kept exact (see ``services.py``):

* an ``Exam`` has ``PaperRule`` rows (so many questions of a kind, optionally from a module, so
  many points each); starting an ``Attempt`` draws the paper with a seeded RNG (the seed is kept);
* the drawn paper is stored as ``AttemptQuestion`` rows — a snapshot of the stem, the options in
  the order this learner sees them under neutral keys (A, B, …) with the choice each key stands
  for, the correct choices and the explanation — so grading and review never depend on later
  edits to the bank, and the browser only ever sees keys and texts;
* every saved answer is an ``AttemptAnswer`` row with its server time, IP and user agent; the
  latest one is also on the ``AttemptQuestion`` for grading.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "true_false", "判断题"
    FILL = "fill", "填空题"


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
# The order of the sections of a paper: 一、单选题 二、多选题 三、判断题 四、填空题.
KIND_ORDER = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL]


class Difficulty(models.IntegerChoices):
    EASY = 1, "易"
    MEDIUM = 2, "中"
    HARD = 3, "难"


class Question(models.Model):
    """One question of a course's 题库. Choice questions have ``Choice`` rows (a true/false
    question has exactly two: 正确 and 错误); a fill-in question has ``accepted_answers``, compared
    after normalisation (full/half width, spaces, letter case)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在用"
        RETIRED = "retired", "已停用"

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="questions", verbose_name="课程")
    occupation = models.ForeignKey("courses.Occupation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="职业（工种）")
    module = models.ForeignKey("courses.Module", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="所属模块")
    kind = models.CharField("题型", max_length=12, choices=QuestionKind.choices)
    stem = models.TextField("题干")
    accepted_answers = models.JSONField("可接受的答案", default=list, blank=True, help_text="填空题：一个或多个")
    explanation = models.TextField("解析", blank=True)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, null=True, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="题型 + 规范化题干的摘要，用于查重")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "题库"
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "fingerprint"], condition=Q(status="active"),
                                    name="question_unique_active_stem"),
        ]
        indexes = [models.Index(fields=["course", "status", "kind", "module"], name="question_pool")]

    def __str__(self) -> str:
        return self.stem[:40]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField("选项内容", max_length=500)
    is_correct = models.BooleanField("正确选项", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "选项"
        verbose_name_plural = "选项"
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Exercise(models.Model):
    """练习: questions attached to a lesson. Learners answer one at a time and see the answer and
    the explanation at once; answers are recorded but never count toward completion."""

    lesson = models.OneToOneField("courses.Lesson", on_delete=models.CASCADE, related_name="exercise")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="exercises")
    title = models.CharField("练习名称", max_length=120)
    questions = models.ManyToManyField(Question, through="ExerciseItem", related_name="exercises")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "课后练习"
        verbose_name_plural = "课后练习"

    def __str__(self) -> str:
        return self.title


class ExerciseItem(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [models.UniqueConstraint(fields=["exercise", "question"], name="exercise_question_once")]

    def __str__(self) -> str:
        return f"{self.exercise_id}#{self.position}"


class ExerciseAnswer(models.Model):
    """Each answer a learner gives in an exercise, with the server time; every try is kept."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey("learning.Enrolment", on_delete=models.PROTECT, related_name="+")
    answer = models.JSONField("作答")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = "练习作答"
        verbose_name_plural = "练习作答"
        indexes = [models.Index(fields=["exercise", "person", "answered_at"], name="exercise_answer_person")]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.question_id}: {'对' if self.is_correct else '错'}"


class Exam(models.Model):
    """考试 of a course; ``is_final`` marks the 结业考核 (at most one per course, a constraint).
    Only a draft changes; a published exam is taken by learners; a closed one takes no new attempts."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        CLOSED = "closed", "已停止"

    class MultipleScoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", "全部选对才得分"
        PARTIAL = "partial", "少选按比例得分，错选不得分"

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="exams", verbose_name="课程")
    title = models.CharField("考试名称", max_length=120)
    instructions = models.TextField("考试说明", blank=True)
    is_final = models.BooleanField("结业考核", default=False)
    time_limit_minutes = models.PositiveSmallIntegerField("考试时长（分钟）")
    max_attempts = models.PositiveSmallIntegerField("允许参加次数")
    pass_score = models.DecimalField("合格分数", max_digits=6, decimal_places=2)
    multiple_scoring = models.CharField("多选题计分", max_length=16, choices=MultipleScoring.choices,
                                        default=MultipleScoring.ALL_OR_NOTHING)
    shuffle_questions = models.BooleanField("题目乱序", default=True)
    shuffle_options = models.BooleanField("选项乱序", default=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "考试"
        verbose_name_plural = "考试"
        ordering = ["course", "-is_final", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course"], condition=Q(is_final=True), name="exam_one_final_per_course"),
            models.CheckConstraint(name="exam_limits_positive",
                                   condition=Q(time_limit_minutes__gt=0, max_attempts__gt=0, pass_score__gte=0)),
        ]

    def __str__(self) -> str:
        return self.title


class PaperRule(models.Model):
    """组卷规则: ``count`` questions of ``kind`` (from ``module``, or from any module when empty),
    ``points`` each. Module rules draw first, so an any-module rule takes from what remains."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("题型", max_length=12, choices=QuestionKind.choices)
    module = models.ForeignKey("courses.Module", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="模块")
    count = models.PositiveSmallIntegerField("题数")
    points = models.DecimalField("每题分值", max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "组卷规则"
        verbose_name_plural = "组卷规则"
        ordering = ["exam", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "kind", "module"], name="paper_rule_unique"),
            models.UniqueConstraint(fields=["exam", "kind"], condition=Q(module__isnull=True),
                                    name="paper_rule_unique_any_module"),
            models.CheckConstraint(name="paper_rule_positive", condition=Q(count__gt=0, points__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count}（每题 {self.points} 分）"


class Attempt(models.Model):
    """One sitting of an exam by an enrolled learner: the drawn paper, the server's deadline,
    the submission (by the learner or, past the deadline, by the server) and the grade."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "作答中"
        SUBMITTED = "submitted", "已交卷"

    class EndedBy(models.TextChoices):
        LEARNER = "learner", "学员交卷"
        DEADLINE = "deadline", "考试时间到，系统自动交卷"

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    enrolment = models.ForeignKey("learning.Enrolment", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", help_text="报名时的组织单位（用于核查同单位考生）")
    number = models.PositiveSmallIntegerField("第几次")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    seed = models.BigIntegerField("组卷随机种子")
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    ended_by = models.CharField("交卷方式", max_length=8, choices=EndedBy.choices, blank=True)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField("满分", max_digits=7, decimal_places=2)
    passed = models.BooleanField("是否合格", null=True, blank=True)
    start_ip = models.GenericIPAddressField("开始时 IP", null=True, blank=True)
    start_user_agent = models.CharField("开始时设备", max_length=400, blank=True)
    submit_ip = models.GenericIPAddressField("交卷时 IP", null=True, blank=True)
    submit_user_agent = models.CharField("交卷时设备", max_length=400, blank=True)

    class Meta:
        verbose_name = "考试记录"
        verbose_name_plural = "考试记录"
        constraints = [
            models.UniqueConstraint(fields=["exam", "person", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(fields=["exam", "person"], condition=Q(status="in_progress"),
                                    name="attempt_one_in_progress"),
            models.CheckConstraint(name="attempt_submitted_is_graded",
                                   condition=Q(status="in_progress") | Q(submitted_at__isnull=False, score__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["exam", "status", "submitted_at"], name="attempt_exam_submitted"),
            models.Index(fields=["status", "deadline"], name="attempt_due"),
            models.Index(fields=["enrolment", "exam"], name="attempt_enrolment"),
        ]

    def __str__(self) -> str:
        return f"{self.exam} 第 {self.number} 次"


class AttemptQuestion(models.Model):
    """One question of a drawn paper, as this learner sees it (snapshot)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("题号")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    module_title = models.CharField(max_length=120, blank=True)
    points = models.DecimalField(max_digits=5, decimal_places=2)
    stem = models.TextField()
    options = models.JSONField(default=list, help_text='按显示顺序：[{"key": "A", "choice": 选项id, "text": …}]')
    correct = models.JSONField(default=list, help_text="正确选项的 id（升序），或填空题可接受的答案")
    explanation = models.TextField(blank=True)
    answer = models.JSONField(null=True, blank=True, help_text="最近一次作答：选项键的列表，或填空文本")
    answered_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = "试卷题目"
        verbose_name_plural = "试卷题目"
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="attempt_question_position")]

    def __str__(self) -> str:
        return f"{self.attempt_id} 第 {self.position} 题"


class AttemptAnswer(models.Model):
    """Every answer saved during an attempt, with the server's time and where it came from."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answer_log")
    item = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="log")
    answer = models.JSONField(null=True)
    saved_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        verbose_name = "作答记录"
        verbose_name_plural = "作答记录"
        ordering = ["attempt", "saved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.item_id} @ {self.saved_at:%H:%M:%S}"
