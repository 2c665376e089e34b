"""Sentence pools for organization and researcher profiles (English and French)."""

from __future__ import annotations

PRODUCTS = {
    "automotive": ["seat frames and brackets", "stamped body-in-white parts", "powertrain machined components",
                   "exhaust and structural tubing", "interior trim tooling", "brake and suspension parts"],
    "electric vehicles": ["battery enclosures and trays", "charging station cabinets", "electric bus subframes",
                          "low-speed electric utility vehicles", "busbars and high-voltage harness brackets"],
    "aerospace": ["landing-gear components", "titanium and aluminium airframe brackets", "engine mount fittings",
                  "cabin interior structures", "hydraulic manifolds for aircraft"],
    "plastics": ["injection-moulded housings", "blow-moulded containers", "automotive interior trim",
                 "thermoformed trays", "polypropylene storage bins"],
    "metals": ["custom sheet-metal enclosures", "aluminium extrusions", "grey and ductile iron castings",
               "forged fittings", "precision-machined valve bodies", "powder-coated architectural metal"],
    "food processing": ["frozen baked goods", "cheese and cultured dairy", "portioned meat products",
                        "plant-based protein foods", "snack foods and crackers"],
    "agriculture": ["air seeders and tillage tools", "grain handling equipment", "compact tractors and loaders",
                    "livestock feeding systems"],
    "medical devices": ["single-use surgical instruments", "orthopaedic implants", "diagnostic device housings",
                        "respiratory care components"],
    "marine": ["aluminium work boats", "fibreglass pleasure boat hulls", "ship repair and outfitting"],
    "construction": ["insulated metal panels", "modular building units", "engineered wood components"],
    "transportation": ["transit bus bodies", "specialty trailers", "rail car components"],
    "energy": ["pressure vessels and heat exchangers", "wind turbine components", "electrical switchgear"],
}
CUSTOMERS = {
    "automotive": ["Tier 1 suppliers in Ontario and Michigan", "the Detroit Three and their Tier 1s",
                   "North American vehicle assembly plants"],
    "electric vehicles": ["electric bus and truck makers", "EV start-ups across North America",
                          "battery pack integrators"],
    "aerospace": ["aircraft OEMs and MRO shops", "Tier 1 aerostructure suppliers", "defence primes"],
    "plastics": ["consumer goods brands", "automotive Tier 1s", "retail and logistics customers"],
    "metals": ["machine builders", "construction and infrastructure contractors", "energy and mining customers"],
    "food processing": ["national grocery chains", "food service distributors", "private-label customers"],
    "agriculture": ["farm equipment dealers across the Prairies", "export markets in Australia and the US"],
    "medical devices": ["hospital networks", "global medical device companies", "Canadian health-tech start-ups"],
    "marine": ["fisheries and aquaculture operators", "coast guard and ferry operators", "recreational dealers"],
    "construction": ["commercial builders", "institutional construction projects", "home builders"],
    "transportation": ["transit agencies", "fleet operators", "rail operators"],
    "energy": ["utilities", "oil sands and mining operators", "renewable energy developers"],
}
MFG_OPENERS = [
    "{name} has made {product} in {city} since {year}.",
    "Family-owned since {year}, we build {product} for {customers}.",
    "We are a {size_word} manufacturer in {city} supplying {product} to {customers}.",
    "Founded in {year}, {name} now employs about {employees} people making {product}.",
    "{city}-based maker of {product}; most of our volume goes to {customers}.",
    "Our {plant} plant in {city} produces {product} on {shifts}.",
]
MFG_MIDDLES = [
    "We are {cert} registered and export about {export}% of what we make.",
    "The shop runs {machines}.",
    "Customers are mostly {customers}.",
    "About {export}% of sales are outside Canada, mainly to the United States.",
    "We moved into a new {plant} building in {year2} and still have room to grow.",
    "Quality system: {cert}.",
    "Roughly a third of our staff are in skilled trades, and we train many of them in-house.",
    "Turnover on the floor is our biggest cost nobody budgets for.",
    "We run lean daily huddles and publish OEE on screens in every cell.",
    "Second-generation owners took over in {year2} and have been investing since.",
    "Our engineering team of {engineers} designs most of our own tooling.",
    "Nearly all our steel and aluminium comes from Canadian mills.",
]
MFG_CLOSERS = [
    "We are open to joint projects with research partners and other members.",
    "We joined the cluster to find partners outside our usual supply chain.",
    "Next on the list: a second plant, probably in {province_name}.",
    "We would rather buy Canadian technology when it exists.",
    "Customers now ask us about carbon, not just price and delivery.",
    "We take co-op students every term and hire most of them.",
    "Growth over the next three years is in electrification and lighter products.",
    "We want to automate the jobs that are hardest to staff.",
    "Sustainability targets from our customers are starting to drive our investments.",
    "",
]
MACHINES = {
    "cutting": ["14 CNC machining centres, two of them five-axis, and three robotic weld cells",
                "press lines from 200 to 800 tonnes, with in-die sensing on the newest",
                "a laser cutting cell, six press brakes and a powder-coating line",
                "a small foundry with two induction furnaces and automated moulding",
                "eight welding bays, a plasma table and a paint booth"],
    "moulding": ["six injection moulding machines from 90 to 650 tonnes",
                 "twenty moulding presses, two with in-cavity sensors, and a small toolroom",
                 "an ISO 7 cleanroom with four all-electric moulding machines"],
    "food": ["two high-speed packaging lines and a pilot kitchen", "three processing rooms and a spiral freezer",
             "a continuous oven line and automated case packing"],
    "building": ["a continuous foaming line for panels", "covered assembly bays for eight modules at a time"],
}
MACHINE_GROUP = {"plastics": "moulding", "medical devices": "moulding", "food processing": "food",
                 "construction": "building"}
