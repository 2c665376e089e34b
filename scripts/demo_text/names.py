"""Name pools for the demo: fictional people and organizations, real Canadian places."""

from __future__ import annotations

FIRST_NAMES = """Amelia Aanya Adrien Ahmed Aisha Alejandro Alexandre Amir Ana Andile Anjali Annick Arjun Aurélie
Ayesha Benoît Bianca Bilal Bronwyn Camille Carmen Chantal Chidi Chloé Daniel Darius Deepa Diego Dmitri Dylan Élodie
Emeka Émile Erin Esther Farah Fatima Félix Fiona Gabriel Gaëlle Grace Gurpreet Hamid Hana Harpreet Hélène Hiroshi
Ibrahim Imani Irene Isabelle Ivan Jacinthe Jasmine Javier Jean-François Jia Jonah Joseph Julien Kaveh Keisha Kenji
Kiran Lara Laurent Leah Liam Lin Lucie Luis Mackenzie Malik Manon Marc-André Marisol Mathieu Maya Mehdi Mei Mira
Mohammed Nadia Naveen Nicolas Noor Olivia Omar Owen Pascale Patrick Priya Quentin Rafael Rania Ravi Renée Rohan
Rosalie Sahar Samuel Sanjay Sarah Sébastien Shira Simone Sofia Sunita Tariq Tatiana Teresa Thi Thomas Tomasz Valérie
Vikram Wei Xavier Yasmin Yusuf Zainab Zoé""".split()

LAST_NAMES = """Abbott Adeyemi Ahmadi Akhtar Alvarez Anand Arsenault Asante Bai Banerjee Barkley Beaulieu Bélanger
Bergeron Bhatt Blackwood Boisvert Bouchard Boudreau Brennan Caldwell Castillo Chandra Chen Chiasson Cho Comeau Costa
Côté Cormier Dang Desjardins Dhillon Doiron Dubois Duong Eriksen Esposito Fadel Farouk Ferreira Fitzgerald Fontaine
Fraser Gagné Galloway Garneau Ghosh Gill Girard Gonzalez Grewal Haddad Hamelin Harrington Hashemi Huang Ibrahim Iyer
Jansen Joshi Kamara Kapoor Kaur Kowalski Kumar Lachance Landry Lapointe Larocque Lavoie LeBlanc Lemieux Li Lindqvist
Liu MacDonald MacIsaac Mahmoud Malhotra Martel McAllister McKenna Mehta Melnyk Mensah Mercier Moreau Murphy Nakamura
Nguyen Novak Okafor Olsen O'Neill Ouellet Pacheco Paquette Park Patel Pelletier Petrov Picard Popescu Qureshi Rahman
Rao Renaud Richard Rinaldi Robichaud Rossi Roy Sandhu Santos Savard Schmidt Sekhon Shapiro Sharma Singh Sokolov
Soucy St-Pierre Sullivan Tanaka Thibodeau Tremblay Truong Vachon Varga Vasquez Vo Wang Whitfield Wong Yamamoto
Yilmaz Zhang Zielinski""".split()

