"""People, courses and needs of the demo, composed on top of the organizations."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

from demo_text import names as N
from demo_text import profiles as P
from demo_text.courses import FAMILIES, WORKFORCE_NEEDS
from demo_text.topics import TOPICS

TOPIC = {t["id"]: t for t in TOPICS}
STREAM_NAMES = {"zev": "Zero-Emission Vehicles Stream", "net_zero": "Net-Zero Processes and Facilities Stream",
                "circular": "Circular Manufacturing of Materials Stream",
                "scale_up": "Scale-up and Adoption of Transformative Manufacturing Solutions Stream"}
GENERAL = ["tp-skills-forward", "tp-prairie-trades", "tp-atlantic-skills", "ri-lakeshore-poly", "ri-grand-valley",
           "ri-northshore-it", "ri-chinook-it", "ri-fraser-delta", "ri-cascadia-it", "ri-lake-agassiz", "ri-quappelle",
           "ri-fundy-it"]
NORTH = ["tp-klondike-trades", "tp-great-slave", "tp-baffin-trades"]
#: Who teaches what, beyond the general colleges and training centres (``None``: specialists only).
SPECIALISTS: dict[str, tuple[list[str], bool]] = {
    "plc_training": (["tp-digital-shop", "tp-pacific-robotics"], True),
    "robotics_training": (["tp-weldtech-academy", "tp-pacific-robotics", "ic-swo-automation"], True),
    "cobot_safety": (["tp-pacific-robotics", "ic-swo-automation", "ic-niagara-food", "tp-weldtech-academy"], False),
    "welding_automation": (["tp-weldtech-academy", "tp-women-trades", "ic-agri-equipment", *NORTH], True),
    "cnc_training": (["tp-women-trades", *NORTH], True),
    "lean": (["tp-lean-institute"], True),
    "quality": (["tp-lean-institute", "ic-island-bio"], True),
    "leadership": (["tp-lean-institute", "tp-newcomer-bridge"], True),
    "am_training": (["ic-prairie-amdc", "ri-pacific-rim-mrc"], True),
    "hv_safety": (["ri-windsor-ev-lab", "tp-skills-forward"], True),
    "digital_skills": (["tp-digital-shop", "ic-pacific-digital", *NORTH], True),
    "predictive_maintenance": (["ic-northern-mining", "tp-digital-shop"], True),
    "ot_security": (["tp-digital-shop", "ri-avalon-oti"], False),
    "energy_training": (["ic-atlantic-clean"], True),
    "lca": (["ic-atlantic-clean", "ri-cabot-strait"], False),
    "hydrogen_training": (["ic-hydrogen-mobility", "ri-chinook-it"], False),
    "composites_training": (["ri-avalon-oti", "ic-prairie-fibre"], False),
    "moulding_training": (["ic-pacific-digital", "ri-grand-valley"], False),
    "indigenous": (["tp-first-light", *NORTH], False),
    "wil": ([ext for ext, _n, p, _c, _k in N.RESEARCH_INSTITUTIONS if p != "QC"], False),
    "trades_pathways": (["tp-women-trades", "tp-newcomer-bridge", *NORTH], True),
    "machine_vision": (["tp-pacific-robotics", "ic-pacific-digital"], False),
}
BY_TITLE = {"Women in Trades": "tp-women-trades", "Newcomer": "tp-newcomer-bridge",
            "Indigenous Entrepreneurship": "tp-first-light"}
POPULAR = ("plc_training", "robotics_training", "welding_automation", "cnc_training", "lean", "wil", "digital_skills",
           "hv_safety")
FR_PROVIDERS = ["tp-academie-fab", "tp-formation-auto", "tp-lean-institute", "ri-haute-beauce", "ri-val-mauricie",
                "ic-beauce-numerique", "tp-atlantic-skills"]
LOGISTICS = {
    "online": ["Self-paced online modules with a live lab session every {day}.", "Online, two evenings a week over "
               "{weeks} weeks.", "Fully online; learners need a laptop and a headset."],
    "in-person": ["Taught on real equipment at our {city} lab.", "In person, {days} full days, groups of twelve.",
                  "Delivered at our {city} campus or on site at your plant for groups of eight or more."],
    "hybrid": ["Theory online, then {days} days of hands-on practice in {city}.", "Blended: online lessons plus "
               "Saturday labs in {city}."],
}
LOGISTICS_FR = {"online": "En ligne, en soirée, sur {weeks} semaines.", "in-person": "En atelier à {city}, "
                "{days} jours.", "hybrid": "Théorie en ligne et pratique en atelier à {city}."}
#: Needs whose text names an industry go to a manufacturer in that industry (first keyword found wins).
NEED_SECTORS = [
    ("boat", ["marine"]), ("hull", ["marine"]), ("tractor", ["agriculture", "transportation"]),
    ("surgical", ["medical devices"]), ("Health Canada", ["medical devices"]), ("device", ["medical devices"]),
    ("seat foam", ["automotive"]), ("cabin", ["aerospace"]), ("flight", ["aerospace"]),
    ("Inconel", ["aerospace", "energy"]),
    ("presses", ["automotive", "metals"]), ("packaging", ["food processing"]), ("washdown", ["food processing"]),
    ("lavage", ["food processing"]), ("pasteuris", ["food processing"]), ("caustic", ["food processing"]),
    ("electric bus", ["electric vehicles", "transportation"]), ("battery", ["electric vehicles", "transportation"]),
    ("EV", ["electric vehicles", "automotive"]), ("utility vehicle", ["electric vehicles"]),
    ("cooling plates", ["electric vehicles"]), ("yard tractor", ["transportation"]), ("castings", ["metals"]),
    ("die-cast", ["metals", "automotive"]), ("powder-coated", ["metals", "construction"]), ("panneaux", ["metals"]),
    ("paint", ["metals", "automotive", "construction"]), ("insulated panels", ["construction"]),
    ("polypropylene", ["plastics", "automotive"]), ("mould", ["plastics"]), ("moule", ["plastics"]),
    ("hydraulic pumps", ["agriculture", "energy"]), ("annealing", ["metals"]),
    ("A572", ["agriculture", "construction"]), ("crusher", ["energy", "metals"]),
    ("extruder", ["plastics", "food processing"]), ("chips", ["metals", "aerospace"]),
    ("lathes", ["metals", "automotive"]), ("bracket", ["automotive", "aerospace"]), ("cross-members", ["automotive"]),
    ("weldments", ["metals", "agriculture"]), ("carbon scrap", ["aerospace", "marine"]), ("titane", ["aerospace"]),
    ("fixtures", ["automotive", "plastics"]), ("job shop", ["metals"]), ("mousse", ["automotive", "plastics"]),
    ("cobot", ["food processing", "plastics", "metals"]), ("ébavurage", ["metals"]), ("gaz", ["food processing"]),
]
CONTEXT = ["We are a {size} plant in {city} running {shifts}.", "Timeline: we would like something running before "
           "the end of 2026.", "We would apply to the {stream} with a partner if the project fits.",
           "Budget is approved for a first phase; we can host trials on weekends.",
           "Happy to share parts and data under an NDA.", ""]
CONTEXT_FR = ["Nous visons une solution d'ici la fin de 2026.", "Nous pourrions déposer un projet au volet "
              "« {stream} » avec un partenaire.", ""]


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def domain(name: str) -> str:
    """A fictional web domain under the reserved ``.example`` top-level domain; initials for long names."""
    words = [w for w in slug(name).split("-") if w not in ("inc", "ltd", "ltee", "corp", "co", "limited")]
    base = "-".join(words)
    if len(base) > 28:
        base = "".join(w[0] for w in words if len(w) > 2 or w.isdigit())
    return f"{base}.example"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class PeopleCoursesNeeds:
    rng: Any
    info: dict[str, dict]
    orgs: list[dict]
    people: list[dict]
    course_rows: list[dict]
    need_rows: list[dict]
    coverage: dict[str, set[str]]
    need_topics: dict[str, list[str]]
    contacts: dict[str, str]

    def person_name(self) -> tuple[str, str, str]:
        first, last = "", ""

        def make() -> str:
            nonlocal first, last
            first, last = self.rng.choice(N.FIRST_NAMES), self.rng.choice(N.LAST_NAMES)
            return f"{first} {last}"

        name = self.unique(make)  # type: ignore[attr-defined]
        return name, first, last

    def researchers(self, n: int) -> None:
        ris = [(ext, kind) for ext, _name, _p, _c, kind in N.RESEARCH_INSTITUTIONS]
        weights = [{"university": 5, "college": 2, "centre": 3}[kind] for _, kind in ris]
        for i in range(n):
            ext, kind = ris[i] if i < len(ris) else self.rng.choices(ris, weights=weights)[0]
            info = self.info[ext]
            primary = self.rng.choice(info["topics"]) if self.rng.random() < 0.85 else self.rng.choice(list(TOPIC))
            near = TOPIC[primary]["near"]
            secondary = self.rng.choice(near) if near and self.rng.random() < 0.35 else self.rng.choice(
                [t for t in TOPIC if t != primary])
            e1 = self.rng.choice(TOPIC[primary]["expertise"])
            e2 = self.rng.choice(TOPIC[secondary]["expertise"])
            name, first, last = self.person_name()
            titles = N.RESEARCHER_TITLES[kind]
            if info["province"] == "QC" and TOPIC[primary]["fr"] and self.rng.random() < 0.5:
                expertise = f"{TOPIC[primary]['fr']} {self.rng.choice(P.METHODS_FR)} Autres travaux : {e2}."
                languages = ["fr", "en"]
                titles = N.RESEARCHER_TITLES_FR[kind]
            else:
                expertise = self.rng.choice(P.RESEARCHER_TEMPLATES).format(
                    e1=e1, E1=_cap(e1), e2=e2, method=self.rng.choice(P.METHODS), partners=self.rng.choice(P.PARTNERS))
                languages = ["fr", "en"] if info["province"] == "QC" else ["en", "fr"] if self.rng.random() < 0.15 \
                    else ["en"]
            ref = f"res-{slug(name)}"
            self.people.append({
                "kind": "researcher", "external_id": ref, "name": name,
                "title": self.rng.choice(titles).format(area=TOPIC[primary]["label"]),
                "organization": ext, "province": info["province"], "expertise": expertise,
                "interests": " ".join(self.rng.sample(P.RESEARCHER_INTERESTS, 2)),
                "email": f"{slug(first)}.{slug(last)}@{domain(info['name'])}", "languages": languages})
            for t in (primary, secondary):
                self.coverage[t].add(f"person:{ref}")

    def contact(self, org: str) -> str:
        if org in self.contacts:
            return self.contacts[org]
        info = self.info[org]
        name, first, last = self.person_name()
        french_titles = [t for t in N.CONTACT_TITLES if t.startswith("Direction ")]
        titles = french_titles if info.get("french") else [t for t in N.CONTACT_TITLES if t not in french_titles]
        ext = f"ct-{slug(name)}"
        row = {"kind": "person", "role": "contact", "external_id": ext, "name": name,
               "title": self.rng.choice(titles), "organization": org, "province": info["province"],
               "email": f"{slug(first)}.{slug(last)}@{domain(info['name'])}",
               "languages": ["fr", "en"] if info.get("french") else ["en"]}
        if len(self.contacts) % 11 == 6:
            row["visibility"] = "staff"
        self.people.append(row)
        self.contacts[org] = ext
        return ext

    def courses(self) -> None:
        kinds = {ext: i["kind"] for ext, i in self.info.items()}
        load: Counter[str] = Counter()
        offerings = []
        for fam in FAMILIES:
            offerings += [(fam, j, title) for j, title in enumerate(fam["titles"])]
            if fam["topic"] in POPULAR and fam["lang"] == "en":
                offerings += [(fam, j, title) for j, title in enumerate(fam["titles"][:2])]
        given: dict[str, set[str]] = {}
        for k, (fam, j, title) in enumerate(offerings, start=1):
            specialists, general = SPECIALISTS.get(fam["topic"], ([], True))
            pool = FR_PROVIDERS if fam["lang"] == "fr" else specialists + (GENERAL if general else [])
            taken = given.setdefault(title, set())
            fixed = [p for key, p in BY_TITLE.items() if key in title and p not in taken]
            provider = fixed[0] if fixed else min([p for p in pool if p not in taken],
                                                  key=lambda p: (load[p], self.rng.random()))
            load[provider] += 1
            taken.add(provider)
            assert kinds[provider] in ("training_provider", "research_institution", "innovation_centre")
            info = self.info[provider]
            wil = "wil placement" in fam["formats"]
            delivery = "in-person" if wil else self.rng.choice(["online", "in-person", "hybrid", "hybrid"])
            lo, hi = fam["hours"]
            hours = float(max(lo, round(self.rng.uniform(lo, hi) / (40 if wil else 4)) * (40 if wil else 4)))
            free = fam["cost"][1] == 0 or self.rng.random() < 0.08
            cost = 0.0 if free else float(round(self.rng.uniform(*fam["cost"]) / 50) * 50)
            fill = {"day": self.rng.choice(["Tuesday", "Wednesday", "Thursday"]), "weeks": self.rng.choice([6, 8, 10]),
                    "city": info["city"], "days": self.rng.choice([2, 3, 5])}
            logistics = (LOGISTICS_FR[delivery] if fam["lang"] == "fr" else self.rng.choice(LOGISTICS[delivery]))
            desc = f"{fam['descriptions'][j % len(fam['descriptions'])]} {logistics.format(**fill)}"
            if not wil and self.rng.random() < 0.3:
                desc += (" Admissible au Programme de formation en français en fabrication avancée."
                         if fam["lang"] == "fr" else " Eligible for the Advanced Manufacturing Upskilling Program.")
            language = fam["lang"]
            if language == "en" and "fr" in self.org_languages(provider) and self.rng.random() < 0.4:
                language = "bilingual"
            credential = self.rng.choice(fam["credentials"])
            row = {"kind": "course", "external_id": f"course-{k:03d}", "title": title, "provider": provider,
                   "description": desc, "skills": self.rng.sample(fam["skills"], min(len(fam["skills"]),
                                                                                   self.rng.randint(3, 5))),
                   "format": self.rng.choice(fam["formats"]), "delivery": delivery, "duration_hours": hours,
                   "cost_cad": cost, "credential": None if credential == "none" else credential,
                   "language": language, "province": info["province"],
                   "url": f"https://{domain(info['name'])}/programs/{slug(title)[:60]}"}
            self.course_rows.append({k2: v for k2, v in row.items() if v is not None})
            self.coverage[fam["topic"]].add(f"course:{row['external_id']}")

    def org_languages(self, ext: str) -> list[str]:
        return next(o.get("languages", []) for o in self.orgs if o["external_id"] == ext)

    def needs(self) -> None:
        en = [(t["id"], title, body, "en") for t in TOPICS for title, body in t["needs"]]
        fr = [(t["id"], *t["need_fr"], "fr") for t in TOPICS if t["need_fr"]]
        workforce = [(topic, title, body, "fr" if "Formation" in title else "en") for topic, title, body in
                     WORKFORCE_NEEDS]
        specs = self.rng.sample(en, 34) + self.rng.sample(fr, 8) + workforce
        mfgs = sorted(ext for ext, i in self.info.items() if i["kind"] == "manufacturer")
        hidden = {o["external_id"] for o in self.orgs if o.get("visibility") == "hidden"}
        k = 0
        for topic, title, body, lang in specs:
            free = [m for m in mfgs if self.info[m]["needs"] < 2 and m not in hidden and
                    (self.info[m]["province"] in ("QC", "NB") if lang == "fr" else not self.info[m]["french"])]
            named = next((secs for key, secs in NEED_SECTORS if key in f"{title} {body}"), None)
            sectors = set(named or (TOPIC[topic]["sectors"] if topic in TOPIC else []))
            in_sector = [m for m in free if sectors & set(self.info[m]["sectors"])] if sectors - {"all"} else free
            candidates = ([m for m in in_sector if topic in self.info[m]["interests"]] or in_sector
                          or ([] if named else [m for m in free if topic in self.info[m]["interests"]]) or free)
            if named and not in_sector:
                continue  # no plausible poster left: leave this need out rather than post it incoherently
            org = self.rng.choice(candidates)
            k += 1
            info = self.info[org]
            info["needs"] += 1
            stream = STREAM_NAMES[TOPIC[topic]["stream"]] if topic in TOPIC else STREAM_NAMES["scale_up"]
            context = self.rng.choice(CONTEXT_FR if lang == "fr" else CONTEXT).format(
                size={"1-49": "small", "50-249": "mid-sized", "250+": "large"}[next(
                    o["size"] for o in self.orgs if o["external_id"] == org)],
                city=info["city"], shifts=self.rng.choice(["two shifts", "three shifts"]), stream=stream)
            ext = f"need-{k:03d}"
            row: dict[str, Any] = {"kind": "need", "external_id": ext, "title": title, "organization": org,
                                   "person": self.contact(org), "description": f"{body} {context}".strip()}
            if k in (6, 18, 29):
                row["status"] = "closed"
            if k % 9 == 4:
                row["anonymous"] = True
            self.need_rows.append(row)
            self.need_topics[f"need:{ext}"] = [topic]

    def topic_index(self) -> dict[str, Any]:
        topics = {}
        for tid, refs in sorted(self.coverage.items()):
            t = TOPIC.get(tid)
            topics[tid] = {"label": t["label"] if t else tid.replace("_", " "), "refs": sorted(refs),
                           "near": list(t["near"]) if t else [], "stream": t["stream"] if t else "workforce"}
        needs = {}
        for ref, tids in self.need_topics.items():
            row = next(r for r in self.need_rows if f"need:{r['external_id']}" == ref)
            own = {f"org:{row['organization']}", f"person:{row['person']}"}
            relevant = sorted({r for t in tids for r in self.coverage.get(t, ())} - own)
            needs[ref] = {"topics": tids, "relevant": relevant}
        return {"about": "Which demo entries cover which topic, and which entries answer each need (for "
                         "evaluating matching on the demo directory). Generated by scripts/make_demo.py.",
                "topics": topics, "needs": needs}