CERTS = ["ISO 9001", "IATF 16949", "AS9100D", "ISO 13485", "ISO 14001", "CWB (CSA W47.1)", "SQF food safety",
         "ISO 9001 and ISO 14001"]
SIZE_WORDS = {"1-49": "small", "50-249": "mid-sized", "250+": "large"}
MFG_CAPABILITIES = [
    "Spare capacity on our press lines for short runs.",
    "In-house powder coating, available for toll work.",
    "CWB-certified welding and fabrication, including aluminium.",
    "Prototype shop with waterjet, laser and press brakes; we turn prototypes around in a week.",
    "A metrology lab with CMM and 3D scanning that members can book.",
    "Experience hosting co-op students and apprentices; happy to share what works.",
    "Contract assembly and kitting with a trained, flexible workforce.",
    "A cleanroom (ISO 7) we rent out by the week.",
    "Five-axis machining of large aluminium parts.",
    "Design-for-manufacture reviews for start-ups bringing hardware to production.",
    "Heat treatment and stress relieving in-house.",
    "Bilingual technical team able to support customers in French and English.",
    "Robotic press-brake bending cell with spare hours most weeks.",
    "We can share what we learned installing our first cobot, including the mistakes.",
    "Tube bending and laser tube cutting up to 150 mm diameter.",
    "A pilot line we lend to start-ups for trial runs.",
    "Large-format 3D scanning for reverse engineering of worn or legacy parts.",
    "Experienced in PPAP and first article inspection for demanding customers.",
    "Anodizing and passivation through a partner next door.",
    "Vacuum brazing furnace, available by the load.",
]
MFG_CAPABILITIES_FR = [
    "Capacité disponible sur nos presses pour de courtes séries.",
    "Atelier de prototypage avec découpe au jet d'eau et plieuses.",
    "Ligne de peinture en poudre disponible à forfait.",
    "Laboratoire de métrologie (MMT, numérisation 3D) accessible aux membres.",
    "Expérience d'accueil de stagiaires et d'apprentis.",
    "Usinage cinq axes de grandes pièces en aluminium.",
]
MFG_OPENERS_FR = [
    "{name} fabrique des {product_fr} à {city} depuis {year}.",
    "Entreprise familiale fondée en {year}, nous produisons des {product_fr} pour des clients au Québec et "
    "aux États-Unis.",
    "{company_fr} de {employees} employés située à {city}, spécialisée en {product_fr}.",
]
MFG_MIDDLES_FR = [
    "Nous sommes certifiés {cert} et exportons environ {export} % de notre production.",
    "Notre usine compte {machines_fr}.",
    "Nous investissons dans l'automatisation pour réduire les tâches pénibles.",
    "La main-d'œuvre qualifiée est notre principal défi et nous formons beaucoup à l'interne.",
]
MACHINES_FR = {"cutting": ["douze centres d'usinage CNC et deux cellules de soudage robotisées",
                           "des presses de 150 à 600 tonnes", "une ligne de peinture en poudre et une cellule laser"],
               "moulding": ["huit presses à injecter et un petit atelier d'outillage"],
               "food": ["deux lignes d'emballage à haute vitesse"],
               "building": ["une ligne de moussage continu pour panneaux"]}