CITIES: dict[str, list[str]] = {
    "ON": ["Toronto", "Mississauga", "Hamilton", "Windsor", "London", "Kitchener", "Waterloo", "Cambridge", "Guelph",
           "Oshawa", "Ottawa", "Sudbury", "Peterborough", "Brampton", "Vaughan", "Sarnia", "St. Catharines",
           "Barrie", "Thunder Bay", "Woodstock", "Concord", "Burlington"],
    "QC": ["Montréal", "Québec", "Laval", "Longueuil", "Sherbrooke", "Saint-Georges", "Drummondville",
           "Trois-Rivières", "Granby", "Saint-Hyacinthe", "Lévis", "Boucherville", "Bécancour", "Saguenay",
           "Rimouski", "Victoriaville", "Saint-Jean-sur-Richelieu"],
    "AB": ["Calgary", "Edmonton", "Nisku", "Red Deer", "Lethbridge", "Medicine Hat", "Fort Saskatchewan", "Airdrie"],
    "BC": ["Vancouver", "Burnaby", "Surrey", "Delta", "Richmond", "Kelowna", "Victoria", "Langley", "Abbotsford",
           "Prince George", "Coquitlam"],
    "MB": ["Winnipeg", "Brandon", "Steinbach", "Winkler"],
    "SK": ["Saskatoon", "Regina", "Humboldt", "Moose Jaw"],
    "NS": ["Halifax", "Dartmouth", "Truro", "Bridgewater", "Amherst"],
    "NB": ["Moncton", "Saint John", "Fredericton", "Dieppe", "Edmundston"],
    "NL": ["St. John's", "Mount Pearl", "Corner Brook"],
    "PE": ["Charlottetown", "Summerside"],
    "NT": ["Yellowknife", "Hay River"],
    "NU": ["Iqaluit", "Rankin Inlet"],
    "YT": ["Whitehorse"],
}
#: Share of manufacturers and firms per province: Ontario, Quebec, Alberta and BC carry most of the sector.
PROVINCE_WEIGHTS = {"ON": 36, "QC": 23, "AB": 10, "BC": 11, "MB": 4, "SK": 4, "NS": 4, "NB": 3, "NL": 2, "PE": 1,
                    "NT": 1, "NU": 1, "YT": 1}
FRENCH_PROVINCES = {"QC"}

# Place-like and nature words for company names (combined, never a real company on purpose).
NAME_ROOTS = """Tamarack Cedarvale Ironwood Bluewater Northfield Silverbirch Granite Ridge Fieldstone Harbourline
Westbrook Maplecrest Lakehead Stonebridge Pinecrest Riverbend Kestrel Caribou Prairie Hollow Coppervale Glenmore
Sandpiper Timberline Brightwater Falcon Oakridge Highgate Meridian Ashford Larkspur Wolverine Clearwater Millbrook
Driftwood Redwing Summit Beacon Frontenac Chinook Orchard Cobalt Heron Juniper Alder Lynx""".split()
FRENCH_ROOTS = ["Beauce", "Val-Bélair", "Richelieu", "Laurentides", "Boréal", "Chaudière", "Mauricie", "Côte-Nord",
                "Saint-Maurice", "Bois-Francs", "Estrie", "Haute-Yamaska", "Lanaudière", "Rive-Sud", "Cap-Rouge"]
MANUFACTURER_NOUNS = {
    "automotive": ["Automotive", "Precision Components", "Manufacturing", "Auto Parts"],
    "electric vehicles": ["Electric Mobility", "EV Systems", "Electric Vehicles"],
    "aerospace": ["Aerospace", "Aero Components", "Precision"],
    "plastics": ["Plastics", "Polymers", "Moulded Products"],
    "metals": ["Metal Works", "Fabrication", "Industries", "Metal Products"],
    "food processing": ["Foods", "Food Company", "Kitchens"],
    "agriculture": ["Ag Equipment", "Farm Machinery", "Manufacturing"],
    "medical devices": ["Medical", "Medical Devices", "Life Sciences"],
    "marine": ["Marine", "Boatworks"],
    "construction": ["Building Products", "Building Systems"],
    "transportation": ["Specialty Vehicles", "Transportation Products", "Coachworks"],
    "energy": ["Energy Equipment", "Power Systems", "Industries"],
}
FRENCH_NOUNS = {
    "automotive": ["Usinage", "Pièces d'auto", "Estampage"], "electric vehicles": ["Électromobilité", "Véhicules"],
    "aerospace": ["Usinage", "Aérostructures"], "plastics": ["Plastiques", "Moulage", "Polymères"],
    "metals": ["Métallurgie", "Soudure", "Fabrication", "Acier"], "food processing": ["Aliments", "Boulangerie"],
    "agriculture": ["Équipements agricoles", "Machinerie"], "medical devices": ["Dispositifs médicaux"],
    "marine": ["Chantier naval"], "construction": ["Panneaux", "Bâtiments modulaires"],
    "transportation": ["Carrosseries", "Remorques"], "energy": ["Équipements", "Chaudronnerie"],
}
#: Plausible second sector for a manufacturer whose main sector is the key.
RELATED_SECTORS = {
    "automotive": ["electric vehicles", "metals", "plastics"], "electric vehicles": ["automotive", "transportation"],
    "aerospace": ["metals", "energy", "medical devices"], "plastics": ["automotive", "medical devices", "construction"],
    "metals": ["construction", "energy", "agriculture", "automotive"], "food processing": ["agriculture"],
    "agriculture": ["metals", "food processing"], "medical devices": ["plastics"], "marine": ["transportation"],
    "construction": ["metals", "energy"], "transportation": ["electric vehicles", "metals"],
    "energy": ["metals", "construction"],
}
SUFFIXES = ["Inc.", "Ltd.", "Corp.", "", "", "Limited", "Co."]
FRENCH_SUFFIXES = ["inc.", "ltée", "", ""]
TECH_PREFIXES = """Arc Nova Vector Lumen Quanta Tessel Kinet Axion Helix Strata Optic Flux Orbit Sigma Cortex Vanta
Pivot Torq Ferro Carbo Cryo Spectra Nexa Volta Aero Terra""".split()
TECH_SUFFIXES = ["sight", "forge", "logic", "mind", "wave", "loop", "works", "metrics", "motion", "labs", "grid",
                 "path"]
