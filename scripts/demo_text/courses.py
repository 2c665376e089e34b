"""Course families: every title is one course; descriptions, skills and formats vary within a family.

``topic`` ties a family to a technical topic (or a workforce theme) so evaluation knows which courses
answer which need.
"""

from __future__ import annotations

FAMILIES: list[dict] = []


def family(topic: str, titles: list[str], descriptions: list[str], skills: list[str], *,
           formats: tuple[str, ...] = ("course",), credential: tuple[str, ...] = ("certificate",),
           hours: tuple[int, int] = (12, 60), cost: tuple[int, int] = (300, 2500), lang: str = "en") -> None:
    FAMILIES.append({"topic": topic, "titles": titles, "descriptions": descriptions, "skills": skills,
                     "formats": formats, "credentials": credential, "hours": hours, "cost": cost, "lang": lang})


family("plc_training",
       ["PLC Programming I: Ladder Logic Fundamentals", "PLC Programming II: Structured Text and Function Blocks",
        "Troubleshooting PLC-Controlled Equipment", "Industrial Networks and OPC UA for Technicians",
        "Programmable Controllers for Maintenance Electricians"],
       ["Hands-on programming of IEC 61131-3 controllers on training rigs: inputs and outputs, timers, counters, "
        "and reading other people's code.",
        "For maintenance staff who need to find faults fast: reading ladder logic online, forcing I/O safely and "
        "documenting changes.",
        "Connecting controllers to HMIs, historians and MES using industrial Ethernet and OPC UA."],
       ["PLC programming", "ladder logic", "IEC 61131-3", "troubleshooting", "OPC UA", "industrial networks"],
       formats=("course", "micro-credential"), credential=("micro-credential", "certificate", "digital badge"),
       hours=(24, 80), cost=(650, 2900))
family("plc_training",
       ["Programmation d'automates programmables : niveau 1", "Automatisation et réseaux industriels",
        "Dépannage d'équipements automatisés"],
       ["Formation pratique sur automates : logique à relais, temporisateurs, compteurs et lecture de programmes "
        "existants.",
        "Pour les techniciens de maintenance : diagnostic en ligne, réseaux industriels et communication OPC UA."],
       ["automates programmables", "logique à relais", "OPC UA", "dépannage"],
       formats=("course", "micro-credential"), credential=("attestation d'études", "micro-credential"),
       hours=(30, 90), cost=(0, 1800), lang="fr")
family("robotics_training",
       ["Industrial Robot Operation and Programming", "Robot Programming for Machine Tending",
        "Advanced Robot Programming: Frames, Tools and Offsets", "Robotics Technician Bootcamp",
        "Introduction to Robot Simulation and Offline Programming"],
       ["Six-axis robot jogging, teach-pendant programming, tool and user frames, and safe cell operation.",
        "An intensive program that takes people with a mechanical or electrical background to job-ready robotics "
        "technicians, with half the time on real cells.",
        "Build and test robot programs in simulation before they reach the floor."],
       ["robot programming", "teach pendant", "machine tending", "offline programming", "robot safety"],
       formats=("course", "bootcamp", "micro-credential"), credential=("certificate", "micro-credential"),
       hours=(16, 320), cost=(900, 6500))
family("robotics_training",
       ["Programmation de robots industriels", "Robotique collaborative en milieu manufacturier"],
       ["Programmation au pendant d'apprentissage, repères outils et sécurité des cellules robotisées.",
        "Mise en œuvre de robots collaboratifs, appréciation du risque et ergonomie."],
       ["programmation de robots", "robots collaboratifs", "sécurité"],
       formats=("course",), credential=("attestation", "certificate"), hours=(21, 60), cost=(450, 2400), lang="fr")
family("cobot_safety",
       ["Collaborative Robot Risk Assessment Workshop", "Cobot Applications: Safety, Ergonomics and ROI",
        "Machine Safeguarding and Functional Safety for Automation"],
       ["How to assess a collaborative application: hazards, biomechanical limits, speed and separation, and the "
        "documentation your safety committee will ask for.",
        "Guarding, safety circuits and performance levels for the people who specify and approve new equipment."],
       ["cobot safety", "risk assessment", "ISO/TS 15066", "functional safety", "machine guarding"],
       formats=("workshop", "course"), credential=("certificate", "none"), hours=(7, 24), cost=(350, 1500))
family("welding_automation",
       ["Robotic Welding Operator Certificate", "Robotic Arc Welding Programming", "Welding Automation for "
        "Supervisors", "Aluminium Welding Procedures for Automated Cells", "Weld Inspection for Robotic Cells"],
       ["Operate and adjust robotic GMAW and GTAW cells: torch maintenance, wire feed, touch sensing and seam "
        "tracking basics.",
        "What it takes to move from manual to automated welding: fixturing, joint design, procedure "
        "qualification and quality checks.",
        "Developing and qualifying weld procedures for aluminium on robots, with porosity and distortion in mind."],
       ["robotic welding", "GMAW", "GTAW", "weld procedures", "seam tracking", "aluminium welding"],
       formats=("course", "micro-credential"), credential=("certificate", "micro-credential"), hours=(20, 120),
       cost=(800, 4200))
