from django.conf import settings
from django.db import models


class Occupation(models.Model):
    """职业（工种）: a code from the national occupation catalogue and the levels it is trained at."""

    code = models.CharField("职业编码", max_length=20, unique=True)
    name = models.CharField("职业（工种）名称", max_length=100)
    levels = models.JSONField("可培训等级", default=list, help_text="5 初级 … 1 高级技师；空表示不分等级")

    class Meta:
        verbose_name = "职业（工种）"
        verbose_name_plural = "职业（工种）"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Level(models.IntegerChoices):
    FIVE = 5, "五级/初级工"
    FOUR = 4, "四级/中级工"
    THREE = 3, "三级/高级工"
    TWO = 2, "二级/技师"
    ONE = 1, "一级/高级技师"


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已下架"

    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="courses", verbose_name="职业（工种）")
    level = models.PositiveSmallIntegerField("等级", choices=Level.choices, null=True, blank=True)
    title = models.CharField("课程名称", max_length=120)
    summary = models.TextField("课程简介", blank=True)
    provider = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="courses",
                                 verbose_name="课程提供单位")
    is_free_resource = models.BooleanField("公益免费资源", default=False,
                                           help_text="免费公开资源的学习不享受培训补贴（攀人社发〔2020〕33号 三）")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("下架时间", null=True, blank=True)

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    class Category(models.TextChoices):
        PUBLIC = "public", "公共必修课"
        PROFESSIONAL = "professional", "专业技能课"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField("模块名称", max_length=120)
    category = models.CharField("模块类别", max_length=16, choices=Category.choices)
    planned_minutes = models.PositiveIntegerField("计划学习时长（分钟）")
    required = models.BooleanField("结业必修", default=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "模块"
        verbose_name_plural = "模块"
        ordering = ["course", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.course} / {self.title}"


class ScormPackage(models.Model):
    """An uploaded SCORM 1.2 or 2004 .zip, unpacked under MEDIA_ROOT and launched from ``launch_path``."""

    class Version(models.TextChoices):
        SCORM12 = "1.2", "SCORM 1.2"
        SCORM2004 = "2004", "SCORM 2004"

    archive = models.FileField("课件包", upload_to="scorm/archives/%Y/%m/")
    version = models.CharField("版本", max_length=8, choices=Version.choices)
    title = models.CharField("课件标题", max_length=200)
    extracted_dir = models.CharField(max_length=200, help_text="相对 MEDIA_ROOT 的解压目录")
    launch_path = models.CharField("启动文件", max_length=300)
    manifest = models.JSONField("清单摘要", default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "SCORM 课件包"
        verbose_name_plural = "SCORM 课件包"

    def __str__(self) -> str:
        return f"{self.title}（{self.get_version_display()}）"


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", "录播视频"
        DOCUMENT = "document", "图文"
        LIVE = "live", "直播"
        SCORM = "scorm", "SCORM 课件"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField("课件名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    planned_minutes = models.PositiveIntegerField("计划学习时长（分钟）")
    video = models.FileField("视频文件", upload_to="videos/%Y/%m/", blank=True)
    video_seconds = models.PositiveIntegerField("视频时长（秒）", null=True, blank=True)
    video_info = models.JSONField("视频信息", default=dict, blank=True, help_text="ffprobe 读出的编码、分辨率和大小")
    body_html = models.TextField("图文内容", blank=True, help_text="保存前经 nh3 清理")
    live_starts_at = models.DateTimeField("直播开始", null=True, blank=True)
    live_ends_at = models.DateTimeField("直播结束", null=True, blank=True)
    live_room_url = models.URLField("直播间地址", blank=True)
    scorm_package = models.ForeignKey(ScormPackage, null=True, blank=True, on_delete=models.PROTECT, related_name="lessons")

    class Meta:
        verbose_name = "课件"
        verbose_name_plural = "课件"
        ordering = ["module", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="lesson_kind_has_content",
                condition=(
                    models.Q(kind="video", video_seconds__isnull=False)
                    | models.Q(kind="document")
                    | models.Q(kind="live", live_starts_at__isnull=False, live_ends_at__isnull=False)
                    | models.Q(kind="scorm", scorm_package__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class LessonImage(models.Model):
    """A picture for a text-and-pictures lesson, served only to people who may see its course
    (``/courses/images/<id>/``); ``body_html`` refers to it by that same-origin URL."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="images")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="images")
    file = models.FileField("图片", upload_to="lesson-images/%Y/%m/")
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField("图片说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "图文课件图片"
        verbose_name_plural = "图文课件图片"

    def __str__(self) -> str:
        return self.caption or f"图片 {self.pk}"
