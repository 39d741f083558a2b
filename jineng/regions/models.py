from django.db import models


class Region(models.Model):
    """A GB/T 2260 administrative division. ``province_code`` and ``city_code`` are stored so
    that "everything inside this city" is one indexed equality, not a tree walk.

    A municipality (北京、天津、上海、重庆) is its own city: its districts hang directly under
    it with ``city_code`` = its code. A 省直辖 county (济源 419001, 仙桃 429004 …) hangs
    directly under its province with an empty ``city_code``. Loaded by
    ``jineng.regions.services.regions_load``; see ``regions_from_source`` for the details."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "地级"
        COUNTY = "county", "县级"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=8, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    province_code = models.CharField(max_length=6, db_index=True)
    city_code = models.CharField(max_length=6, blank=True, db_index=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def contains(self, other: "Region | str") -> bool:
        code = other if isinstance(other, str) else other.code
        if self.level == self.Level.PROVINCE:
            return code[:2] == self.code[:2]
        if self.level == self.Level.CITY:
            return code == self.code or (code[:4] == self.code[:4])
        return code == self.code


class Bureau(models.Model):
    """A human-resources and social-security bureau, or one of its service centres."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", "人力资源和社会保障局"
        SERVICE_CENTRE = "service_centre", "职业技能服务中心"
        FINANCE = "finance", "财政局"
        ZONE = "zone", "功能区管理机构"  # 高新区、景区人事劳动局，钒钛新城管委会：汇总转报，不是行政区划

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="bureaus")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.BUREAU)
    name = models.CharField("名称", max_length=128)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "人社部门"
        verbose_name_plural = "人社部门"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="bureau_unique_name_per_region")]

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """A counter where applications are accepted (韶人社函〔2020〕11号 附表6)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="windows")
    name = models.CharField("窗口名称", max_length=128)
    address = models.CharField("窗口地址", max_length=200)
    phone = models.CharField("联系电话", max_length=32)

    class Meta:
        verbose_name = "受理窗口"
        verbose_name_plural = "受理窗口"
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="window_unique_name_per_bureau")]

    def __str__(self) -> str:
        return self.name


class WorkingDayOverride(models.Model):
    """One day of a State Council holiday notice for a year ``chinese_calendar`` does not know,
    or a correction. A year counts as known only once ``CalendarYear`` marks it complete."""

    date = models.DateField("日期", primary_key=True)
    is_working_day = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_working_day else '休息日'}"


class CalendarYear(models.Model):
    """The operator's word that every holiday and adjusted workday of ``year`` is entered."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("依据（通知文号）", max_length=100)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "已录入的节假日年份"
        verbose_name_plural = "已录入的节假日年份"

    def __str__(self) -> str:
        return f"{self.year} ({self.source})"