family("welding_automation",
       ["Soudage robotisé : opération et programmation", "Soudage de l'aluminium en production"],
       ["Opération et réglage de cellules de soudage robotisées, suivi de joint et contrôle de la qualité.",
        "Procédés de soudage de l'aluminium, porosité et déformation."],
       ["soudage robotisé", "soudage de l'aluminium", "contrôle de la qualité"],
       formats=("course",), credential=("attestation d'études",), hours=(45, 150), cost=(0, 2500), lang="fr")
family("cnc_training",
       ["CNC Machining Fundamentals", "CNC Programming with G-code and CAM", "Five-Axis Machining Techniques",
        "CNC Setup and Operation for New Hires", "Precision Measurement and GD&T for Machinists"],
       ["From blueprint to first article: G-code, work offsets, tooling and inspection on three-axis mills.",
        "Programming multi-axis parts with CAM, toolpath strategies for hard alloys and avoiding collisions.",
        "Reading drawings with geometric dimensioning and tolerancing, and measuring what they specify."],
       ["CNC machining", "G-code", "CAM", "five-axis machining", "GD&T", "metrology"],
       formats=("course", "micro-credential", "bootcamp"), credential=("certificate", "micro-credential"),
       hours=(20, 240), cost=(500, 5200))
family("lean",
       ["Lean Six Sigma Yellow Belt", "Lean Six Sigma Green Belt", "Lean Fundamentals for Frontline Teams",
        "Value Stream Mapping Workshop", "Statistical Process Control in Practice"],
       ["Waste, flow and standard work for people who run production every day.",
        "The DMAIC method with a real improvement project from your own plant, coached to completion.",
        "Control charts, capability indices and reaction plans that operators actually use."],
       ["lean manufacturing", "six sigma", "DMAIC", "value stream mapping", "statistical process control"],
       formats=("course", "certificate program"), credential=("Yellow Belt", "Green Belt", "certificate"),
       hours=(8, 100), cost=(250, 3900))
family("lean",
       ["Lean manufacturing : les fondamentaux", "Ceinture verte Lean Six Sigma"],
       ["Les principes du Lean appliqués au plancher : flux, travail standardisé et élimination du gaspillage.",
        "Méthode DMAIC avec un projet d'amélioration réel dans votre usine."],
       ["lean", "six sigma", "amélioration continue"],
       formats=("course",), credential=("attestation", "ceinture verte"), hours=(14, 90), cost=(300, 3200),
       lang="fr")
family("am_training",
       ["Design for Additive Manufacturing", "Metal Additive Manufacturing: Process and Qualification",
        "Polymer 3D Printing for Tooling and Fixtures", "Additive Manufacturing Technician Micro-credential"],
       ["Designing parts that take advantage of printing: topology optimisation, lattices and support strategy.",
        "Powder-bed fusion, directed energy deposition, post-processing and what qualification requires.",
        "Use printers you may already own to make jigs, fixtures and end-of-arm tools."],
       ["additive manufacturing", "DfAM", "powder-bed fusion", "3D printing", "topology optimisation"],
       formats=("course", "micro-credential"), credential=("micro-credential", "certificate"), hours=(12, 90),
       cost=(400, 3600))
family("hv_safety",
       ["EV Battery Assembly Safety", "High-Voltage Awareness for Manufacturing Workers",
        "Lithium-Ion Battery Handling, Storage and Shipping", "Electric Vehicle Service and Repair Safety"],
       ["Working safely around high-voltage packs and modules: PPE, isolation, lockout and emergency response.",
        "Hazards of lithium-ion cells through assembly, storage and transport, including thermal runaway.",
        "For line workers and supervisors in battery assembly plants."],
       ["high-voltage safety", "battery assembly", "lithium-ion handling", "lockout/tagout", "thermal runaway"],
       formats=("course", "micro-credential"), credential=("certificate", "micro-credential"), hours=(4, 40),
       cost=(150, 1400))
family("hv_safety",
       ["Sécurité en assemblage de batteries de véhicules électriques"],
       ["Travailler en sécurité avec des modules et des blocs-batteries haute tension."],
       ["sécurité haute tension", "assemblage de batteries"], credential=("attestation",), hours=(7, 21),
       cost=(0, 600), lang="fr")
