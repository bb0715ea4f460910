"""The demo's emergency resources (issue #22, area resources), every record synthetic
(``synthetic`` set, names marked 〔演示〕 where a person's name could be mistaken for a real one):

- materials depots (环境应急物资库): one of each city's bureau (in its first county, the city
  centre), one of the county bureau in two or three counties of every city (西湖 among them, for
  the demo county account), and about twenty enterprise depots at archive chemical works with a
  position — every depot placed inside its county's polygon;
- about 300 stock lines across the seven categories of the 调查指南 (sandbags and plugging kits,
  booms, pumps and sorbent, activated carbon and neutralisers, protective suits and SCBA, radios
  and a command vehicle, samplers and portable analysers), consumables with a production and an
  expiry date — about 8 % expired and 5 % expiring within 30 days on the demo's day;
- about 30 rescue teams (a city team each, fire-rescue and enterprise teams in counties);
- about 80 experts in the fields of the catalog, at their organisations (some without a
  position: the nearest query then places them at their county's centre).

Idempotent: nothing is added when a synthetic depot exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.emergency.resources import catalog
from qingshan.emergency.resources.models import EmresDepot, EmresExpert, EmresMaterial, EmresTeam
from qingshan.geo.counties import county_at, region_extent
from qingshan.geo.regions import CITY_CODES, REGIONS, children
from qingshan.timeutil import CST

__all__ = ["seed_demo_emergency_resources"]

#: per category: (name, specification, unit, quantity range, shelf life in years or None)
ITEMS: dict[str, tuple[tuple[str, str, str, tuple[float, float], float | None], ...]] = {
    "cutoff": (("沙袋", "50 kg 编织袋", "个", (200, 2000), None), ("堵漏工具组", "木楔/气囊", "套", (1, 6), None),
               ("下水道阻流袋", "DN600", "个", (5, 40), None), ("应急闸板", "1.2 m × 0.8 m", "块", (2, 12), None)),
    "control": (("围油栏", "WGJ-900 固体浮子式", "m", (100, 1500), None), ("充气式围堰", "20 m 段", "套", (1, 5), None),
                ("拦截坝材料", "土工布", "m²", (200, 3000), None)),
    "collection": (("吸油毡", "PP-2", "kg", (50, 800), 5), ("收油机", "ZSJ-10", "台", (1, 4), None),
                   ("潜水泵", "50 m³/h", "台", (2, 10), None), ("应急储液囊", "10 m³", "个", (2, 12), None),
                   ("吸附棉", "通用型", "kg", (50, 500), 5)),
    "degradation": (("活性炭", "粉末 200 目", "t", (1, 30), 3), ("聚合氯化铝", "PAC 28%", "t", (1, 20), 2),
                    ("生石灰", "CaO ≥ 90%", "t", (5, 60), 1), ("氢氧化钠", "片碱 99%", "t", (1, 20), 2),
                    ("硫酸亚铁", "七水", "t", (1, 15), 2), ("次氯酸钠", "10%", "t", (1, 8), 0.5)),
    "protection": (("防化服", "二级 C 级", "套", (10, 80), 5), ("正压式空气呼吸器", "6.8 L 碳纤维瓶", "套", (4, 30), 8),
                   ("防毒面具滤毒罐", "综合型", "个", (20, 200), 3), ("防护手套", "丁腈", "副", (50, 500), 3)),
    "command": (("对讲机", "数字 UHF", "台", (10, 60), None), ("卫星电话", "天通", "部", (1, 6), None),
                ("应急指挥车", "含视频回传", "辆", (1, 1), None), ("无人机", "多旋翼 含热成像", "架", (1, 4), None)),
    "monitoring": (("便携式多气体检测仪", "VOC/H₂S/NH₃/Cl₂/O₂", "台", (2, 20), None),
                   ("便携式水质多参数仪", "pH/DO/电导率/浊度", "台", (1, 10), None),
                   ("自动采样器", "24 瓶", "台", (1, 6), None), ("应急监测车", "车载 GC-MS", "辆", (1, 1), None),
                   ("检测试剂包", "氰化物/六价铬/氨氮", "盒", (10, 100), 1)),
}  # fmt: skip
#: (name template, specialities, size range) of each kind of team
TEAM_KINDS: tuple[tuple[str, tuple[str, ...], tuple[int, int]], ...] = (
    ("{city}环境应急救援队", ("hazchem", "water", "monitoring"), (20, 60)),
    ("{county}消防救援大队危化品处置队", ("hazchem", "air"), (15, 40)),
    ("{county}环境应急监测分队", ("monitoring", "water", "air"), (6, 20)),
    ("{ent}应急救援队", ("hazchem", "waste"), (8, 30)),
    ("{county}溢油应急队", ("oil", "water"), (10, 30)),
)
ORGS = ("浙江大学", "浙江工业大学", "浙江省生态环境科学设计研究院", "浙江省生态环境监测中心",
        "{city}生态环境监测站", "{city}环境科学研究所", "浙江省辐射环境监测站", "中国计量大学",
        "浙江省化工研究院", "{city}应急管理局", "浙江海洋大学", "{city}某化工园区管委会")  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌红志峰晨宇浩然子涵欣怡思远嘉琪海燕"


def _inside(code: str, rng: np.random.Generator, near: tuple[float, float] | None = None,
            spread: float = 0.06) -> tuple[float, float]:  # fmt: skip
    """A point inside county ``code`` (around ``near`` or the county's centre)."""
    ext = region_extent(code)
    cx, cy = near or ext.center
    for _ in range(200):
        lon = round(float(cx + rng.normal(0, spread)), 5)
        lat = round(float(cy + rng.normal(0, spread)), 5)
        if county_at(lon, lat, tolerance_km=0.0) == code:
            return lon, lat
    w, s, e, n = ext.bbox
    for _ in range(2000):
        lon, lat = round(float(rng.uniform(w, e)), 5), round(float(rng.uniform(s, n)), 5)
        if county_at(lon, lat, tolerance_km=0.0) == code:
            return lon, lat
    raise RuntimeError(f"no point found inside county {code}")


def _person(rng: np.random.Generator) -> str:
    n = int(rng.integers(1, 3))
    return str(rng.choice(list(SURNAMES))) + "".join(rng.choice(list(GIVEN), size=n)) + "〔演示〕"


def _phone(rng: np.random.Generator) -> str:
    return (
        "1"
        + str(rng.choice(["35", "58", "39", "87"]))
        + "".join(str(d) for d in rng.integers(0, 10, 8))
    )


def seed_demo_emergency_resources(engine: Engine, *, now: datetime, seed: int = 2021,
                                  n_materials: int = 300, n_teams: int = 30,
                                  n_experts: int = 80) -> str | None:  # fmt: skip
    """Seed depots, their materials, teams and experts (None when synthetic depots exist)."""
    rng = np.random.default_rng([seed, 22, 2])
    today = now.astimezone(CST).date()
    with session_scope(engine) as session:
        if session.scalars(select(EmresDepot.id).where(EmresDepot.synthetic)).first() is not None:
            return None
        depots: list[EmresDepot] = []

        def depot(code: str, name: str, owner_kind: str, owner: str, county: str,
                  lon: float, lat: float, enterprise_id: int | None = None) -> None:  # fmt: skip
            assert county_at(lon, lat, tolerance_km=0.0) == county, (code, county)
            depots.append(EmresDepot(code=code, name=name, owner_kind=owner_kind, owner_name=owner,
                                     enterprise_id=enterprise_id, region_code=county, lon=lon, lat=lat,
                                     address=f"{REGIONS[county].name}（演示地址）", custodian=_person(rng),
                                     phone=_phone(rng), synthetic=True, updated_at=now))  # fmt: skip

        counties_used: list[str] = []
        for city in CITY_CODES:
            cname = REGIONS[city].name
            kids = [c.code for c in children(city)]
            first = kids[0]
            lon, lat = _inside(first, rng, spread=0.02)
            depot(
                f"D{city}",
                f"{cname}环境应急物资储备库",
                "bureau",
                f"{cname}生态环境局",
                first,
                lon,
                lat,
            )
            picks = list(
                rng.choice(
                    kids[1:], size=min(len(kids) - 1, int(rng.integers(2, 4))), replace=False
                )
            )
            if city == "330100" and "330106" not in picks:
                picks[0] = "330106"
            for county in picks:
                lon, lat = _inside(str(county), rng, spread=0.03)
                name = REGIONS[str(county)].name
                depot(f"D{county}", f"{name}环境应急物资库", "bureau", f"{cname}生态环境局{name[:-1]}分局",
                      str(county), lon, lat)  # fmt: skip
                counties_used.append(str(county))
        works = [e for e in enterprise_directory(session, "330000")
                 if e.industry == "chemical" and e.status == "operating" and e.longitude is not None
                 and e.latitude is not None
                 and county_at(e.longitude, e.latitude, tolerance_km=0.0) == e.region_code]  # fmt: skip
        rng.shuffle(works)
        for e in works[:20]:
            assert e.longitude is not None and e.latitude is not None
            depot(f"DE{e.id:05d}", f"{e.name}应急物资仓库", "enterprise", e.name, e.region_code,
                  round(e.longitude, 5), round(e.latitude, 5), e.id)  # fmt: skip
        session.add_all(depots)
        session.flush()

        # stock lines: every depot some, categories in turn; the rest at random
        cats = [t.code for t in catalog.categories()]
        holdings = [t.code for t in catalog.holdings()]
        taken: set[tuple[int, str]] = set()
        lines: list[EmresMaterial] = []
        tries = 0
        while len(lines) < n_materials and tries < 20 * n_materials:
            tries += 1
            d = (
                depots[len(lines) % len(depots)]
                if len(lines) < 3 * len(depots)
                else depots[int(rng.integers(len(depots)))]
            )
            cat = (
                cats[(len(lines) + d.id) % len(cats)]
                if rng.random() < 0.7
                else str(rng.choice(cats))
            )
            name, spec, unit, (lo, hi), life = ITEMS[cat][int(rng.integers(len(ITEMS[cat])))]
            if (d.id, name) in taken:
                continue
            taken.add((d.id, name))
            qty = (
                float(round(rng.uniform(lo, hi)))
                if unit not in ("t",)
                else round(float(rng.uniform(lo, hi)), 1)
            )
            made = expires = None
            if life is not None:
                u = rng.random()
                if u < 0.08:  # expired
                    expires = today - timedelta(days=int(rng.integers(1, 400)))
                elif u < 0.13:  # expiring within 30 days
                    expires = today + timedelta(days=int(rng.integers(0, 30)))
                else:
                    expires = today + timedelta(
                        days=int(rng.integers(31, max(32, int(life * 365))))
                    )
                made = expires - timedelta(days=int(life * 365))
            holding = (
                "self"
                if d.owner_kind == "enterprise"
                else str(rng.choice(holdings, p=[0.7, 0.15, 0.15]))
            )
            lines.append(EmresMaterial(depot_id=d.id, region_code=d.region_code, category=cat, name=name,
                                       specification=spec, quantity=max(qty, 1.0), unit=unit,
                                       custodian=d.custodian, produced_on=made, expires_on=expires,
                                       holding=holding, synthetic=True, updated_at=now))  # fmt: skip
        session.add_all(lines)

        teams: list[EmresTeam] = []
        ent_depots = [d for d in depots if d.owner_kind == "enterprise"]
        for i in range(n_teams):
            if i < len(CITY_CODES):
                kind = TEAM_KINDS[0]
                city = CITY_CODES[i]
                county = [c.code for c in children(city)][0]
            else:
                kind = TEAM_KINDS[1 + (i % 4)]
                if i % 4 == 2 and ent_depots:  # TEAM_KINDS[3]: an enterprise's team
                    ed = ent_depots[i % len(ent_depots)]
                    county = ed.region_code
                else:
                    county = counties_used[i % len(counties_used)]
                city = county[:4] + "00"
            template, specs, (lo, hi) = kind
            ent = ent_depots[i % len(ent_depots)].owner_name if ent_depots else "某化工企业"
            name = template.format(city=REGIONS[city].name, county=REGIONS[county].name, ent=ent)
            lon, lat = _inside(county, rng, spread=0.03)
            teams.append(EmresTeam(code=f"T{i + 1:03d}", name=name, size=int(rng.integers(lo, hi + 1)),
                                   specialities=",".join(specs), contact=_person(rng), phone=_phone(rng),
                                   base=f"{REGIONS[county].name}（演示驻地）", region_code=county, lon=lon,
                                   lat=lat, synthetic=True, updated_at=now))  # fmt: skip
        session.add_all(teams)

        fields = [t.code for t in catalog.fields()]
        all_counties = [c.code for city in CITY_CODES for c in children(city)]
        experts: list[EmresExpert] = []
        for i in range(n_experts):
            county = "330106" if i < 6 else (counties_used[i % len(counties_used)] if rng.random() < 0.6
                                             else str(rng.choice(all_counties)))  # fmt: skip
            city = REGIONS[county[:4] + "00"].name
            k = int(rng.integers(1, 3))
            chosen = list(dict.fromkeys(str(f) for f in rng.choice(fields, size=k, replace=False)))
            org = str(rng.choice(ORGS)).format(city=city)
            pos = _inside(county, rng, spread=0.02) if rng.random() < 0.8 else None
            experts.append(EmresExpert(code=f"E{i + 1:03d}", name=_person(rng), fields=",".join(chosen),
                                       organisation=org, phone=_phone(rng), region_code=county,
                                       lon=None if pos is None else pos[0],
                                       lat=None if pos is None else pos[1], synthetic=True,
                                       updated_at=now))  # fmt: skip
        session.add_all(experts)
        session.flush()
        expired = sum(1 for m in lines if m.expires_on is not None and m.expires_on < today)
        return (f"{len(depots)} depots ({len(ent_depots)} of enterprises), {len(lines)} stock lines "
                f"({expired} expired), {len(teams)} teams, {len(experts)} experts")  # fmt: skip
