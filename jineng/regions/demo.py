"""Demo reference data: the bureaus, centres and service windows of the four seed cities.

Taken from the seed notices in ``shared/seeds/``:

* 001 泰人社字〔2020〕9号 / 鲁人社字〔2020〕11号 — 山东省人力资源和社会保障厅 and its
  联系单位 山东省公共就业和人才服务中心, 山东省财政厅, 泰安市人社局 and 财政局, the six
  county bureaus of 泰安市, and the three functional zones the notice is addressed to;
* 002 攀人社发〔2020〕33号 — 攀枝花市人社局 and 财政局, its five county bureaus, the
  市人社局职业技能鉴定和培训指导中心 and 就业创业促进中心 (which take class-opening
  applications from 攀钢、十九冶、攀煤、钢城集团 and from students), and the
  钒钛新城管委会, which gathers its enterprises' plans and forwards them;
* 003 晋政办〔2019〕79号 — 晋江市人社局, 晋江市公共就业和人才服务中心, 泉州市人社局;
* 004 韶人社函〔2020〕11号 — 韶关市人社局 (职业能力建设科), 市职业技能服务中心 and the
  ten county bureaus with the service windows of 附表6 "全市受理部门及联系电话".

The notices print the windows' phones as local seven-digit numbers (韶关 0751); they are
stored as printed. Line breaks and stray spaces of the printed table are removed.
District bureaus carry the city's name (as they sign their documents), county and
county-level-city bureaus do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jineng.common.errors import DomainError
from jineng.regions.models import Bureau, Region
from jineng.regions.services import bureau_upsert, service_window_upsert

BUREAU = Bureau.Kind.BUREAU
CENTRE = Bureau.Kind.SERVICE_CENTRE
FINANCE = Bureau.Kind.FINANCE
ZONE = Bureau.Kind.ZONE


@dataclass(frozen=True)
class DemoBureau:
    region_code: str
    region_name: str
    name: str
    kind: str = BUREAU
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DemoWindow:
    region_code: str
    bureau_name: str
    name: str
    address: str
    phone: str


DEMO_BUREAUS: tuple[DemoBureau, ...] = (
    # 001 泰安市 / 山东省
    DemoBureau("370000", "山东省", "山东省人力资源和社会保障厅"),
    DemoBureau("370000", "山东省", "山东省公共就业和人才服务中心", CENTRE),
    DemoBureau("370000", "山东省", "山东省财政厅", FINANCE),
    DemoBureau("370900", "泰安市", "泰安市人力资源和社会保障局"),
    DemoBureau("370900", "泰安市", "泰安市财政局", FINANCE),
    DemoBureau("370900", "泰安市", "泰安高新区人事劳动局", ZONE),
    DemoBureau("370900", "泰安市", "泰山景区人事劳动局", ZONE),
    DemoBureau("370900", "泰安市", "徂汶景区人事劳动局", ZONE),
    DemoBureau("370902", "泰山区", "泰安市泰山区人力资源和社会保障局"),
    DemoBureau("370911", "岱岳区", "泰安市岱岳区人力资源和社会保障局"),
    DemoBureau("370921", "宁阳县", "宁阳县人力资源和社会保障局"),
    DemoBureau("370923", "东平县", "东平县人力资源和社会保障局"),
    DemoBureau("370982", "新泰市", "新泰市人力资源和社会保障局"),
    DemoBureau("370983", "肥城市", "肥城市人力资源和社会保障局"),
    # 002 攀枝花市
    DemoBureau("510000", "四川省", "四川省人力资源和社会保障厅"),
    DemoBureau("510400", "攀枝花市", "攀枝花市人力资源和社会保障局"),
    DemoBureau("510400", "攀枝花市", "攀枝花市财政局", FINANCE),
    DemoBureau("510400", "攀枝花市", "攀枝花市人社局职业技能鉴定和培训指导中心", CENTRE),
    DemoBureau("510400", "攀枝花市", "攀枝花市人社局就业创业促进中心", CENTRE),
    DemoBureau("510400", "攀枝花市", "钒钛新城管委会", ZONE),
    DemoBureau("510402", "东区", "攀枝花市东区人力资源和社会保障局"),
    DemoBureau("510403", "西区", "攀枝花市西区人力资源和社会保障局"),
    DemoBureau("510411", "仁和区", "攀枝花市仁和区人力资源和社会保障局"),
    DemoBureau("510421", "米易县", "米易县人力资源和社会保障局"),
    DemoBureau("510422", "盐边县", "盐边县人力资源和社会保障局"),
    # 003 晋江市 / 泉州市
    DemoBureau("350000", "福建省", "福建省人力资源和社会保障厅"),
    DemoBureau("350500", "泉州市", "泉州市人力资源和社会保障局"),
    DemoBureau("350582", "晋江市", "晋江市人力资源和社会保障局"),
    DemoBureau("350582", "晋江市", "晋江市公共就业和人才服务中心", CENTRE),
    # 004 韶关市
    DemoBureau("440000", "广东省", "广东省人力资源和社会保障厅"),
    DemoBureau("440200", "韶关市", "韶关市人力资源和社会保障局", phone="8728056"),
    DemoBureau("440200", "韶关市", "韶关市职业技能服务中心", CENTRE, phone="8604318"),
    DemoBureau("440204", "浈江区", "韶关市浈江区人力资源和社会保障局"),
    DemoBureau("440203", "武江区", "韶关市武江区人力资源和社会保障局"),
    DemoBureau("440205", "曲江区", "韶关市曲江区人力资源和社会保障局"),
    DemoBureau("440281", "乐昌市", "乐昌市人力资源和社会保障局"),
    DemoBureau("440282", "南雄市", "南雄市人力资源和社会保障局"),
    DemoBureau("440224", "仁化县", "仁化县人力资源和社会保障局"),
    DemoBureau("440222", "始兴县", "始兴县人力资源和社会保障局"),
    DemoBureau("440229", "翁源县", "翁源县人力资源和社会保障局"),
    DemoBureau("440233", "新丰县", "新丰县人力资源和社会保障局"),
    DemoBureau("440232", "乳源瑶族自治县", "乳源瑶族自治县人力资源和社会保障局"),
)

SHAOGUAN_WINDOWS: tuple[DemoWindow, ...] = (
    # 韶人社函〔2020〕11号 附表6 全市受理部门及联系电话, in the order printed
    DemoWindow("440204", "韶关市浈江区人力资源和社会保障局",
               "浈江区人力资源和社会保障局就业和培训股", "浈江区文化街10号", "8879882"),
    DemoWindow("440203", "韶关市武江区人力资源和社会保障局",
               "武江区人力资源和社会保障局劳动就业和培训股", "武江区芙蓉北路70号", "8620690"),
    DemoWindow("440205", "韶关市曲江区人力资源和社会保障局",
               "曲江区人力资源和社会保障局就业股", "曲江区马坝镇狮岩路1号", "6696096"),
    DemoWindow("440281", "乐昌市人力资源和社会保障局",
               "乐昌市人力资源和社会保障局职业能力建设股", "乐昌市公主下路70号三楼", "5559997"),
    DemoWindow("440282", "南雄市人力资源和社会保障局",
               "南雄市人力资源和社会保障局职业能力建设股", "南雄市雄州街道朝阳南路299号三楼", "3868515"),
    DemoWindow("440224", "仁化县人力资源和社会保障局",
               "仁化县人力资源和社会保障局职业能力建设股", "仁化县新城路59号二楼", "6390803"),
    DemoWindow("440222", "始兴县人力资源和社会保障局",
               "始兴县人力资源和社会保障局职业能力建设股", "始兴县太平镇永安大道南丹凤山路口", "3327968"),
    DemoWindow("440229", "翁源县人力资源和社会保障局",
               "翁源县人力资源和社会保障局就业股", "翁源县龙仙镇朝阳路19号", "2877223"),
    DemoWindow("440233", "新丰县人力资源和社会保障局",
               "新丰县人力资源和社会保障局职业能力建设股", "新丰县丰城街道金园路130号人力资源市场八楼", "2268150"),
    DemoWindow("440232", "乳源瑶族自治县人力资源和社会保障局",
               "乳源瑶族自治县人力资源和社会保障局职业能力建设股", "乳源县乳城镇鹰峰东路9号", "5361326"),
)


@dataclass(frozen=True)
class DemoResult:
    bureaus: int
    bureaus_changed: int
    windows: int
    windows_changed: int


def _check_regions() -> None:
    wanted = {b.region_code: b.region_name for b in DEMO_BUREAUS}
    found = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise DomainError(
            "regions_not_loaded",
            f"缺少行政区划 {'、'.join(missing)}：请先运行 jineng regions load 载入全国行政区划",
        )
    renamed = [f"{code}（应为{name}，实为{found[code]}）" for code, name in wanted.items() if found[code] != name]
    if renamed:
        raise DomainError("regions_renamed", f"行政区划名称与演示数据不符：{'；'.join(renamed)}")


def regions_load_demo_bureaus(*, actor: Any = None) -> DemoResult:
    """Create or update the demo bureaus and the 附表6 windows. Idempotent; needs the
    national divisions loaded first (``regions_load``)."""
    _check_regions()
    bureaus: dict[tuple[str, str], Bureau] = {}
    bureaus_changed = windows_changed = 0
    with transaction.atomic():
        for item in DEMO_BUREAUS:
            bureau, changed = bureau_upsert(
                region_code=item.region_code,
                name=item.name,
                kind=item.kind,
                address=item.address,
                phone=item.phone,
                actor=actor,
            )
            bureaus[(item.region_code, item.name)] = bureau
            bureaus_changed += changed
        for window in SHAOGUAN_WINDOWS:
            _, changed = service_window_upsert(
                bureau=bureaus[(window.region_code, window.bureau_name)],
                name=window.name,
                address=window.address,
                phone=window.phone,
                actor=actor,
            )
            windows_changed += changed
    return DemoResult(
        bureaus=len(DEMO_BUREAUS),
        bureaus_changed=bureaus_changed,
        windows=len(SHAOGUAN_WINDOWS),
        windows_changed=windows_changed,
    )