family("digital_skills",
       ["Industry 4.0 Foundations", "Data Literacy for Manufacturing Supervisors", "Python for Manufacturing Data",
        "Dashboards and OEE with Plant Data", "Digital Skills for the Plant Floor"],
       ["What sensors, connectivity and analytics can do for a plant, with site visits and a roadmap exercise.",
        "Turn machine and quality data into decisions: spreadsheets, dashboards and basic statistics.",
        "Load, clean and chart production data with Python and notebooks; no programming experience needed."],
       ["Industry 4.0", "data literacy", "Python", "OEE", "dashboards", "digital transformation"],
       formats=("course", "micro-credential", "workshop"), credential=("micro-credential", "digital badge"),
       hours=(6, 60), cost=(0, 1900))
family("predictive_maintenance",
       ["Condition Monitoring and Vibration Analysis I", "Predictive Maintenance with Machine Learning",
        "Reliability-Centred Maintenance for Millwrights"],
       ["Collect and read vibration spectra to find imbalance, misalignment and bearing defects.",
        "From sensor data to failure warnings: features, models and maintenance decisions."],
       ["vibration analysis", "condition monitoring", "predictive maintenance", "reliability"],
       formats=("course", "micro-credential"), credential=("certificate", "micro-credential"), hours=(16, 60),
       cost=(600, 2600))
family("ot_security",
       ["OT Cybersecurity Essentials", "Securing Industrial Control Systems (IEC 62443)"],
       ["Why plant networks are different, how attacks reach machines and what small plants can do first.",
        "Zones and conduits, risk assessment and security levels for control systems."],
       ["OT cybersecurity", "IEC 62443", "network segmentation", "incident response"],
       formats=("course",), credential=("certificate",), hours=(8, 35), cost=(450, 2800))
family("energy_training",
       ["Energy Management Systems (ISO 50001) for Manufacturers", "Compressed Air and Energy Efficiency Workshop",
        "Industrial Decarbonisation Planning"],
       ["Build an energy baseline, set targets and run an energy team, step by step.",
        "Find and fix the biggest energy losses in a plant: leaks, idle loads and heat."],
       ["ISO 50001", "energy management", "decarbonisation", "energy audits"],
       formats=("course", "workshop"), credential=("certificate", "none"), hours=(6, 40), cost=(0, 1800))
family("lca",
       ["Life-Cycle Assessment for Product Teams", "Carbon Accounting and Scope 3 for Suppliers"],
       ["Run a screening LCA of your product and understand what customers mean by cradle-to-gate.",
        "Measure and report product carbon footprints the way OEM customers now ask for them."],
       ["life-cycle assessment", "carbon footprint", "Scope 3", "EPD"],
       formats=("course", "micro-credential"), credential=("micro-credential",), hours=(10, 40), cost=(300, 1600))
family("hydrogen_training",
       ["Hydrogen Safety for Industrial Sites", "Fuel Cell Systems Technician"],
       ["Properties, hazards and codes for storing and using hydrogen on site.",
        "Servicing fuel cell power systems in heavy vehicles and stationary units."],
       ["hydrogen safety", "fuel cells", "codes and standards"],
       formats=("course",), credential=("certificate",), hours=(8, 120), cost=(350, 3800))
family("composites_training",
       ["Composite Layup and Infusion Techniques", "Composites Repair Technician"],
       ["Hand layup, vacuum infusion and cure for fibreglass and carbon parts, with defects to avoid.",
        "Inspect and repair composite structures on boats, aircraft and wind blades."],
       ["composites", "vacuum infusion", "layup", "composite repair"],
       formats=("course",), credential=("certificate",), hours=(30, 160), cost=(900, 4800))
family("moulding_training",
       ["Scientific Injection Moulding", "Injection Moulding Process Technician"],
       ["Decoupled moulding, process windows and data-driven troubleshooting of short shots, sink and flash.",
        "For setup technicians: mould changes, start-up and reducing scrap after tool changes."],
       ["injection moulding", "scientific moulding", "process troubleshooting"],
       formats=("course", "micro-credential"), credential=("certificate", "micro-credential"), hours=(24, 80),
       cost=(900, 3400))
family("indigenous",
       ["Indigenous Entrepreneurship in Manufacturing", "Supplier Readiness for Indigenous-Owned Businesses",
        "Pathways to Manufacturing Careers for Indigenous Youth"],
       ["For Indigenous entrepreneurs starting or growing a manufacturing or fabrication business: costing, "
        "procurement, certifications and finding customers, taught by Indigenous business owners.",
        "Getting ready to bid on supply contracts: quality systems, safety programs and capacity statements.",
        "Paid pre-employment program with shop-floor experience, mentors and a guaranteed interview."],
       ["entrepreneurship", "procurement readiness", "business planning", "career pathways"],
       formats=("course", "certificate program", "wil placement"), credential=("certificate", "none"),
       hours=(20, 200), cost=(0, 400))