TECH_TYPES = ["Robotics", "Technologies", "Systems", "AI", "Analytics", "Automation", "Materials", "Energy"]

# Hand-named institutions: fictional, each tied to a real city.
RESEARCH_INSTITUTIONS = [
    ("ri-tamarack-u", "Tamarack University", "ON", "Hamilton", "university"),
    ("ri-lakeshore-poly", "Lakeshore Polytechnic", "ON", "Oshawa", "college"),
    ("ri-grand-valley", "Grand Valley College of Applied Technology", "ON", "Kitchener", "college"),
    ("ri-northshore-it", "Northshore Institute of Technology", "ON", "Sudbury", "college"),
    ("ri-ottawa-valley-cam", "Ottawa Valley Centre for Advanced Materials", "ON", "Ottawa", "centre"),
    ("ri-windsor-ev-lab", "Detroit River Electrification Research Institute", "ON", "Windsor", "centre"),
    ("ri-val-mauricie", "Université de Val-Mauricie", "QC", "Trois-Rivières", "university"),
    ("ri-ipsl", "Institut polytechnique du Saint-Laurent", "QC", "Montréal", "university"),
    ("ri-haute-beauce", "Cégep de la Haute-Beauce", "QC", "Saint-Georges", "college"),
    ("ri-crpd-becancour", "Centre de recherche en procédés durables de Bécancour", "QC", "Bécancour", "centre"),
    ("ri-haut-richelieu", "Université du Haut-Richelieu", "QC", "Saint-Jean-sur-Richelieu", "university"),
    ("ri-chinook-it", "Chinook Institute of Technology", "AB", "Calgary", "college"),
    ("ri-aspen-parkland", "Aspen Parkland University", "AB", "Edmonton", "university"),
    ("ri-fraser-delta", "Fraser Delta Polytechnic", "BC", "Burnaby", "college"),
    ("ri-pacific-rim-mrc", "Pacific Rim Materials Research Centre", "BC", "Vancouver", "centre"),
    ("ri-cascadia-it", "Cascadia Institute of Technology", "BC", "Kelowna", "college"),
    ("ri-lake-agassiz", "Lake Agassiz Polytechnic", "MB", "Winnipeg", "college"),
    ("ri-quappelle", "Qu'Appelle Valley Institute of Technology", "SK", "Regina", "college"),
    ("ri-cabot-strait", "Cabot Strait University", "NS", "Halifax", "university"),
    ("ri-fundy-it", "Fundy Institute of Technology", "NB", "Saint John", "college"),
    ("ri-avalon-oti", "Avalon Ocean Technology Institute", "NL", "St. John's", "centre"),
]
INNOVATION_CENTRES = [
    ("ic-swo-automation", "Southwestern Ontario Automation Demonstration Centre", "ON", "Windsor"),
    ("ic-hydrogen-mobility", "Hydrogen Mobility Test Centre", "ON", "Mississauga"),
    ("ic-northern-mining", "Northern Ontario Mining Equipment Innovation Centre", "ON", "Sudbury"),
    ("ic-niagara-food", "Niagara Food Automation Centre", "ON", "St. Catharines"),
    ("ic-beauce-numerique", "Centre d'innovation en fabrication numérique de la Beauce", "QC", "Saint-Georges"),
    ("ic-essais-batteries", "Centre québécois d'essais de batteries", "QC", "Bécancour"),
    ("ic-prairie-amdc", "Prairie Advanced Manufacturing Demonstration Centre", "AB", "Nisku"),
    ("ic-pacific-digital", "Pacific Digital Manufacturing Hub", "BC", "Surrey"),
    ("ic-prairie-fibre", "Prairie Fibre Innovation Hub", "MB", "Winnipeg"),
    ("ic-agri-equipment", "Saskatchewan Agri-Equipment Innovation Centre", "SK", "Humboldt"),
    ("ic-atlantic-clean", "Atlantic Clean Manufacturing Accelerator", "NS", "Dartmouth"),
    ("ic-island-bio", "Island Bioscience and Manufacturing Centre", "PE", "Charlottetown"),
]
TRAINING_PROVIDERS = [
    ("tp-skills-forward", "Skills Forward Manufacturing Institute", "ON", "Mississauga", "en"),
    ("tp-weldtech-academy", "WeldTech Automation Academy", "ON", "Cambridge", "en"),
    ("tp-first-light", "First Light Indigenous Skills and Enterprise Centre", "ON", "Thunder Bay", "en"),
    ("tp-digital-shop", "Digital Shopfloor Learning Co-operative", "ON", "Toronto", "en"),
    ("tp-academie-fab", "Académie des métiers de la fabrication avancée", "QC", "Drummondville", "fr"),
    ("tp-formation-auto", "Formation Automatisation Québec", "QC", "Laval", "fr"),
    ("tp-lean-institute", "Lean and Quality Institute of Canada", "QC", "Montréal", "bilingual"),
    ("tp-prairie-trades", "Prairie Trades Upskilling Centre", "AB", "Edmonton", "en"),
    ("tp-pacific-robotics", "Pacific Robotics Training Institute", "BC", "Richmond", "en"),
    ("tp-women-trades", "Women in Advanced Manufacturing Trades Society", "BC", "Surrey", "en"),
    ("tp-newcomer-bridge", "Newcomer Engineering Bridge Program", "MB", "Winnipeg", "en"),
    ("tp-atlantic-skills", "Atlantic Manufacturing Skills Partnership", "NB", "Moncton", "bilingual"),
    ("tp-klondike-trades", "Klondike Trades Training Centre", "YT", "Whitehorse", "en"),
    ("tp-great-slave", "Great Slave Trades and Technology Centre", "NT", "Yellowknife", "en"),
    ("tp-baffin-trades", "Baffin Trades Training Society", "NU", "Iqaluit", "en"),
]
RESEARCHER_TITLES = {
    "university": ["Professor", "Associate Professor", "Assistant Professor", "Research Chair in {area}"],
    "college": ["Applied Research Lead", "Industrial Research Chair for Colleges in {area}", "Faculty Researcher"],
    "centre": ["Senior Research Officer", "Principal Scientist", "Research Engineer", "Group Leader, {area}"],
}
RESEARCHER_TITLES_FR = {  # epicene titles, as Quebec institutions write them
    "university": ["Titulaire de chaire de recherche", "Membre du corps professoral, génie mécanique",
                   "Membre du corps professoral, génie chimique"],
    "college": ["Responsable de la recherche appliquée", "Chercheur-enseignant au centre de transfert"],
    "centre": ["Responsable de groupe de recherche", "Direction scientifique"],
}
CONTACT_TITLES = ["VP Operations", "Plant Manager", "Director of Engineering", "Continuous Improvement Lead",
                  "President", "Manufacturing Engineer", "Quality Manager", "Chief Technology Officer",
                  "Direction de l'ingénierie", "Direction des opérations", "Direction générale",
                  "Sustainability Manager",
                  "Human Resources and Training Manager", "Maintenance Superintendent", "Innovation Manager"]
