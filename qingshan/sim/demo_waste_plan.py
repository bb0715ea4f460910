"""The demo's hazardous-waste province, planned (pure; issue #18): which demo enterprises
produce which wastes and how much a month, the transporters and facilities added to the demo
(names, cities, licences, capacities), the collection points, and the shipments (one manifest
per producer, code and shipping month) the writer (:mod:`qingshan.sim.demo_waste`) sends through
the waste services.

Quantities are invented for the demo (typical orders of magnitude, asserted nowhere): a coal
power plant's spent SCR catalyst (772-007-50) and waste oil, a chemical plant's still bottoms
(900-013-11) and halogenated residues, a dyeing mill's dye sludge, a paper mill's oily sludge;
every producer has packaging (900-041-49). Sizes are log-normal, so a few producers are small
(< 10 t a year: 登记管理 under HJ 1259-2022 [U]) and join a county's collection point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from qingshan.archive.service import EnterpriseEntry

__all__ = [
    "PRODUCER_CODES",
    "TRANSPORTERS",
    "FACILITIES",
    "FacilitySpec",
    "ProducerSpec",
    "Shipment",
    "WastePlanned",
    "plan_waste",
]

#: rule-pack industry → (code, median monthly tonnage [t], handled on site share)
PRODUCER_CODES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "chemical": (("900-013-11", 14.0, 0.1), ("261-084-45", 6.0, 0.0),
                 ("900-404-06", 5.0, 0.3), ("900-041-49", 1.2, 0.0)),
    "dyeing": (("264-012-12", 8.0, 0.0), ("900-039-49", 1.5, 0.0), ("900-041-49", 0.8, 0.0)),
    "paper": (("900-210-08", 4.0, 0.0), ("900-249-08", 0.8, 0.0), ("900-041-49", 0.6, 0.0)),
    "thermal_power": (("772-007-50", 6.0, 0.0), ("900-249-08", 1.5, 0.2),
                      ("900-041-49", 0.5, 0.0)),
}  # fmt: skip

#: the transporters added to the demo: (county, name) — 危险货物道路运输 (GB/T 4754 5435)
TRANSPORTERS: tuple[tuple[str, str], ...] = (
    ("330106", "杭州绿运危险品运输有限公司"),
    ("330110", "杭州安途环保物流有限公司"),
    ("330206", "宁波港城危险货物运输有限公司"),
    ("330303", "温州瓯安危化品运输有限公司"),
    ("330402", "嘉兴禾运环保物流有限公司"),
    ("330502", "湖州太湖危险品运输有限公司"),
    ("330602", "绍兴越安物流有限公司"),
    ("330702", "金华八婺危险货物运输有限公司"),
    ("331002", "台州椒江安运物流有限公司"),
)


@dataclass(frozen=True)
class FacilitySpec:
    """A facility added to the demo: county, name, capacity [t/yr], licensed codes (category
    wildcards), methods (R/D codes of the management plan's forms)."""

    county: str
    name: str
    capacity_t: float
    codes: tuple[str, ...]
    methods: tuple[str, ...]


#: the facilities added to the demo — 危险废物治理 (GB/T 4754 7724)
FACILITIES: tuple[FacilitySpec, ...] = (
    FacilitySpec("330110", "杭州青源危废处置有限公司", 8000, ("HW08", "HW11", "HW12", "HW49", "HW06"), ("D10", "R9")),
    FacilitySpec("330112", "杭州临安环境科技有限公司", 4000, ("HW08", "HW49", "HW12"), ("R9", "D10")),
    FacilitySpec("330211", "宁波镇海固废处置中心有限公司", 10000, ("HW06", "HW08", "HW11", "HW12", "HW45", "HW49"), ("D10", "D1")),
    FacilitySpec("330302", "温州瓯江环保科技有限公司", 3000, ("HW08", "HW12", "HW49"), ("D10",)),
    FacilitySpec("330411", "嘉兴秀洲危废处置有限公司", 6000, ("HW06", "HW11", "HW45", "HW49"), ("D10", "R2")),
    FacilitySpec("330502", "湖州南太湖资源再生有限公司", 3000, ("HW08", "HW49", "HW50"), ("R8", "R9")),
    FacilitySpec("330604", "绍兴上虞化工固废处置有限公司", 9000, ("HW06", "HW11", "HW12", "HW13", "HW45"), ("D10",)),
    FacilitySpec("330782", "金华义乌环保科技有限公司", 2500, ("HW08", "HW12", "HW49"), ("D10",)),
    FacilitySpec("331004", "台州路桥固废处置有限公司", 3500, ("HW08", "HW11", "HW49"), ("D10",)),
    FacilitySpec("330803", "衢州衢江催化剂再生有限公司", 2000, ("HW50",), ("R8",)),
)  # fmt: skip


@dataclass(frozen=True)
class ProducerSpec:
    """A demo enterprise as a producer: its codes with monthly tonnage [t] and the share it
    handles on site."""

    enterprise: EnterpriseEntry
    codes: tuple[tuple[str, float, float], ...]
    small: bool


@dataclass(frozen=True)
class Shipment:
    """One manifest to write: producer, code, the months whose stored lots it takes out
    (indices into the plan's months), the shipping day, the receiving facility (index in
    :data:`FACILITIES`) and the transporters (indices in :data:`TRANSPORTERS`)."""

    producer_id: int
    code: str
    lots: tuple[int, ...]
    on: date
    facility: int
    transporters: tuple[int, ...]


@dataclass
class WastePlanned:
    """The whole plan: producers, shipments, collection points (county → operator transporter
    index and member producer ids) and the planted patterns' enterprises."""

    producers: list[ProducerSpec]
    shipments: list[Shipment]
    #: (producer id, code) → generated per month [t], in ``months`` order
    generation: dict[tuple[int, str], list[float]]
    points: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    dumping_id: int | None = None
    late_storage_id: int | None = None


def _city(code: str) -> str:
    return code[:4]


def _distance(a: str, b: str) -> int:
    """A crude distance between two counties' cities: 0 same city, else the cities' order
    difference plus one (enough to prefer the nearer facility of equal licence)."""
    return 0 if _city(a) == _city(b) else 1 + abs(int(_city(a)) - int(_city(b)))


def _facility_for(county: str, code: str, skip: int | None = None) -> int:
    """The facility a producer in ``county`` ships ``code`` to: licensed for its category, the
    nearest first, the larger among equals."""
    category = "HW" + code[-2:]
    options = [(i, f) for i, f in enumerate(FACILITIES) if category in f.codes and i != skip]
    options.sort(key=lambda p: (_distance(county, p[1].county), -p[1].capacity_t))
    return options[0][0]


def _transporter_for(county: str) -> int:
    options = sorted(
        range(len(TRANSPORTERS)), key=lambda i: (_distance(county, TRANSPORTERS[i][0]), i)
    )
    return options[0]


def plan_waste(
    enterprises: list[EnterpriseEntry],
    months: list[date],
    *,
    seed: int = 18,
    share_producing: float = 0.3,
) -> WastePlanned:
    """The plan for ``enterprises`` (the demo's, operating) over ``months`` (first days, oldest
    first): producers among chemical, dyeing, paper and power (``share_producing`` of them,
    their main waste and about half of the others); shipments every ``k`` months of
    what was stored (k = 1 for large producers of a code, 2 or 3 for medium, 6 for small); a
    dumping pattern (one chemical plant in Hangzhou that declares and never ships) and a late
    storage (one dyeing mill whose first lot was kept past a year)."""
    rng = np.random.default_rng([seed, 18])
    producers: list[ProducerSpec] = []
    for e in sorted(enterprises, key=lambda e: e.id):
        codes = PRODUCER_CODES.get(e.industry)
        if codes is None or e.status == "closed" or rng.random() > share_producing:
            continue
        size = float(np.clip(rng.lognormal(-0.3, 1.0), 0.01, 6.0))
        picked = [codes[0], *[c for c in codes[1:] if rng.random() < 0.35]]
        mine = tuple((c, round(t * size, 3), share) for c, t, share in picked)
        small = sum(t for _, t, _ in mine) * 12 < 10
        producers.append(ProducerSpec(e, mine, small))
    dumping = next((p for p in producers if p.enterprise.industry == "chemical"
                    and p.enterprise.region_code.startswith("3301") and not p.small), None)  # fmt: skip
    late = next((p for p in producers if p.enterprise.industry == "dyeing"
                 and p.enterprise.region_code.startswith("3301") and not p.small), None)  # fmt: skip
    shipments: list[Shipment] = []
    generation: dict[tuple[int, str], list[float]] = {}
    for p in producers:
        county = p.enterprise.region_code
        for code, monthly, _share in p.codes:
            gen = [round(monthly * float(rng.uniform(0.8, 1.2)), 3) for _ in months]
            generation[(p.enterprise.id, code)] = gen
            if dumping is not None and p is dumping:
                continue
            yearly = monthly * 12
            every = 6 if p.small or yearly < 24 else 4 if yearly < 120 else 3
            held: list[int] = []
            for i, m in enumerate(months):
                held.append(i)
                if (i + 1) % every != 0 and i != len(months) - 1:
                    continue  # the last month ships what is left (the year's stock cleared)
                day = date(m.year, m.month, int(rng.integers(5, 26)))
                shipments.append(Shipment(p.enterprise.id, code, tuple(held), day,
                                          _facility_for(county, code), (_transporter_for(county),)))  # fmt: skip
                held = []
    points: dict[str, tuple[int, list[int]]] = defaultdict(lambda: (0, []))
    counties = sorted({p.enterprise.region_code for p in producers})
    for k, county in enumerate(counties):
        if k % 7 == 6:  # most counties, not all: coverage below 100 %
            continue
        members = [
            p.enterprise.id for p in producers if p.small and p.enterprise.region_code == county
        ]
        points[county] = (_transporter_for(county), members)
    return WastePlanned(
        producers=producers,
        shipments=shipments,
        generation=generation,
        points=dict(points),
        dumping_id=dumping.enterprise.id if dumping else None,
        late_storage_id=late.enterprise.id if late else None,
    )