family("wil",
       ["Manufacturing Co-op Placement (12 weeks)", "Engineering Technology Work-Integrated Learning Term",
        "Automation Technician Paid Internship", "Student Applied Project Placement", "Summer Work Placement in "
        "Advanced Manufacturing"],
       ["A student works on a real project at your plant for a term; wage subsidies are available for eligible "
        "employers.",
        "Students in their final year solve a defined problem with your engineering team, supervised by faculty.",
        "Paid placements that match automation and mechatronics students with member companies."],
       ["work-integrated learning", "co-op", "internship", "student placement"],
       formats=("wil placement",), credential=("none", "co-op credit"), hours=(160, 600), cost=(0, 0))
family("wil",
       ["Stage en milieu de travail en fabrication avancée", "Alternance travail-études en génie mécanique"],
       ["Un étudiant réalise un projet concret dans votre usine pendant une session; subvention salariale "
        "possible."],
       ["stage", "alternance travail-études"], formats=("wil placement",), credential=("none",),
       hours=(280, 560), cost=(0, 0), lang="fr")
family("leadership",
       ["Frontline Supervisor Development", "Leading Change on the Shop Floor", "Bilingual Team Leadership in "
        "Manufacturing"],
       ["Coaching, difficult conversations and running good shift meetings, for newly promoted supervisors.",
        "Lead teams through new technology: involving operators early and training them well."],
       ["leadership", "supervision", "change management", "communication"],
       formats=("course", "micro-credential"), credential=("micro-credential", "certificate"), hours=(12, 48),
       cost=(400, 2200))
family("trades_pathways",
       ["Women in Trades Pre-Apprenticeship", "Newcomer Bridging Program for Internationally Trained Engineers",
        "Millwright Upskilling: Mechatronics", "Industrial Mechanic Apprenticeship Preparation"],
       ["A paid pathway for women into welding, machining and millwright apprenticeships, with mentoring.",
        "Canadian workplace practice, codes and licensing for internationally trained engineers, with a "
        "placement.",
        "For experienced millwrights moving into sensors, drives and controls."],
       ["apprenticeship", "mechatronics", "career pathways", "licensing"],
       formats=("certificate program", "course"), credential=("certificate",), hours=(60, 400), cost=(0, 2500))
family("quality",
       ["ISO 9001 Internal Auditor", "Root Cause Analysis and Problem Solving", "Measurement Systems Analysis"],
       ["Plan and run internal audits that find real issues.",
        "Eight disciplines, five whys and fishbone diagrams on problems from your own plant."],
       ["quality management", "internal audit", "root cause analysis", "MSA"],
       formats=("course",), credential=("certificate",), hours=(8, 32), cost=(300, 1500))
family("machine_vision",
       ["Machine Vision for Quality Inspection", "Introduction to AI for Visual Inspection"],
       ["Cameras, optics and lighting, then classic and deep-learning inspection on real parts.",
        "Label, train and deploy a defect classifier without a data-science team."],
       ["machine vision", "image processing", "deep learning", "quality inspection"],
       formats=("course", "workshop"), credential=("certificate", "digital badge"), hours=(7, 40), cost=(350, 2100))

#: Workforce needs manufacturers post: (course family, title, body).
WORKFORCE_NEEDS = [
    ("plc_training", "Maintenance team cannot troubleshoot the new line's controls",
     "The new packaging line arrives in March and only one of our electricians has worked with programmable "
     "controllers. We need the other five able to diagnose faults on nights."),
    ("welding_automation", "Turn our manual welders into robot cell operators",
     "We are buying two welding robots and would rather retrain our experienced welders than hire. Looking for "
     "a program they can take without losing weeks of production."),
    ("hv_safety", "Safety training before hiring 40 pack assemblers",
     "We are ramping a battery pack line and our people have never handled high-voltage modules. We need a "
     "course for assemblers and one for supervisors."),
    ("wil", "Engineering students for a summer of automation projects",
     "We have a list of small automation and data projects no one has time for. We would host two or three "
     "students if there is help with wages."),
    ("lean", "Formation Lean en français pour nos chefs d'équipe",
     "Nos superviseurs sont francophones et les formations offertes sont en anglais. Nous voulons un programme "
     "d'amélioration continue en français, idéalement en usine."),
    ("cnc_training", "New hires need to run CNC machines faster",
     "It takes us six months to get a new operator running a machining centre alone. We want a short, practical "
     "program to shorten that."),
    ("indigenous", "Building an Indigenous supplier and hiring pipeline",
     "We want to increase Indigenous hiring at our plant and buy more from Indigenous-owned shops. "
     "Who offers pre-employment programs and supplier readiness support?"),
    ("digital_skills", "Supervisors drowning in spreadsheets",
     "We collect a lot of machine data but our supervisors do not know how to use it. Looking for practical "
     "data training for non-engineers."),
]
