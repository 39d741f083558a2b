from __future__ import annotations

import pytest

from jineng.common.errors import DomainError
from jineng.regions.demo import DEMO_BUREAUS, regions_load_demo_bureaus
from jineng.regions.models import Bureau, Region, ServiceWindow
from jineng.regions.selectors import bureau_for_region, bureaus_within, service_windows_within
from jineng.regions.services import LoadResult

# 韶人社函〔2020〕11号 附表6 全市受理部门及联系电话
APPENDIX_6 = [
    ("440204", "浈江区人力资源和社会保障局就业和培训股", "浈江区文化街10号", "8879882"),
    ("440203", "武江区人力资源和社会保障局劳动就业和培训股", "武江区芙蓉北路70号", "8620690"),
    ("440205", "曲江区人力资源和社会保障局就业股", "曲江区马坝镇狮岩路1号", "6696096"),
    ("440281", "乐昌市人力资源和社会保障局职业能力建设股", "乐昌市公主下路70号三楼", "5559997"),
    ("440282", "南雄市人力资源和社会保障局职业能力建设股", "南雄市雄州街道朝阳南路299号三楼", "3868515"),
    ("440224", "仁化县人力资源和社会保障局职业能力建设股", "仁化县新城路59号二楼", "6390803"),
    ("440222", "始兴县人力资源和社会保障局职业能力建设股", "始兴县太平镇永安大道南丹凤山路口", "3327968"),
    ("440229", "翁源县人力资源和社会保障局就业股", "翁源县龙仙镇朝阳路19号", "2877223"),
    ("440233", "新丰县人力资源和社会保障局职业能力建设股", "新丰县丰城街道金园路130号人力资源市场八楼", "2268150"),
    ("440232", "乳源瑶族自治县人力资源和社会保障局职业能力建设股", "乳源县乳城镇鹰峰东路9号", "5361326"),
]


@pytest.mark.django_db
def test_demo_needs_the_regions_loaded() -> None:
    with pytest.raises(DomainError) as caught:
        regions_load_demo_bureaus()
    assert caught.value.code == "regions_not_loaded"
    assert "jineng regions load" in caught.value.message


@pytest.mark.django_db
def test_demo_region_names_match_the_dataset(national_regions: LoadResult) -> None:
    names = dict(Region.objects.values_list("code", "name"))
    assert {b.region_code: names.get(b.region_code) for b in DEMO_BUREAUS} == {
        b.region_code: b.region_name for b in DEMO_BUREAUS
    }


@pytest.mark.django_db
def test_demo_is_idempotent(national_regions: LoadResult) -> None:
    first = regions_load_demo_bureaus()
    assert (first.bureaus_changed, first.windows_changed) == (len(DEMO_BUREAUS), 10)
    counts = (Bureau.objects.count(), ServiceWindow.objects.count())
    second = regions_load_demo_bureaus()
    assert (second.bureaus_changed, second.windows_changed) == (0, 0)
    assert (Bureau.objects.count(), ServiceWindow.objects.count()) == counts == (len(DEMO_BUREAUS), 10)


@pytest.mark.django_db
def test_shaoguan_has_the_ten_windows_of_appendix_6(national_regions: LoadResult) -> None:
    regions_load_demo_bureaus()
    shaoguan = Region.objects.get(code="440200")
    windows = [
        (w.bureau.region_id, w.name, w.address, w.phone) for w in service_windows_within(region=shaoguan).order_by("id")
    ]
    assert windows == APPENDIX_6
    assert [w[3] for w in windows] == ["8879882", "8620690", "6696096", "5559997", "3868515", "6390803", "3327968",
                                       "2877223", "2268150", "5361326"]
    county_bureaus = bureaus_within(region=shaoguan, kind=Bureau.Kind.BUREAU).exclude(region=shaoguan)
    assert county_bureaus.count() == 10
    assert set(county_bureaus.values_list("region__level", flat=True)) == {"county"}
    assert Bureau.objects.filter(region=shaoguan, kind="service_centre").get().name == "韶关市职业技能服务中心"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("region_code", "name", "kind"),
    [
        ("370000", "山东省人力资源和社会保障厅", "bureau"),
        ("370900", "泰安市人力资源和社会保障局", "bureau"),
        ("370902", "泰安市泰山区人力资源和社会保障局", "bureau"),
        ("510400", "攀枝花市人力资源和社会保障局", "bureau"),
        ("510400", "攀枝花市人社局职业技能鉴定和培训指导中心", "service_centre"),
        ("510400", "攀枝花市人社局就业创业促进中心", "service_centre"),
        ("510400", "钒钛新城管委会", "zone"),
        ("350500", "泉州市人力资源和社会保障局", "bureau"),
        ("350582", "晋江市人力资源和社会保障局", "bureau"),
        ("350582", "晋江市公共就业和人才服务中心", "service_centre"),
        ("440200", "韶关市人力资源和社会保障局", "bureau"),
        ("440200", "韶关市职业技能服务中心", "service_centre"),
    ],
    ids=lambda v: str(v),
)
def test_demo_bureaus_of_the_seed_cities(national_regions: LoadResult, region_code: str, name: str, kind: str) -> None:
    regions_load_demo_bureaus()
    assert Bureau.objects.get(region_id=region_code, name=name).kind == kind


@pytest.mark.django_db
def test_county_bureau_counts(national_regions: LoadResult) -> None:
    regions_load_demo_bureaus()
    for city, expected in (("370900", 6), ("510400", 5), ("440200", 10)):
        region = Region.objects.get(code=city)
        assert bureaus_within(region=region, kind="bureau").filter(region__level="county").count() == expected


@pytest.mark.django_db
def test_bureau_for_region_falls_back_to_the_city(national_regions: LoadResult) -> None:
    regions_load_demo_bureaus()
    assert bureau_for_region(region=Region.objects.get(code="440204")).name == "韶关市浈江区人力资源和社会保障局"
    assert bureau_for_region(region=Region.objects.get(code="350521")).name == "泉州市人力资源和社会保障局"  # 惠安县
    assert bureau_for_region(region=Region.objects.get(code="441900")).name == "广东省人力资源和社会保障厅"
    assert bureau_for_region(region=Region.objects.get(code="110101")) is None