PRODUCTS_FR = {
    "automotive": "pièces embouties pour l'automobile", "metals": "structures métalliques sur mesure",
    "plastics": "pièces moulées par injection", "food processing": "produits de boulangerie surgelés",
    "aerospace": "pièces usinées pour l'aérospatiale", "electric vehicles": "composants pour véhicules électriques",
    "transportation": "carrosseries d'autobus", "agriculture": "équipements agricoles",
    "construction": "panneaux isolants", "medical devices": "composants médicaux", "marine": "bateaux de travail",
    "energy": "équipements sous pression",
}
TECH_OPENERS = [
    "{name} builds {offering} for mid-sized manufacturers.",
    "Spun out of {institution} in {year}, {name} turns research on {area} into products plants can install.",
    "We are a {employees}-person team in {city} working on {area}.",
    "{name} started in {year} when its founders got tired of {pain}.",
]
TECH_MIDDLES = [
    "Our systems run in {sites} plants in Canada and the US.",
    "We sell through integrators and directly to plants with in-house engineering.",
    "The team combines controls engineers, data scientists and former plant managers.",
    "We closed a seed round last year and are hiring.",
    "Everything is designed and assembled in {city}.",
]
PAINS = ["machines that could not talk to each other", "paper travellers on the shop floor",
         "manual inspection that missed defects", "robots that took weeks to reprogram",
         "energy bills nobody could explain"]
