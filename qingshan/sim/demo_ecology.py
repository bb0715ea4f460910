"""The demo's ecology (issue #25), every record synthetic (``synthetic`` set; observers named
〔演示〕):

- EI inputs (HJ 192-2015 sub-indices) of every county for 2015 and 2020, drawn by landscape:
  the mountain counties of 丽水, 衢州 and the west and south (优, EI ≈ 78–88), the middle hills
  (良), the islands of 舟山 (良), the plains of 嘉兴 and 湖州 (良 to 一般) and the dense urban
  districts (一般); 2015 differs from 2020 by a drawn ΔEI — most counties about flat or slightly
  better, some markedly better, a few worse (urbanising districts) — so every change class of the
  standard but the extreme ones shows; one county carries a restriction event in 2020 (its grade
  lowered). The EI and grades are computed by :mod:`qingshan.standards.ecological_status`.
- the plan's 29 key survey areas (plan 9.1), named for real places (天目山, 百山祖, 古田山,
  南麂列岛 …) with a drawn outline around an approximate position inside their county: 12 done,
  10 surveying, 7 planned on the demo's day;
- about 2,000 species records (Darwin Core shape) in the done and surveying areas, of real
  Zhejiang species by ecosystem — protected ones (中华秋沙鸭, 黑麂, 白颈长尾雉, 南方红豆杉 …) rarer
  than common ones, and invasive ones (加拿大一枝黄花, 福寿螺, 互花米草 …) where they occur —
  every point inside Zhejiang.

Idempotent: the EI inputs are skipped when a synthetic one exists, the areas and records when a
synthetic area exists.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit.log import acting_as
from qingshan.db.engine import session_scope
from qingshan.ecology.biodiversity import service as bio
from qingshan.ecology.biodiversity.models import EcoSurveyArea
from qingshan.ecology.status import service as status
from qingshan.ecology.status.inputs import SUB_INDICES, assess
from qingshan.ecology.status.models import EcoStatusInput
from qingshan.geo.counties import county_at, read_county_boundaries
from qingshan.geo.models import RegionLevel
from qingshan.geo.regions import REGIONS
from qingshan.timeutil import CST

__all__ = ["AREAS", "seed_demo_ecology"]

PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="demo")

#: counties by landscape (the rest are "hills")
MOUNTAIN = {"330127", "330182", "330112", "330122", "330328", "330329", "330324", "330523",
            "330727", "330723", "331023", "331024", "330226", "330624", "330781", "330784",
            "330802", "330803", "330822", "330824", "330825", "330881", "331102", "331121",
            "331122", "331123", "331124", "331125", "331126", "331127", "331181"}  # fmt: skip
URBAN = {"330102", "330105", "330106", "330108", "330109", "330114", "330203", "330205",
         "330206", "330211", "330212", "330302", "330303", "330304", "330402", "330411",
         "330602", "330502", "330702", "331002", "331004", "331003", "330782"}  # fmt: skip
PLAIN = {"330421", "330424", "330481", "330482", "330483", "330503", "330521", "330522",
         "330603", "330604", "330681", "331081", "331083", "330282", "330381", "330382"}  # fmt: skip
ISLAND = {"330902", "330903", "330921", "330922"}
#: sub-index ranges (low, high) per landscape: BA, VC, WND, LS, PL
RANGES = {
    "mountain": ((80, 95), (88, 98), (35, 60), (4, 14), (1, 5)),
    "hills": ((58, 75), (70, 86), (40, 65), (18, 32), (6, 14)),
    "plain": ((42, 58), (52, 68), (70, 95), (36, 50), (16, 28)),
    "island": ((50, 66), (58, 74), (15, 35), (24, 38), (8, 18)),
    "urban": ((26, 44), (32, 52), (45, 80), (52, 72), (26, 45)),
}
#: (ΔEI range, weight) drawn for 2015 → 2020
CHANGES = (((-0.9, 0.9), 38), ((1.1, 2.9), 30), ((3.2, 6.5), 13), ((8.2, 9.5), 3),
           ((-2.9, -1.1), 11), ((-5.0, -3.2), 5))  # fmt: skip
RESTRICTED = ("330604", "large_incident")  # 上虞区, 2020: a 较大环境事件 lowers the grade

#: the 29 key survey areas: code, name, English name, ecosystem, county, (lon, lat) or None
#: (the county's centre), radius [km]
AREAS: tuple[tuple[str, str, str, str, str, tuple[float, float] | None, float], ...] = (
    ("ZJ-BD-01", "百山祖", "Baishanzu", "forest", "331126", (119.20, 27.76), 8),
    ("ZJ-BD-02", "凤阳山", "Fengyangshan", "forest", "331181", (119.18, 27.90), 8),
    ("ZJ-BD-03", "九龙山", "Jiulongshan", "forest", "331123", (118.87, 28.37), 7),
    ("ZJ-BD-04", "古田山", "Gutianshan", "forest", "330824", (118.13, 29.25), 6),
    ("ZJ-BD-05", "天目山", "Tianmushan", "forest", "330112", (119.44, 30.34), 5),
    ("ZJ-BD-06", "清凉峰", "Qingliangfeng", "forest", "330112", (118.95, 30.10), 7),
    ("ZJ-BD-07", "乌岩岭", "Wuyanling", "forest", "330329", (119.69, 27.70), 6),
    ("ZJ-BD-08", "大盘山", "Dapanshan", "forest", "330727", (120.55, 28.98), 5),
    ("ZJ-BD-09", "千岛湖", "Qiandao Lake", "freshwater", "330127", (118.98, 29.60), 10),
    ("ZJ-BD-10", "西溪湿地", "Xixi Wetland", "wetland", "330106", (120.07, 30.27), 2),
    ("ZJ-BD-11", "杭州湾湿地", "Hangzhou Bay Wetland", "wetland", "330282", (121.15, 30.30), 4),
    ("ZJ-BD-12", "南麂列岛", "Nanji Islands", "marine", "330326", None, 3),
    ("ZJ-BD-13", "韭山列岛", "Jiushan Islands", "marine", "330225", None, 3),
    ("ZJ-BD-14", "五峙山列岛", "Wuzhishan Islands", "marine", "330902", None, 2.5),
    ("ZJ-BD-15", "乐清湾", "Yueqing Bay", "wetland", "330382", None, 4),
    ("ZJ-BD-16", "三门湾", "Sanmen Bay", "marine", "331022", None, 4),
    ("ZJ-BD-17", "龙王山", "Longwangshan", "forest", "330523", (119.43, 30.42), 5),
    ("ZJ-BD-18", "长兴扬子鳄保护区", "Changxing Alligator Reserve", "wetland", "330522", (119.75, 30.92), 3),
    ("ZJ-BD-19", "下渚湖", "Xiazhu Lake", "wetland", "330521", (120.08, 30.53), 3),
    ("ZJ-BD-20", "括苍山", "Kuocangshan", "forest", "331082", None, 6),
    ("ZJ-BD-21", "四明山", "Simingshan", "forest", "330281", None, 6),
    ("ZJ-BD-22", "会稽山", "Kuaijishan", "forest", "330603", None, 5),
    ("ZJ-BD-23", "仙霞岭", "Xianxialing", "forest", "330881", None, 6),
    ("ZJ-BD-24", "雁荡山", "Yandangshan", "forest", "330382", (121.06, 28.38), 5),
    ("ZJ-BD-25", "望东垟高山湿地", "Wangdongyang Highland Wetland", "wetland", "331127", None, 3),
    ("ZJ-BD-26", "箬寮原始林", "Ruoliao Old-growth Forest", "forest", "331124", None, 4),
    ("ZJ-BD-27", "马鞍列岛", "Ma'an Islands", "marine", "330922", None, 3),
    ("ZJ-BD-28", "瓯江河口", "Oujiang Estuary", "wetland", "330303", None, 3),
    ("ZJ-BD-29", "南北湖", "Nanbei Lake", "wetland", "330424", None, 3),
)  # fmt: skip
#: done (12), surveying (10), planned (7), in the order of AREAS
STATUS_PLAN = ("done",) * 12 + ("surveying",) * 10 + ("planned",) * 7

#: species: name_zh, scientific name, kingdom, phylum, class, order, family, ecosystems, weight
#: (relative number of records), count range per record
SPECIES: tuple[tuple[str, str, str, str, str, str, str, str, float, tuple[int, int]], ...] = (
    ("中华秋沙鸭", "Mergus squamatus", "Animalia", "Chordata", "Aves", "Anseriformes", "Anatidae", "forest freshwater", 0.6, (2, 14)),
    ("白颈长尾雉", "Syrmaticus ellioti", "Animalia", "Chordata", "Aves", "Galliformes", "Phasianidae", "forest", 0.8, (1, 4)),
    ("黄腹角雉", "Tragopan caboti", "Animalia", "Chordata", "Aves", "Galliformes", "Phasianidae", "forest", 0.3, (1, 2)),
    ("白鹇", "Lophura nycthemera", "Animalia", "Chordata", "Aves", "Galliformes", "Phasianidae", "forest", 1.5, (1, 6)),
    ("鸳鸯", "Aix galericulata", "Animalia", "Chordata", "Aves", "Anseriformes", "Anatidae", "freshwater wetland forest", 1.0, (2, 30)),
    ("黑脸琵鹭", "Platalea minor", "Animalia", "Chordata", "Aves", "Pelecaniformes", "Threskiornithidae", "wetland marine", 0.4, (1, 12)),
    ("东方白鹳", "Ciconia boyciana", "Animalia", "Chordata", "Aves", "Ciconiiformes", "Ciconiidae", "wetland", 0.3, (1, 8)),
    ("中华凤头燕鸥", "Thalasseus bernsteini", "Animalia", "Chordata", "Aves", "Charadriiformes", "Laridae", "marine", 0.3, (1, 6)),
    ("小天鹅", "Cygnus columbianus", "Animalia", "Chordata", "Aves", "Anseriformes", "Anatidae", "wetland", 0.4, (2, 40)),
    ("画眉", "Garrulax canorus", "Animalia", "Chordata", "Aves", "Passeriformes", "Leiothrichidae", "forest", 2.0, (1, 4)),
    ("红嘴相思鸟", "Leiothrix lutea", "Animalia", "Chordata", "Aves", "Passeriformes", "Leiothrichidae", "forest", 2.0, (2, 12)),
    ("白鹭", "Egretta garzetta", "Animalia", "Chordata", "Aves", "Pelecaniformes", "Ardeidae", "wetland freshwater marine", 4.0, (1, 60)),
    ("池鹭", "Ardeola bacchus", "Animalia", "Chordata", "Aves", "Pelecaniformes", "Ardeidae", "wetland freshwater", 3.0, (1, 20)),
    ("白头鹎", "Pycnonotus sinensis", "Animalia", "Chordata", "Aves", "Passeriformes", "Pycnonotidae", "forest wetland freshwater", 5.0, (1, 15)),
    ("珠颈斑鸠", "Spilopelia chinensis", "Animalia", "Chordata", "Aves", "Columbiformes", "Columbidae", "forest wetland", 4.0, (1, 6)),
    ("黑尾鸥", "Larus crassirostris", "Animalia", "Chordata", "Aves", "Charadriiformes", "Laridae", "marine", 4.0, (5, 300)),
    ("普通鸬鹚", "Phalacrocorax carbo", "Animalia", "Chordata", "Aves", "Suliformes", "Phalacrocoracidae", "freshwater wetland", 2.0, (2, 80)),
    ("黑麂", "Muntiacus crinifrons", "Animalia", "Chordata", "Mammalia", "Artiodactyla", "Cervidae", "forest", 0.7, (1, 2)),
    ("小麂", "Muntiacus reevesi", "Animalia", "Chordata", "Mammalia", "Artiodactyla", "Cervidae", "forest", 3.0, (1, 3)),
    ("猕猴", "Macaca mulatta", "Animalia", "Chordata", "Mammalia", "Primates", "Cercopithecidae", "forest", 1.2, (3, 25)),
    ("藏酋猴", "Macaca thibetana", "Animalia", "Chordata", "Mammalia", "Primates", "Cercopithecidae", "forest", 0.6, (3, 20)),
    ("豹猫", "Prionailurus bengalensis", "Animalia", "Chordata", "Mammalia", "Carnivora", "Felidae", "forest", 1.0, (1, 1)),
    ("野猪", "Sus scrofa", "Animalia", "Chordata", "Mammalia", "Artiodactyla", "Suidae", "forest", 3.0, (1, 6)),
    ("獐", "Hydropotes inermis", "Animalia", "Chordata", "Mammalia", "Artiodactyla", "Cervidae", "wetland marine", 0.8, (1, 3)),
    ("中华穿山甲", "Manis pentadactyla", "Animalia", "Chordata", "Mammalia", "Pholidota", "Manidae", "forest", 0.1, (1, 1)),
    ("大鲵", "Andrias davidianus", "Animalia", "Chordata", "Amphibia", "Caudata", "Cryptobranchidae", "forest", 0.15, (1, 1)),
    ("虎纹蛙", "Hoplobatrachus chinensis", "Animalia", "Chordata", "Amphibia", "Anura", "Dicroglossidae", "wetland freshwater", 0.6, (1, 5)),
    ("黑斑侧褶蛙", "Pelophylax nigromaculatus", "Animalia", "Chordata", "Amphibia", "Anura", "Ranidae", "wetland freshwater forest", 3.0, (1, 20)),
    ("红耳彩龟", "Trachemys scripta elegans", "Animalia", "Chordata", "Reptilia", "Testudines", "Emydidae", "freshwater wetland", 0.8, (1, 4)),
    ("美洲牛蛙", "Lithobates catesbeianus", "Animalia", "Chordata", "Amphibia", "Anura", "Ranidae", "freshwater wetland", 0.6, (1, 6)),
    ("福寿螺", "Pomacea canaliculata", "Animalia", "Mollusca", "Gastropoda", "Architaenioglossa", "Ampullariidae", "freshwater wetland", 1.5, (5, 200)),
    ("美国白蛾", "Hyphantria cunea", "Animalia", "Arthropoda", "Insecta", "Lepidoptera", "Erebidae", "wetland", 0.2, (10, 300)),
    ("红火蚁", "Solenopsis invicta", "Animalia", "Arthropoda", "Insecta", "Hymenoptera", "Formicidae", "wetland", 0.15, (1, 3)),
    ("百山祖冷杉", "Abies beshanzuensis", "Plantae", "Tracheophyta", "Pinopsida", "Pinales", "Pinaceae", "baishanzu", 3.0, (1, 1)),
    ("天目铁木", "Ostrya rehderiana", "Plantae", "Tracheophyta", "Magnoliopsida", "Fagales", "Betulaceae", "tianmushan", 3.0, (1, 1)),
    ("南方红豆杉", "Taxus wallichiana var. mairei", "Plantae", "Tracheophyta", "Pinopsida", "Pinales", "Taxaceae", "forest", 1.2, (1, 12)),
    ("香果树", "Emmenopterys henryi", "Plantae", "Tracheophyta", "Magnoliopsida", "Gentianales", "Rubiaceae", "forest", 0.8, (1, 8)),
    ("鹅掌楸", "Liriodendron chinense", "Plantae", "Tracheophyta", "Magnoliopsida", "Magnoliales", "Magnoliaceae", "forest", 0.6, (1, 6)),
    ("金钱松", "Pseudolarix amabilis", "Plantae", "Tracheophyta", "Pinopsida", "Pinales", "Pinaceae", "forest", 0.8, (1, 20)),
    ("长叶榧", "Torreya jackii", "Plantae", "Tracheophyta", "Pinopsida", "Pinales", "Taxaceae", "forest", 0.3, (1, 10)),
    ("七子花", "Heptacodium miconioides", "Plantae", "Tracheophyta", "Magnoliopsida", "Dipsacales", "Caprifoliaceae", "forest", 0.3, (1, 15)),
    ("浙江楠", "Phoebe chekiangensis", "Plantae", "Tracheophyta", "Magnoliopsida", "Laurales", "Lauraceae", "forest", 0.5, (1, 10)),
    ("木荷", "Schima superba", "Plantae", "Tracheophyta", "Magnoliopsida", "Ericales", "Theaceae", "forest", 4.0, (5, 120)),
    ("毛竹", "Phyllostachys edulis", "Plantae", "Tracheophyta", "Liliopsida", "Poales", "Poaceae", "forest", 4.0, (20, 500)),
    ("马尾松", "Pinus massoniana", "Plantae", "Tracheophyta", "Pinopsida", "Pinales", "Pinaceae", "forest", 4.0, (10, 300)),
    ("芦苇", "Phragmites australis", "Plantae", "Tracheophyta", "Liliopsida", "Poales", "Poaceae", "wetland freshwater marine", 4.0, (50, 2000)),
    ("秋茄树", "Kandelia obovata", "Plantae", "Tracheophyta", "Magnoliopsida", "Malpighiales", "Rhizophoraceae", "marine coastal", 1.0, (10, 400)),
    ("加拿大一枝黄花", "Solidago canadensis", "Plantae", "Tracheophyta", "Magnoliopsida", "Asterales", "Asteraceae", "wetland forest freshwater", 1.5, (10, 800)),
    ("互花米草", "Spartina alterniflora", "Plantae", "Tracheophyta", "Liliopsida", "Poales", "Poaceae", "marine coastal", 2.0, (100, 5000)),
    ("空心莲子草", "Alternanthera philoxeroides", "Plantae", "Tracheophyta", "Magnoliopsida", "Caryophyllales", "Amaranthaceae", "freshwater wetland", 1.5, (20, 1000)),
    ("凤眼蓝", "Eichhornia crassipes", "Plantae", "Tracheophyta", "Liliopsida", "Commelinales", "Pontederiaceae", "freshwater wetland", 1.0, (20, 2000)),
    ("垂序商陆", "Phytolacca americana", "Plantae", "Tracheophyta", "Magnoliopsida", "Caryophyllales", "Phytolaccaceae", "forest", 0.6, (1, 30)),
)  # fmt: skip
#: records per area by status
RECORDS = {"done": 115, "surveying": 55}
_KM_LAT = 111.0


def _landscape(code: str) -> str:
    for name, group in (("mountain", MOUNTAIN), ("urban", URBAN), ("plain", PLAIN),
                        ("island", ISLAND)):  # fmt: skip
        if code in group:
            return name
    return "hills"


def _clip(v: float) -> float:
    return round(min(100.0, max(0.0, v)), 1)


def _ei_rows(rng: np.random.Generator) -> list[dict[str, Any]]:
    counties = sorted(r.code for r in REGIONS.values() if r.level is RegionLevel.COUNTY)
    weights = np.array([w for _, w in CHANGES], dtype=float)
    rows = []
    for code in counties:
        ranges = RANGES[_landscape(code)]
        now = [float(rng.uniform(lo, hi)) for lo, hi in ranges]
        lo, hi = CHANGES[int(rng.choice(len(CHANGES), p=weights / weights.sum()))][0]
        d = float(rng.uniform(lo, hi))
        # 2015 = 2020 less d on every sub-index in the EI's favour: the weights sum to 1, so
        # ΔEI ≈ d (exact unless an index is clipped at 0 or 100)
        then = [v - d if i < 3 else v + d for i, v in enumerate(now)]
        for year, values in ((2015, then), (2020, now)):
            row: dict[str, Any] = {"region_code": code, "year": year,
                                   **{k: _clip(v) for k, v in zip(SUB_INDICES, values, strict=True)},
                                   "restriction": "none", "source": "演示数据（合成）"}  # fmt: skip
            if (code, year) == (RESTRICTED[0], 2020):
                row["restriction"] = RESTRICTED[1]
            row["ei"], row["grade"] = assess(row)
            rows.append(row)
    return rows


def _anchor(
    code: str, pos: tuple[float, float] | None, centres: dict[str, list[float]]
) -> tuple[float, float]:
    if pos is not None and county_at(pos[0], pos[1]) == code:
        return pos
    c = centres[code]
    return float(c[0]), float(c[1])


def _outline(
    rng: np.random.Generator, lon: float, lat: float, radius_km: float
) -> list[list[float]]:
    """A closed irregular polygon (9 vertices) of about ``radius_km`` around the point, shrunk
    until every vertex lies in Zhejiang."""
    r = radius_km
    for _ in range(8):
        ring = []
        for k in range(9):
            a = 2 * math.pi * k / 9
            rr = r * float(rng.uniform(0.7, 1.15))
            ring.append([round(lon + rr * math.cos(a) / (_KM_LAT * math.cos(math.radians(lat))), 5),
                         round(lat + rr * math.sin(a) / _KM_LAT, 5)])  # fmt: skip
        if all(county_at(p[0], p[1]) is not None for p in ring):
            return [*ring, ring[0]]
        r *= 0.7
    return [*ring, ring[0]]


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _dates(status_: str, i: int, today: date) -> tuple[date, date | None, date | None]:
    planned = date(2021 + i % 3, 3 + (i * 5) % 8, 1)
    if status_ == "done":
        start = today - timedelta(days=int(900 - 40 * i))
        return planned, start, start + timedelta(days=int(240 + 25 * (i % 5)))
    if status_ == "surveying":
        return planned, today - timedelta(days=int(60 + 30 * (i % 10))), None
    return min(planned, today + timedelta(days=90 + 30 * (i % 7))), None, None


#: areas with species of their own beyond their ecosystem's (endemics; coastal salt marsh)
SPECIAL = {"ZJ-BD-01": "baishanzu", "ZJ-BD-05": "tianmushan", "ZJ-BD-11": "coastal",
           "ZJ-BD-15": "coastal", "ZJ-BD-28": "coastal"}  # fmt: skip


def _pool(ecosystem: str, code: str) -> tuple[list[int], np.ndarray]:
    tags = {ecosystem, SPECIAL.get(code, ecosystem)}
    idx = [i for i, s in enumerate(SPECIES) if tags & set(s[7].split())]
    w = np.array([SPECIES[i][8] for i in idx], dtype=float)
    return idx, w / w.sum()


def _records(
    rng: np.random.Generator, area: dict[str, Any], code: str, today: date
) -> list[dict[str, Any]]:
    n = RECORDS.get(area["status"], 0)
    if not n:
        return []
    ring = area["geometry"]["coordinates"][0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    idx, w = _pool(area["ecosystem"], code)
    start = area["started_on"]
    end = area["finished_on"] or today
    span = max(1, (end - start).days)
    out: list[dict[str, Any]] = []
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        x, y = float(rng.uniform(min(xs), max(xs))), float(rng.uniform(min(ys), max(ys)))
        if not _inside(x, y, ring):
            continue
        county = county_at(x, y, tolerance_km=5.0)
        if county is None:
            continue
        s = SPECIES[idx[int(rng.choice(len(idx), p=w))]]
        cls = s[4]
        basis = ("MachineObservation" if cls == "Mammalia" and rng.random() < 0.6 else
                 "PreservedSpecimen" if s[2] == "Plantae" and rng.random() < 0.08 else
                 "HumanObservation")  # fmt: skip
        k = len(out) + 1
        out.append({
            "occurrence_id": f"QS-DEMO-{code}-{k:04d}", "scientific_name": s[1],
            "vernacular_name": s[0], "taxon_rank": "variety" if " var. " in s[1] else "species",
            "kingdom": s[2], "phylum": s[3], "class_name": cls, "order_name": s[5], "family": s[6],
            "event_date": start + timedelta(days=int(rng.integers(0, span + 1))),
            "lat": round(y, 5), "lon": round(x, 5),
            "coordinate_uncertainty_m": float(rng.choice([10, 30, 50, 100])),
            "recorded_by": f"〔演示〕{area['name']}调查组{1 + int(rng.integers(0, 4))}",
            "basis_of_record": basis,
            "individual_count": int(rng.integers(s[9][0], s[9][1] + 1)),
            "survey_area_id": area["id"], "region_code": str(county),
        })  # fmt: skip
    return out


def seed_demo_ecology(engine: Engine, *, now: datetime, seed: int = 2025) -> dict[str, int] | None:
    """Seed the EI inputs (2015, 2020), the 29 survey areas and their species records.
    ``now``: the demo's present (its CST day decides the areas' status). None when both parts
    were there already."""
    rng = np.random.default_rng(seed)
    today = now.astimezone(CST).date()
    out: dict[str, int] = {}
    with acting_as("demo"), session_scope(engine) as session:
        if (
            session.scalar(select(EcoStatusInput.id).where(EcoStatusInput.synthetic).limit(1))
            is None
        ):
            rows = _ei_rows(rng)
            status.save_rows(session, PROVINCE, rows, synthetic=True)
            out["ei_inputs"] = len(rows)
        if session.scalar(select(EcoSurveyArea.id).where(EcoSurveyArea.synthetic).limit(1)) is None:
            centres = {f["properties"]["code"]: f["properties"]["center"]
                       for f in read_county_boundaries()["features"]}  # fmt: skip
            n_records = 0
            for i, (code, name, name_en, eco, county, pos, radius) in enumerate(AREAS):
                lon, lat = _anchor(county, pos, centres)
                planned, started, finished = _dates(STATUS_PLAN[i], i, today)
                area_id = bio.save_area(session, PROVINCE, {
                    "code": code, "name": name, "name_en": name_en, "ecosystem": eco,
                    "geometry": {"type": "Polygon", "coordinates": [_outline(rng, lon, lat, radius)]},
                    "area_km2": round(math.pi * radius**2 * 0.9, 1), "planned_start": planned,
                    "started_on": started, "finished_on": finished}, synthetic=True)  # fmt: skip
                area = bio.list_areas(session, PROVINCE, on=today)
                a = next(x for x in area if x["id"] == area_id)
                recs = _records(rng, a, code, today)
                if recs:
                    bio.save_records(session, PROVINCE, recs, synthetic=True)
                n_records += len(recs)
            out["survey_areas"] = len(AREAS)
            out["species_records"] = n_records
    return out or None
