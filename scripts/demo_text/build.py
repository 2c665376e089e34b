"""Composes demo organizations, people, courses and needs from the hand-written pools."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from demo_text import names as N
from demo_text import profiles as P
from demo_text.build_more import TOPIC, PeopleCoursesNeeds, domain, slug
from demo_text.topics import TOPICS

CENTRE_TOPICS = {
    "ri-ottawa-valley-cam": ["composites", "ct_qualification", "biocomposites"],
    "ri-windsor-ev-lab": ["battery_thermal", "e_motors", "laser_battery_joining", "hot_stamping"],
    "ri-crpd-becancour": ["solvolysis", "battery_recycling", "hydrogen_heat"],
    "ri-pacific-rim-mrc": ["lpbf_titanium", "ded_repair", "scrap_sorting"],
    "ri-avalon-oti": ["composites", "ot_security", "predictive_maintenance"],
    "ic-swo-automation": ["al_arc_welding", "weld_vision", "cobot_safety", "offline_programming"],
    "ic-hydrogen-mobility": ["fuel_cells", "hydrogen_heat"],
    "ic-northern-mining": ["ded_repair", "predictive_maintenance", "steel_welding"],
    "ic-niagara-food": ["hygienic_automation", "heat_pumps", "cobot_safety"],
    "ic-beauce-numerique": ["plc_opcua", "mes", "offline_programming"],
    "ic-essais-batteries": ["battery_thermal", "cell_manufacturing", "battery_recycling"],
    "ic-prairie-amdc": ["lpbf_titanium", "polymer_am", "bin_picking"],
    "ic-pacific-digital": ["moulding_twin", "plc_opcua", "surface_vision"],
    "ic-prairie-fibre": ["biocomposites", "composite_recycling"],
    "ic-agri-equipment": ["steel_welding", "robotic_finishing", "e_motors"],
    "ic-atlantic-clean": ["energy_monitoring", "lca", "heat_pumps"],
    "ic-island-bio": ["biocomposites", "medtech_validation"],
}
SERVICE_NOUNS = {
    "lca": "Carbon Advisory", "energy_monitoring": "Energy Advisors", "ot_security": "Industrial Cyber",
    "mes": "Operations Software", "cobot_safety": "Machine Safety Engineering", "ct_qualification": "Test Labs",
    "plc_opcua": "Controls Integration", "heat_pumps": "Thermal Engineering", "remanufacturing": "Reman Services",
    "medtech_validation": "Validation Services", "offline_programming": "Automation Integrators",
    "bin_picking": "Robotics Integration", "weld_vision": "Vision Systems", "low_voc_coatings": "Finishing Solutions",
}
SECTOR_WEIGHTS = {"automotive": 14, "metals": 14, "plastics": 9, "food processing": 9, "aerospace": 8,
                  "electric vehicles": 7, "agriculture": 5, "medical devices": 4, "marine": 3, "construction": 4,
                  "transportation": 3, "energy": 4}
OFFER_TAILS = ["", "", "", "", " Trials can run at our {city} site.", " We have delivered this for {n} clients.",
               " Typical projects take {w} weeks from kickoff to report.", " First results usually within {w} weeks.",
               " Equipment is in {city}; we also work on site."]


class Builder(PeopleCoursesNeeds):
    """Organizations here; people, courses and needs in ``PeopleCoursesNeeds``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs: list[dict] = []
        self.info: dict[str, dict] = {}
        self.people: list[dict] = []
        self.course_rows: list[dict] = []
        self.need_rows: list[dict] = []
        self.names: set[str] = set()
        self.coverage: dict[str, set[str]] = defaultdict(set)
        self.need_topics: dict[str, list[str]] = {}
        self.contacts: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def cover(self, topic: str, ref: str) -> None:
        self.coverage[topic].add(ref)

    def unique(self, make: Callable[[], str]) -> str:
        for _ in range(500):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("name pools exhausted")

    def province(self) -> str:
        return self.rng.choices(list(N.PROVINCE_WEIGHTS), weights=list(N.PROVINCE_WEIGHTS.values()))[0]

    def offer(self, topic_id: str, city: str, french: bool = False) -> str:
        t = TOPIC[topic_id]
        if french and t["fr"]:
            return t["fr"]
        tail = self.rng.choice(OFFER_TAILS).format(city=city, n=self.rng.randint(4, 40), w=self.rng.choice([6, 8, 12]))
        return self.rng.choice(t["offers"]) + tail

    def sectors_of(self, topics: list[str]) -> list[str]:
        found: list[str] = []
        for t in topics:
            found += [s for s in TOPIC[t]["sectors"] if s != "all" and s not in found]
        return found[:4]

    def add_org(self, ext: str, name: str, kind: str, province: str, city: str, topics: list[str], **fields) -> dict:
        row = {"kind": kind, "external_id": ext, "name": name, "province": province, "region": city, **fields}
        row["website"] = f"https://{domain(name)}"
        row = {k: v for k, v in row.items() if v not in (None, "", [])}
        self.orgs.append(row)
        self.info[ext] = {"kind": kind, "province": province, "city": city, "topics": topics, "name": name,
                          "sectors": fields.get("sectors", []), "french": "fr" in fields.get("languages", [])[:1]}
        for t in topics:
            self.cover(t, f"org:{ext}")
        return row

    def languages(self, province: str, lang: str | None = None) -> list[str]:
        if lang == "fr" or province == "QC":
            return ["fr", "en"] if self.rng.random() < 0.7 else ["fr"]
        if lang == "bilingual" or province == "NB":
            return ["en", "fr"]
        return ["en"]

    # -- organizations ---------------------------------------------------------------------------
    def research_institutions(self) -> None:
        all_topics = list(TOPIC)
        for ext, name, prov, city, kind in N.RESEARCH_INSTITUTIONS:
            topics = CENTRE_TOPICS.get(ext) or self.rng.sample(all_topics, 3)
            french = prov == "QC"
            self.names.add(name)
            desc = (P.RESEARCH_OPENERS_FR if french else P.RESEARCH_OPENERS)[kind].format(name=name, city=city)
            caps = " ".join(self.offer(t, city, french and self.rng.random() < 0.6) for t in topics)
            self.add_org(ext, name, "research_institution", prov, city, topics,
                         size="250+" if kind != "centre" else "50-249", sectors=self.sectors_of(topics),
                         description=desc, capabilities=caps, needs=" ".join(self.rng.sample(P.RESEARCH_NEEDS, 2)),
                         languages=self.languages(prov))
            self.info[ext]["type"] = kind

    def innovation_centres(self) -> None:
        for ext, name, prov, city in N.INNOVATION_CENTRES:
            topics = CENTRE_TOPICS[ext]
            self.names.add(name)
            caps = " ".join([*(self.offer(t, city, prov == "QC") for t in topics), self.rng.choice(P.INNOVATION_CAPS)])
            self.add_org(ext, name, "innovation_centre", prov, city, topics, size="1-49",
                         sectors=self.sectors_of(topics),
                         description=self.rng.choice(P.INNOVATION_OPENERS).format(name=name, city=city),
                         capabilities=caps, needs=" ".join(self.rng.sample(P.INNOVATION_NEEDS, 2)),
                         languages=self.languages(prov))

    def training_providers(self) -> None:
        for ext, name, prov, city, lang in N.TRAINING_PROVIDERS:
            self.names.add(name)
            desc = self.rng.choice(P.TRAINING_OPENERS).format(name=name, city=city)
            if ext == "tp-first-light":
                desc += (" Indigenous-led: programs are designed with First Nations, Métis and Inuit communities and "
                         "taught by Indigenous instructors and business owners.")
            if prov in ("YT", "NT", "NU"):
                desc += " Many learners travel from remote communities; we run blocks of two to three weeks."
            self.add_org(ext, name, "training_provider", prov, city, [], size="1-49", description=desc,
                         needs=" ".join(self.rng.sample(P.TRAINING_NEEDS, 2)), languages=self.languages(prov, lang))

    def technology_firms(self, n: int) -> None:
        for i in range(n):
            primary = self.rng.choice(list(TOPIC))
            roll = self.rng.random()
            near = TOPIC[primary]["near"]
            if roll < 0.45 and near:
                extra = [self.rng.choice(near)]
            else:
                extra = [self.rng.choice(list(TOPIC))] if roll < 0.75 else []
            topics = list(dict.fromkeys([primary, *extra]))
            prov = self.province()
            city = self.rng.choice(N.CITIES[prov])
            name = self.unique(lambda: f"{self.rng.choice(N.TECH_PREFIXES)}{self.rng.choice(N.TECH_SUFFIXES)} "
                                       f"{self.rng.choice(N.TECH_TYPES)}")
            ri = self.rng.choice(N.RESEARCH_INSTITUTIONS)[1]
            label = TOPIC[primary]["label"].lower()
            desc = self.rng.choice(P.TECH_OPENERS).format(
                name=name, offering=f"{label} systems", institution=ri, year=self.rng.randint(2012, 2023),
                area=label, employees=self.rng.randint(6, 60), city=city, pain=self.rng.choice(P.PAINS))
            desc += " " + self.rng.choice(P.TECH_MIDDLES).format(sites=self.rng.randint(5, 80), city=city)
            caps = " ".join(self.offer(t, city, prov == "QC" and self.rng.random() < 0.4) for t in topics)
            self.add_org(f"tf-{slug(name)}", name, "technology_firm", prov, city, topics,
                         size=self.rng.choice(["1-49", "1-49", "50-249"]), sectors=self.sectors_of(topics),
                         description=desc, capabilities=caps,
                         needs=" ".join(n.format(area=label, sector=(self.sectors_of(topics) or ["manufacturing"])[0])
                                        for n in self.rng.sample(P.TECH_NEEDS, 2)),
                         languages=self.languages(prov), visibility="hidden" if i == 7 else None)

    def service_providers(self, n: int) -> None:
        service_topics = list(SERVICE_NOUNS)
        for i in range(n):
            topic = service_topics[i % len(service_topics)]
            topics = [topic] + ([self.rng.choice(service_topics)] if self.rng.random() < 0.4 else [])
            topics = list(dict.fromkeys(topics))
            prov = self.province()
            city = self.rng.choice(N.CITIES[prov])
            name = self.unique(lambda: f"{self.rng.choice(N.NAME_ROOTS)} {SERVICE_NOUNS[topic]}")
            desc = self.rng.choice(P.SERVICE_OPENERS).format(
                name=name, employees=self.rng.randint(3, 45), region=self.rng.choice(
                    ["Ontario", "Quebec", "Western Canada", "Atlantic Canada", "the Prairies", "Canada"]),
                area=TOPIC[topic]["label"].lower(), city=city)
            caps = " ".join(self.offer(t, city, prov == "QC") for t in topics)
            self.add_org(f"sp-{slug(name)}", name, "service_provider", prov, city, topics, size="1-49",
                         sectors=self.sectors_of(topics), description=desc, capabilities=caps,
                         needs=self.rng.choice(P.SERVICE_NEEDS), languages=self.languages(prov))

    def manufacturers(self, n: int) -> None:
        sectors = list(SECTOR_WEIGHTS)
        provinces = list(N.PROVINCE_WEIGHTS)
        for i in range(n):
            prov = provinces[i] if i < len(provinces) else self.province()
            city = self.rng.choice(N.CITIES[prov])
            sector = self.rng.choices(sectors, weights=list(SECTOR_WEIGHTS.values()))[0]
            secs = [sector] + ([self.rng.choice(N.RELATED_SECTORS[sector])] if self.rng.random() < 0.3 else [])
            secs = list(dict.fromkeys(secs))
            french = prov == "QC" and self.rng.random() < 0.6
            noun = self.rng.choice(N.MANUFACTURER_NOUNS[sector])
            if french:
                name = self.unique(lambda: f"{self.rng.choice(N.FRENCH_NOUNS[sector])} "
                                           f"{self.rng.choice(N.FRENCH_ROOTS)} "
                                           f"{self.rng.choice(N.FRENCH_SUFFIXES)}".strip())
            else:
                name = self.unique(lambda: f"{self.rng.choice(N.NAME_ROOTS)} {noun} "
                                           f"{self.rng.choice(N.SUFFIXES)}".strip())
            size = self.rng.choices(["1-49", "50-249", "250+"], weights=[5, 4, 2])[0]
            fill = {"name": name, "city": city, "year": self.rng.randint(1948, 2018),
                    "year2": self.rng.randint(2010, 2024),
                    "product": self.rng.choice(P.PRODUCTS[sector]), "customers": self.rng.choice(P.CUSTOMERS[sector]),
                    "size_word": P.SIZE_WORDS[size], "employees": {"1-49": self.rng.randint(12, 48),
                    "50-249": self.rng.randint(60, 240), "250+": self.rng.randint(260, 1400)}[size],
                    "plant": f"{self.rng.choice([25, 40, 60, 85, 120, 200])},000 sq ft",
                    "shifts": self.rng.choice(["two shifts", "three shifts", "one long day shift"]),
                    "cert": self.rng.choice(P.CERTS), "export": self.rng.randint(5, 70),
                    "machines": self.rng.choice(P.MACHINES[P.MACHINE_GROUP.get(sector, "cutting")]),
                    "machines_fr": self.rng.choice(P.MACHINES_FR[P.MACHINE_GROUP.get(sector, "cutting")]),
                    "company_fr": "Grande entreprise" if size == "250+" else "PME manufacturière",
                    "engineers": self.rng.randint(3, 30), "province_name": self.rng.choice(
                        ["Ontario", "Quebec", "Alberta", "the United States", "the Maritimes", "Manitoba"]),
                    "product_fr": P.PRODUCTS_FR[sector]}
            if french:
                parts = [self.rng.choice(P.MFG_OPENERS_FR), self.rng.choice(P.MFG_MIDDLES_FR)]
                caps = self.rng.sample(P.MFG_CAPABILITIES_FR, 2)
            else:
                opener = self.rng.choice(P.MFG_OPENERS)
                middles = [m for m in P.MFG_MIDDLES if "{customers}" not in opener or "{customers}" not in m]
                parts = [opener, *self.rng.sample(middles, self.rng.choice([1, 2, 2])), self.rng.choice(P.MFG_CLOSERS)]
                caps = self.rng.sample(P.MFG_CAPABILITIES, self.rng.choice([1, 2]))
            fitting = [t["id"] for t in TOPICS if (set(t["sectors"]) & set(secs) or "all" in t["sectors"])
                       and (t["need_fr"] or not french)]
            if len(fitting) < 2:
                fitting = [t["id"] for t in TOPICS if t["need_fr"] or not french]
            interests = self.rng.sample(fitting, 2)
            own = []
            if self.rng.random() < 0.25:
                own = [self.rng.choice(fitting or list(TOPIC))]
                caps.append(self.offer(own[0], city, french))
            needs = " ".join(self.need_line(t, french) for t in interests[: self.rng.choice([1, 2])])
            visibility = "staff" if i in (20, 55) else None
            row = self.add_org(f"mfg-{slug(name)}", name, "manufacturer", prov, city, own, size=size, sectors=secs,
                               description=" ".join(p.format(**fill) for p in parts if p), capabilities=" ".join(caps),
                               needs=needs, languages=["fr", "en"] if french else self.languages(prov),
                               visibility=visibility)
            self.info[row["external_id"]].update(interests=interests, french=french, needs=0)

    def need_line(self, topic_id: str, french: bool) -> str:
        """How a manufacturer's profile states one of its needs (the posted needs say it at length)."""
        t = TOPIC[topic_id]
        title = t["need_fr"][0] if french and t["need_fr"] else self.rng.choice(t["needs"])[0]
        title = title if title[-1] in ".?!" else title + "."
        if french:
            return title
        lead = self.rng.choice(["", "", "Looking for help: ", "Current priority: ", "We need a partner on this: "])
        keep_case = not lead or title[1:2].isupper()  # "EPD ...", "CNC ..." keep their capitals
        return lead + (title if keep_case else title[0].lower() + title[1:])

    def restate_needs(self) -> None:
        """Make each manufacturer's profile mention what it actually posted."""
        posted: dict[str, list[str]] = defaultdict(list)
        for need in self.need_rows:
            title = need["title"]
            posted[need["organization"]].append(title if title[-1] in ".?!" else title + ".")
        for row in self.orgs:
            if row["external_id"] in posted:
                extra = row.get("needs", "").split(". ")[0].rstrip(".") if self.rng.random() < 0.3 else ""
                lines = posted[row["external_id"]]
                if extra and not any(extra in line for line in lines):
                    lines = [*lines, extra + "."]
                row["needs"] = " ".join(dict.fromkeys(lines))

    def training_capabilities(self) -> None:
        by_provider: dict[str, list[str]] = defaultdict(list)
        for course in self.course_rows:
            by_provider[course["provider"]] += [s for s in course["skills"] if s not in by_provider[course["provider"]]]
        for row in self.orgs:
            if row["kind"] == "training_provider":
                skills = by_provider.get(row["external_id"], [])[:8]
                row["capabilities"] = "Programs in " + ", ".join(skills) + "." if skills else ""