TECH_NEEDS = [
    "Pilot sites: manufacturers willing to trial our system on a real line for three months.",
    "Two or three {sector} plants to pilot our {area} work in 2026.",
    "Early adopters in {sector} who will give us honest feedback on {area}.",
    "A Canadian contract manufacturer to build our hardware at a few hundred units a year.",
    "Real defect images and production data to train and validate our models.",
    "System integrators in Western Canada and Atlantic Canada to resell and install.",
    "Co-applicants for a scale-up and adoption project with a manufacturer as lead.",
    "Partners with EV battery lines who want to test our technology.",
]
SERVICE_OPENERS = [
    "{name} is an engineering consultancy of {employees} people serving manufacturers across {region}.",
    "Independent {area} specialists based in {city}.",
    "We help small and mid-sized manufacturers with {area}, from first assessment to implementation.",
]
SERVICE_NEEDS = [
    "Members who want a first assessment; we offer a reduced rate for cluster members.",
    "Subcontract partners for larger implementation projects.",
    "Researchers to help us validate new methods with data from real plants.",
    "Bilingual engineers to join our team.",
]
RESEARCH_OPENERS = {
    "university": "{name} is a research university in {city} with strong engineering and applied science "
                  "faculties and a long record of industry partnerships.",
    "college": "{name} is a college in {city} whose applied research office works on short, practical projects "
               "with small and mid-sized manufacturers, with students on every project.",
    "centre": "{name} is an applied research centre in {city} with pilot-scale equipment and staff scientists "
              "who work with industry on contract and collaborative projects.",
}
RESEARCH_OPENERS_FR = {
    "university": "{name} est une université de recherche située à {city}, reconnue pour ses partenariats "
                  "avec l'industrie manufacturière.",
    "college": "{name} est un cégep dont le centre de transfert technologique réalise des projets appliqués "
               "avec les PME manufacturières de la région.",
    "centre": "{name} est un centre de recherche appliquée doté d'équipements pilotes, au service des "
              "entreprises manufacturières.",
}
RESEARCH_NEEDS = [
    "Industry partners for applied research projects and graduate internships.",
    "Manufacturers willing to host student placements and co-op terms.",
    "Companies that can share production data or provide parts for trials.",
    "Industrial co-applicants for cluster project streams.",
]
INNOVATION_OPENERS = [
    "{name} is a non-profit demonstration centre in {city} where manufacturers can try technology before "
    "they buy it.",
    "Based in {city}, {name} runs shared test beds and helps companies de-risk their first automation "
    "projects.",
    "{name} gives small manufacturers access to equipment, expertise and trial runs they could not justify "
    "on their own.",
]
INNOVATION_NEEDS = [
    "Manufacturers who want to run trials or host a pilot.",
    "Small manufacturers with a first automation project in mind.",
    "Technology firms who want to demonstrate equipment on our floor.",
    "Companies ready to co-apply for a cluster project with us as the technology partner.",
]
INNOVATION_CAPS = [
    "Technology readiness assessments and feasibility studies.",
    "Equipment access by the day, with a technician.",
    "Demonstration lines for members to run their own parts.",
    "Help preparing applications to cluster funding streams.",
]
TRAINING_OPENERS = [
    "{name} trains people for advanced manufacturing jobs in {city} and online.",
    "{name} designs short, practical programs with employers, so graduates can work on real equipment from "
    "day one.",
    "A training organization based in {city}, {name} delivers upskilling for incumbent workers and "
    "pre-employment programs for people entering the sector.",
]
TRAINING_NEEDS = [
    "Employers to host work-integrated learning placements.",
    "Instructors with recent industry experience.",
    "Donated or loaned equipment for training labs.",
    "Manufacturers to co-design new micro-credentials.",
]
RESEARCHER_TEMPLATES = [
    "My group studies {e1}. {method} I also collaborate on {e2}.",
    "Research focus: {e1}; {e2}.",
    "{E1}. Recent projects with {partners} looked at {e2}.",
    "I lead a lab working on {e1}. {method}",
    "{E1}, {e2}, and training the people industry will need to run these processes.",
]
RESEARCHER_TEMPLATES_FR = [
    "Mes travaux portent sur {fr1}. {method_fr}",
    "Chercheur en {fr1}; projets en partenariat avec des PME manufacturières.",
]
METHODS = ["We combine in-situ sensing with physics-based models.", "Our work is experimental, on industrial-scale "
           "equipment.", "We validate every model on production data from partner plants.",
           "Most projects run with two or three graduate students embedded at the company."]
METHODS_FR = ["Nos projets se font en usine, avec des étudiants aux cycles supérieurs.",
              "Nous combinons essais expérimentaux et modélisation."]
PARTNERS = ["Tier 1 automotive suppliers", "aerospace manufacturers", "small machine shops", "food processors",
            "battery start-ups", "plastics moulders"]
RESEARCHER_INTERESTS = [
    "Looking for manufacturers willing to share production data.",
    "Open to co-supervising graduate internships at member companies.",
    "Seeking industrial co-applicants for a cluster project.",
    "Wants access to a production line for validation trials.",
    "Happy to run short technical workshops for member companies.",
    "Interested in licensing lab results to a Canadian company.",
]
