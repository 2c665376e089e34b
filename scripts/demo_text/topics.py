"""Technical topics of the demo ecosystem, each said the way providers, researchers and manufacturers say it.

Offers use the provider's vocabulary, needs the plant floor's: the two rarely share words, which is what
the matcher has to bridge. Sibling topics (``near``) share words but not meaning, and act as distractors.
"""

from __future__ import annotations

TOPICS: list[dict] = []


def topic(id: str, label: str, sectors: list[str], *, offers: list[str], expertise: list[str],
          needs: list[tuple[str, str]], fr: str = "", need_fr: tuple[str, str] | None = None,
          near: tuple[str, ...] = (), stream: str = "scale_up") -> None:
    TOPICS.append({"id": id, "label": label, "sectors": sectors, "offers": offers, "expertise": expertise,
                   "needs": needs, "fr": fr, "need_fr": need_fr, "near": near, "stream": stream})


# --- joining ---------------------------------------------------------------------------------------
topic("al_arc_welding", "Automated arc welding of aluminium", ["automotive", "electric vehicles", "transportation"],
      offers=["Automated gas tungsten arc joining of lightweight alloys, including pulsed-current procedures for "
              "thin-wall 5xxx and 6xxx extrusions.",
              "Robotic GTAW and pulsed GMAW cells for aluminum assemblies, with fixturing designed to keep "
              "distortion under 0.5 mm over a metre of seam.",
              "Weld procedure development for light-alloy structures: filler selection, interpass control and "
              "porosity reduction through oxide-removal and shielding-gas optimisation."],
      expertise=["automated gas tungsten arc joining of lightweight alloys, especially heat input control in "
                 "thin extrusions",
                 "porosity formation and hydrogen pickup in aluminium arc welds, and how shielding and wire "
                 "chemistry change it"],
      needs=[("Robotic TIG welding of aluminium battery enclosures",
              "We hand-weld aluminium battery trays for a commercial EV program and cannot keep up: porosity "
              "fails leak testing and the trays warp. We want to move to a robot cell next year."),
             ("Automate welding of aluminum cross-members",
              "Manual MIG on 6061 cross-members gives us too much rework from burn-through. Looking for someone "
              "who has actually put aluminum welding on a robot and can help us spec a cell.")],
      fr="Soudage robotisé TIG et MIG pulsé des alliages d'aluminium, du développement de procédure jusqu'à la "
         "mise en production.",
      need_fr=("Soudage robotisé de bacs de batteries en aluminium",
               "Nos soudeurs n'arrivent plus à suivre le volume et la porosité fait échouer les tests "
               "d'étanchéité. Nous cherchons un partenaire pour automatiser."),
      near=("steel_welding", "laser_battery_joining"), stream="zev")
topic("steel_welding", "Heavy structural steel welding", ["construction equipment", "agriculture", "energy"],
      offers=["CWB-certified robotic MIG and flux-core welding of heavy structural steel plate up to 50 mm.",
              "Welding of carbon and weathering steel weldments for agricultural and mining equipment, with "
              "ultrasonic inspection of full-penetration joints.",
              "Submerged-arc and tandem-wire welding of thick steel sections for towers and pressure vessels."],
      expertise=["fatigue of welded steel joints in heavy equipment frames",
                 "hybrid laser-arc welding of thick carbon steel plate"],
      needs=[("Welding capacity for steel loader frames",
              "Our frames are 20-30 mm A572 plate and our welders are booked solid. We need a CWB-certified "
              "partner with robotic capacity for about 400 frames a year.")],
      near=("al_arc_welding",), stream="scale_up")
topic("laser_battery_joining", "Laser joining of battery cells and busbars", ["electric vehicles", "energy storage"],
      offers=["Laser welding of cell tabs to busbars, including copper-aluminium dissimilar joints with "
              "wobble-beam optics and in-process weld depth monitoring.",
              "Ultrasonic and laser wire bonding for battery module interconnects, with pull-test validation."],
      expertise=["dissimilar copper-aluminium laser micro-welding for battery interconnects, and the "
                 "intermetallics that make those joints brittle"],
      needs=[("Joining tabs to busbars in our first battery modules",
              "We are assembling low-volume modules for electric buses and our resistance-welded tab joints "
              "are inconsistent. We need to pick a joining process and validate it.")],
      near=("al_arc_welding", "battery_thermal"), stream="zev")
topic("friction_stir", "Friction stir welding", ["electric vehicles", "rail", "marine"],
      offers=["Friction stir welding of aluminium panels and cold plates, a solid-state process that avoids "
              "porosity and keeps distortion low.",
              "Friction stir joining of extrusions into large flat panels for rail cars, boats and EV battery "
              "trays, with tool design in-house."],
      expertise=["friction stir welding of 6xxx aluminium and tool wear in solid-state joining"],
      needs=[("Leak-tight joints on liquid-cooled plates",
              "Brazed cooling plates are our bottleneck and the reject rate is high. We want a joining method "
              "that is leak-tight without the furnace.")],
      fr="Soudage par friction-malaxage de panneaux et de plaques de refroidissement en aluminium.",
      near=("al_arc_welding",), stream="zev")

# --- inspection and vision -----------------------------------------------------------------------
topic("weld_vision", "Machine vision for weld seam tracking", ["automotive", "fabrication"],
      offers=["Laser-line seam tracking and adaptive fill for robotic welding, so the torch follows real joints "
              "rather than the taught path.",
              "3D profilometry of weld beads with automatic pass/fail on leg length, undercut and convexity.",
              "Vision-guided joint finding for short-run fabrication where parts never sit in the same place twice."],
      expertise=["machine vision for weld seam tracking using structured light",
                 "real-time correction of robot paths from laser profile sensors"],
      needs=[("Robot keeps missing the joint on our weldments",
              "Fit-up varies by 2-3 mm on our parts and the robot welds where the joint used to be. We need the "
              "robot to see the seam and adjust.")],
      fr="Suivi de joint par vision laser et inspection 3D des cordons de soudure.",
      near=("surface_vision",), stream="scale_up")
topic("surface_vision", "Visual inspection of surface defects", ["automotive", "consumer goods", "metals"],
      offers=["Deep-learning visual inspection of painted, cast and machined surfaces, trained from a few hundred "
              "labelled defects.",
              "Inline cameras and lighting design for scratch, dent and orange-peel detection on Class A panels.",
              "Anomaly detection for cosmetic defects when you have almost no examples of bad parts."],
      expertise=["few-shot defect detection on reflective surfaces",
                 "explainable computer vision for quality control"],
      needs=[("Catch paint defects before parts ship",
              "Our inspectors miss craters and runs on powder-coated panels during night shifts. Could a camera "
              "system flag them at the end of the line?"),
             ("Automated cosmetic inspection of die-cast housings",
              "We sort porosity and cold-shut defects on die-cast housings by eye; it is slow and inconsistent.")],
      fr="Inspection visuelle par apprentissage profond des défauts de surface sur pièces peintes et usinées.",
      need_fr=("Inspection automatique de défauts d'aspect",
               "Nos inspecteurs ratent des défauts de peinture sur les panneaux. Nous voulons une caméra en fin "
               "de ligne."),
      near=("weld_vision", "ct_qualification"), stream="scale_up")
topic("ct_qualification", "Non-destructive testing and part qualification", ["aerospace", "medical devices"],
      offers=["Industrial X-ray computed tomography for internal porosity, wall thickness and lattice inspection.",
              "Qualification packages for additively manufactured parts: CT, tensile coupons, fatigue and "
              "metallography, documented for aerospace customers."],
      expertise=["CT-based porosity quantification in metal additive parts and its link to fatigue life"],
      needs=[("Prove our printed brackets are flight-worthy",
              "A customer wants evidence that our printed brackets have no hidden voids. We need testing and "
              "someone who knows what an aerospace qualification file looks like.")],
      near=("surface_vision", "lpbf_titanium"), stream="scale_up")

# --- additive -------------------------------------------------------------------------------------
topic("lpbf_titanium", "Laser powder-bed fusion of titanium", ["aerospace", "medical devices", "defence"],
      offers=["Laser powder-bed fusion of Ti-6Al-4V and Inconel 718, with hot isostatic pressing and "
              "machining of printed parts.",
              "Metal 3D printing of lightweight titanium brackets and lattice implants, from design for "
              "additive manufacturing to heat treatment.",
              "Build-parameter development for dense Ti-6Al-4V on powder-bed machines, including support "
              "strategies that cut post-processing time."],
      expertise=["laser powder-bed fusion of Ti-6Al-4V: melt-pool monitoring, porosity and residual stress",
                 "topology optimisation and lattice design for printed titanium parts"],
      needs=[("Lighter titanium brackets for a cabin interior program",
              "Our machined Ti brackets are 80% chips. We want to know if printing them makes sense at 2,000 "
              "parts a year and who could run a trial."),
             ("Print small batches of titanium surgical guides",
              "We are a medical device maker and want a partner who can print titanium guides and help with "
              "the validation.")],
      fr="Fabrication additive métallique par fusion laser sur lit de poudre (Ti-6Al-4V, Inconel 718).",
      need_fr=("Impression 3D de supports en titane",
               "Nous usinons des supports en titane avec beaucoup de perte de matière et voulons évaluer "
               "l'impression 3D."),
      near=("ded_repair", "polymer_am"), stream="scale_up")
topic("ded_repair", "Directed energy deposition and cold spray repair", ["mining", "energy", "aerospace"],
      offers=["Directed energy deposition and laser cladding to rebuild worn shafts, dies and turbine parts.",
              "Cold spray and laser metal deposition repair of high-value components that would otherwise "
              "be scrapped."],
      expertise=["laser cladding of wear-resistant coatings on mining components",
                 "cold spray deposition of nickel alloys for component repair"],
      needs=[("Rebuild worn crusher and pump parts instead of replacing them",
              "Replacement castings take 16 weeks. We want to restore the worn surfaces of pump impellers and "
              "crusher shafts locally.")],
      fr="Réparation de pièces usées par rechargement laser et projection à froid.",
      near=("lpbf_titanium",), stream="circular")
topic("polymer_am", "Polymer 3D printing for tooling and end-use parts", ["automotive", "consumer goods"],
      offers=["Polymer additive manufacturing (selective laser sintering, multi-jet fusion, FDM) for jigs, "
              "fixtures and short-run end-use parts.",
              "Printed assembly aids and end-of-arm tooling for robots, delivered in days instead of weeks."],
      expertise=["mechanical performance of sintered nylon parts and process-property maps for polymer printing"],
      needs=[("Faster turnaround on assembly fixtures",
              "Our toolroom takes six weeks to machine simple fixtures for new product launches. Could printed "
              "plastic fixtures do the job?")],
      near=("lpbf_titanium",), stream="scale_up")

# --- batteries, EVs, hydrogen ---------------------------------------------------------------------
topic("battery_thermal", "Battery thermal management", ["electric vehicles", "energy storage"],
      offers=["Battery thermal management design: cold plates, immersion cooling and thermal-runaway propagation "
              "barriers, validated on our test benches.",
              "Cell-to-pack thermal modelling and abuse testing for EV and stationary storage packs.",
              "Design of liquid cooling loops and thermal interface materials for high-power packs."],
      expertise=["battery thermal management: thermal runaway propagation and mitigation in modules",
                 "electrochemical-thermal modelling of lithium-ion cells under fast charging"],
      needs=[("Our battery pack overheats during fast charging",
              "Prototype packs for our electric utility vehicle hit 55 C during DC fast charging. We need help "
              "redesigning the cooling."),
             ("Stop a single cell fire from spreading through the pack",
              "A customer requires propagation resistance. We need materials and a test plan.")],
      fr="Gestion thermique des batteries : plaques froides, refroidissement par immersion, propagation de "
         "l'emballement thermique.",
      near=("battery_recycling", "cell_manufacturing", "laser_battery_joining"), stream="zev")
topic("battery_recycling", "Battery recycling and black mass recovery", ["electric vehicles", "mining", "chemicals"],
      offers=["Hydrometallurgical recovery of lithium, nickel and cobalt from black mass, from lab scale to pilot.",
              "Safe discharge, dismantling and shredding of end-of-life lithium-ion packs."],
      expertise=["hydrometallurgical leaching and solvent extraction of battery metals",
                 "direct recycling of cathode materials"],
      needs=[("What do we do with scrap battery modules?",
              "We generate several tonnes of rejected cells and modules a year from assembly. We need a "
              "recycling route that recovers value and is safe to ship.")],
      fr="Recyclage des batteries lithium-ion et récupération hydrométallurgique des métaux de la masse noire.",
      near=("battery_thermal",), stream="circular")
topic("cell_manufacturing", "Battery cell and module manufacturing", ["electric vehicles", "energy storage"],
      offers=["Pilot line for electrode slurry mixing, coating, calendering and cell formation in a dry room.",
              "Module and pack assembly process design, including high-voltage safety, EOL testing and "
              "traceability."],
      expertise=["electrode coating defects and their effect on cell performance",
                 "formation and ageing protocols for lithium-ion cells"],
      needs=[("Set up a small pack assembly line",
              "We are moving from prototypes to 2,000 packs a year for electric boats. We need process design "
              "and help writing high-voltage work procedures.")],
      near=("battery_thermal",), stream="zev")
topic("e_motors", "Electric motors and power electronics", ["electric vehicles", "agriculture", "off-road"],
      offers=["Design and prototyping of permanent-magnet traction motors, including hairpin stator winding.",
              "Silicon carbide inverter design and power electronics for electrified off-road machines."],
      expertise=["hairpin winding and thermal design of traction motors",
                 "wide-bandgap power electronics for traction inverters"],
      needs=[("Electrify our compact tractor drivetrain",
              "We build diesel compact tractors and customers are asking for an electric version. We need "
              "motor and inverter expertise.")],
      fr="Conception de moteurs électriques de traction et d'onduleurs au carbure de silicium.",
      near=("battery_thermal",), stream="zev")
topic("fuel_cells", "Hydrogen fuel cells", ["transportation", "energy", "rail"],
      offers=["PEM fuel cell stack integration, balance-of-plant design and durability testing for heavy vehicles.",
              "Manufacturing of metallic bipolar plates and membrane electrode assemblies."],
      expertise=["proton-exchange membrane fuel cell degradation under heavy-duty drive cycles",
                 "hydrogen storage and balance-of-plant for fuel cell trucks"],
      needs=[("Hydrogen power for our yard tractors",
              "We want to trial a zero-emission yard tractor and batteries cannot cover three shifts. Looking "
              "for fuel cell integration know-how.")],
      fr="Intégration de piles à combustible à hydrogène (PEM) pour véhicules lourds.",
      near=("hydrogen_heat",), stream="zev")
topic("hydrogen_heat", "Hydrogen and low-carbon fuels for process heat", ["metals", "food processing", "chemicals"],
      offers=["Hydrogen-ready burners and combustion retrofits for furnaces, kilns and dryers.",
              "Fuel switching studies for high-temperature process heat: hydrogen blends, RNG and electrification."],
      expertise=["hydrogen combustion, flame stability and NOx in industrial burners"],
      needs=[("Decarbonise our annealing furnace",
              "Our natural gas annealing furnace is our biggest emission source. Electrification looks "
              "expensive; what are the options?")],
      near=("fuel_cells", "heat_pumps"), stream="net_zero")

# --- net-zero processes ---------------------------------------------------------------------------
topic("heat_pumps", "Electrified process heat and heat recovery", ["food processing", "chemicals", "plastics"],
      offers=["Industrial heat pumps and waste-heat recovery for process water, drying and space heating.",
              "Pinch analysis and heat integration studies that show where recovered heat can replace gas."],
      expertise=["high-temperature heat pumps for industrial drying and pasteurisation"],
      needs=[("Cut gas use in our washdown and pasteurising",
              "We heat huge amounts of water with gas boilers and dump warm effluent. Is there a way to reuse "
              "that heat?")],
      fr="Thermopompes industrielles et récupération de chaleur perdue pour l'eau de procédé.",
      need_fr=("Réduire la consommation de gaz naturel",
               "Nous chauffons l'eau de lavage au gaz et rejetons des effluents chauds. Nous voulons récupérer "
               "cette chaleur."),
      near=("hydrogen_heat", "energy_monitoring"), stream="net_zero")
topic("energy_monitoring", "Energy management and submetering", ["metals", "plastics", "food processing"],
      offers=["Energy submetering, compressed-air leak surveys and ISO 50001 energy management systems.",
              "Machine-level power monitoring dashboards that tie kWh to parts produced."],
      expertise=["energy benchmarking of manufacturing plants from interval meter data"],
      needs=[("Where does our electricity go?",
              "Our hydro bill jumped 30% and we have one meter for the whole plant. We need to see which "
              "machines use what.")],
      fr="Systèmes de gestion de l'énergie ISO 50001, sous-comptage et chasse aux fuites d'air comprimé.",
      near=("heat_pumps", "building_twin"), stream="net_zero")
topic("lca", "Life-cycle assessment and product carbon footprints", ["automotive", "construction", "consumer goods"],
      offers=["Life-cycle assessment and environmental product declarations to ISO 14040/14044 and ISO 14025.",
              "Product carbon footprints and Scope 3 supplier data collection for customers' disclosure rules."],
      expertise=["life-cycle assessment of lightweight materials in vehicles",
                 "prospective LCA of emerging manufacturing processes"],
      needs=[("Our customer wants the carbon footprint of every part",
              "An OEM customer now asks for cradle-to-gate CO2 per part number. We have no idea where to start."),
             ("Need an EPD for our insulated panels",
              "Architects keep asking for an environmental product declaration before specifying our panels.")],
      fr="Analyse du cycle de vie et déclarations environnementales de produits.",
      need_fr=("Empreinte carbone de nos produits",
               "Un donneur d'ordre exige l'empreinte carbone de nos pièces d'ici six mois."),
      near=("energy_monitoring",), stream="net_zero")
topic("low_voc_coatings", "Low-emission coating and finishing", ["metals", "furniture", "automotive"],
      offers=["Low-cure powder coatings and VOC-free finishing lines that run ovens 40 C cooler.",
              "Conversion of solvent paint lines to waterborne or UV-cured coatings."],
      expertise=["UV-curable and bio-based coating chemistry"],
      needs=[("Our paint line is our biggest energy and VOC problem",
              "Solvent-based liquid paint, big gas-fired oven, permit limits coming. What can we switch to?")],
      near=("surface_vision",), stream="net_zero")
topic("building_twin", "Digital twins for facility energy", ["facilities", "energy"],
      offers=["Digital twins of buildings and HVAC systems to optimise facility energy and comfort.",
              "Model-predictive control of plant HVAC and make-up air."],
      expertise=["digital twins of building energy systems"],
      needs=[("Our new warehouse HVAC wastes energy",
              "Make-up air units run flat out all winter. We want smarter control.")],
      near=("moulding_twin", "energy_monitoring"), stream="net_zero")

# --- circular -------------------------------------------------------------------------------------
topic("solvolysis", "Chemical recycling of polymers", ["plastics", "chemicals", "automotive"],
      offers=["Depolymerisation of PET and polyurethane by glycolysis and other solvolysis routes, returning "
              "monomers and polyols fit for new resin.",
              "Chemical recycling of thermoset foams and resins into recovered polyols for reuse."],
      expertise=["polymer recycling via solvolysis, in particular glycolysis of polyurethane foams",
                 "catalysts for low-temperature depolymerisation of polyesters"],
      needs=[("Give our foam offcuts a second life",
              "We trim 300 tonnes of polyurethane seat foam a year and pay to landfill it. Can it go back "
              "into a polyol?")],
      fr="Recyclage chimique des polymères par solvolyse (glycolyse du PET et des mousses de polyuréthane).",
      need_fr=("Valoriser nos retailles de mousse",
               "Nous enfouissons des centaines de tonnes de retailles de mousse de polyuréthane chaque année."),
      near=("mechanical_recycling", "composite_recycling"), stream="circular")
topic("mechanical_recycling", "Mechanical recycling of plastics", ["plastics", "packaging"],
      offers=["Grinding, washing and re-pelletising of post-industrial thermoplastic scrap.",
              "Compounding recycled polyolefins with additives so they run on standard moulding machines."],
      expertise=["property degradation of polypropylene over repeated reprocessing"],
      needs=[("Use more regrind without brittle parts",
              "When we go above 15% regrind our polypropylene bins crack in cold weather.")],
      near=("solvolysis",), stream="circular")
topic("composite_recycling", "Recovery of carbon fibre from composites", ["aerospace", "sporting goods", "wind"],
      offers=["Pyrolysis recovery of carbon fibre from cured CFRP scrap and conversion into nonwoven mats.",
              "Recycled carbon fibre compounds for injection moulding."],
      expertise=["recovery and reuse of carbon fibres from thermoset composites"],
      needs=[("Carbon fibre prepreg scrap is piling up",
              "Our layup room throws out uncured and cured carbon scrap. We would like it recycled or reused.")],
      near=("solvolysis", "composites"), stream="circular")
topic("remanufacturing", "Remanufacturing and design for disassembly", ["automotive", "agriculture", "electronics"],
      offers=["Remanufacturing programs: core return logistics, teardown, reconditioning and re-certification.",
              "Design-for-disassembly reviews so products can be repaired, upgraded and remanufactured."],
      expertise=["product design for remanufacturing and circular business models"],
      needs=[("Take back and refurbish our hydraulic pumps",
              "Dealers return used pumps we simply scrap. We want a refurbishment program but do not know the "
              "economics.")],
      fr="Remanufacturage, logistique de retour des pièces et écoconception pour le désassemblage.",
      near=("ded_repair",), stream="circular")
topic("biocomposites", "Bio-based materials and natural-fibre composites",
      ["agriculture", "automotive", "construction"],
      offers=["Natural-fibre (hemp, flax) reinforced composites for interior panels and consumer goods.",
              "Bio-based resins and compounds made from agricultural residues."],
      expertise=["flax and hemp fibre composites: fibre treatment and moisture durability",
                 "lignin-based polymers and biochar fillers"],
      needs=[("Replace glass fibre with something plant-based",
              "Our moulded panels use glass-filled polypropylene and customers want bio-content.")],
      fr="Composites renforcés de fibres naturelles (chanvre, lin) et résines biosourcées.",
      near=("composites",), stream="circular")
topic("scrap_sorting", "Alloy-specific metal scrap sorting", ["metals", "recycling"],
      offers=["Sensor-based sorting of aluminium scrap by alloy using laser-induced breakdown spectroscopy.",
              "Closed-loop recycling programs that return segregated process scrap to the mill."],
      expertise=["LIBS and XRF sorting of mixed aluminium scrap"],
      needs=[("Our aluminium chips are sold as mixed scrap",
              "We machine two alloys and all the chips go in one bin at a low price.")],
      near=("mechanical_recycling",), stream="circular")

# --- digital --------------------------------------------------------------------------------------
topic("moulding_twin", "Digital twins for injection moulding", ["plastics", "automotive", "medical devices"],
      offers=["Digital twins of injection moulding processes that combine mould-flow simulation with in-cavity "
              "pressure sensors to predict part quality shot by shot.",
              "Scientific moulding and process windows backed by simulation, so new tools qualify in fewer trials."],
      expertise=["digital twins for injection moulding: surrogate models of filling and packing",
                 "in-mould sensing and machine learning for part-quality prediction"],
      needs=[("Too much scrap every time we change a mould",
              "Each tool change costs us half a shift of short shots and sink marks before parts are good. "
              "We want to get to good parts faster.")],
      fr="Jumeaux numériques du moulage par injection et capteurs de pression en cavité.",
      need_fr=("Trop de rebuts au démarrage des moules",
               "Chaque changement de moule nous coûte des heures de pièces incomplètes et de retassures."),
      near=("building_twin", "predictive_maintenance"), stream="scale_up")
topic("plc_opcua", "PLC, OPC UA and machine connectivity", ["automotive", "food processing", "metals"],
      offers=["PLC programming and OPC UA integration to connect mixed-vintage machines to MES and historians.",
              "Brownfield connectivity: retrofitting sensors and edge gateways on legacy equipment without "
              "touching safety circuits.",
              "IEC 61131-3 control software, HMI design and structured machine data models."],
      expertise=["OPC UA information models for interoperable manufacturing equipment",
                 "PLC/OPC-UA integration and edge computing for legacy machines"],
      needs=[("Get data off our old presses",
              "We run presses from the 1990s and have no idea of real uptime. We need the machines talking to "
              "a dashboard."),
             ("Connect our packaging line to the ERP",
              "Counts are typed in by hand at the end of each shift.")],
      fr="Programmation d'automates et intégration OPC UA pour relier les machines au MES.",
      need_fr=("Connecter nos vieilles machines",
               "Nos presses n'ont aucun suivi de production et nous voulons un tableau de bord."),
      near=("ot_security", "mes"), stream="scale_up")
topic("predictive_maintenance", "Predictive maintenance", ["metals", "mining", "food processing"],
      offers=["Vibration and current-signature analytics that warn of bearing, gearbox and spindle failures weeks "
              "ahead.",
              "Condition monitoring programs with wireless sensors and machine-learning alerts."],
      expertise=["remaining-useful-life prediction for rotating machinery",
                 "physics-informed machine learning for condition monitoring"],
      needs=[("Unplanned downtime on our extruder gearboxes",
              "Two gearbox failures last year cost us weeks. We want warning before the next one.")],
      fr="Maintenance prédictive par analyse vibratoire et apprentissage automatique.",
      near=("moulding_twin", "plc_opcua"), stream="scale_up")
topic("ot_security", "Operational technology cybersecurity", ["all"],
      offers=["OT cybersecurity assessments against IEC 62443, network segmentation and incident response for "
              "plants.",
              "Secure remote access for machine builders and integrators."],
      expertise=["intrusion detection for industrial control networks"],
      needs=[("Ransomware scare on the plant network",
              "A supplier was hit and our machines are on the same flat network as the office. We need a plan.")],
      fr="Cybersécurité des technologies opérationnelles selon la norme IEC 62443.",
      near=("plc_opcua",), stream="scale_up")
topic("mes", "Manufacturing execution and scheduling", ["all"],
      offers=["Manufacturing execution system rollouts for small and mid-sized plants: work orders, traceability, "
              "OEE.",
              "Finite-capacity scheduling and constraint-based planning for high-mix job shops."],
      expertise=["production scheduling optimisation for high-mix low-volume plants"],
      needs=[("Scheduling our job shop on a whiteboard",
              "Two hundred active jobs, forty machines and a whiteboard. Due dates slip every week.")],
      near=("plc_opcua",), stream="scale_up")

# --- robotics -------------------------------------------------------------------------------------
topic("cobot_safety", "Collaborative robot safety", ["all"],
      offers=["Risk assessments for collaborative robot applications to ISO 10218 and ISO/TS 15066, including "
              "force and pressure measurements.",
              "Cobot cell design where operators and robots share the workspace safely, with speed and separation "
              "monitoring."],
      expertise=["human-robot collaboration safety: biomechanical limits and speed and separation monitoring",
                 "cobot safety validation and operator trust"],
      needs=[("Is our cobot palletiser safe to run without a fence?",
              "We bought a cobot for end-of-line palletising and our health and safety committee will not sign "
              "off. We need a proper assessment.")],
      fr="Sécurité des robots collaboratifs : appréciation du risque selon ISO/TS 15066.",
      need_fr=("Valider la sécurité de notre cobot",
               "Notre comité de santé et sécurité refuse la mise en service du cobot sans évaluation."),
      near=("amr",), stream="scale_up")
topic("amr", "Autonomous mobile robots for intralogistics", ["warehousing", "automotive"],
      offers=["Autonomous mobile robots for material movement between cells, with fleet management software.",
              "AMR and AGV integration with conveyors, elevators and warehouse systems."],
      expertise=["multi-robot path planning in dynamic factory environments"],
      needs=[("Stop walking parts across the plant",
              "Operators push carts 8 km a shift between machining and assembly.")],
      near=("cobot_safety",), stream="scale_up")
topic("bin_picking", "Vision-guided robotic bin picking", ["automotive", "metals", "logistics"],
      offers=["3D-vision-guided bin picking of randomly oriented parts for machine tending.",
              "Grasp planning and AI pick-point detection for mixed SKUs."],
      expertise=["grasp detection for cluttered bins using 3D point clouds"],
      needs=[("Robot loading of our CNC lathes from bulk bins",
              "Blanks arrive jumbled in totes and an operator loads every lathe by hand.")],
      near=("weld_vision",), stream="scale_up")
topic("robotic_finishing", "Robotic grinding, deburring and polishing", ["aerospace", "metals", "castings"],
      offers=["Robotic grinding, deburring and polishing with active force control.",
              "Automated finishing of castings and forgings, including blending of weld seams."],
      expertise=["force-controlled robotic machining and surface finishing"],
      needs=[("Hand grinding of castings is hurting our people",
              "Fettling castings by hand causes injuries and turnover. We want robots to do the grinding.")],
      fr="Meulage, ébavurage et polissage robotisés avec contrôle d'effort.",
      need_fr=("Ébavurage manuel de pièces moulées",
               "L'ébavurage manuel cause des blessures et un fort roulement de personnel."),
      near=("cnc_machining",), stream="scale_up")
topic("offline_programming", "Robot simulation and offline programming", ["all"],
      offers=["Offline robot programming and cell simulation, so new parts are programmed without stopping "
              "production.",
              "Virtual commissioning of robot cells and PLC logic before hardware arrives."],
      expertise=["virtual commissioning and simulation-based robot programming"],
      needs=[("Reprogramming the robot takes the line down for days",
              "Every new part number means teaching the robot by pendant on the shop floor.")],
      near=("plc_opcua",), stream="scale_up")

# --- processes and materials ----------------------------------------------------------------------
topic("cnc_machining", "High-performance machining", ["aerospace", "energy", "medical devices"],
      offers=["High-speed five-axis machining of titanium, Inconel and hardened tool steel, with tool-life "
              "management.",
              "Machining process optimisation: chatter suppression, toolpath strategy and cutting-fluid reduction."],
      expertise=["machining dynamics and chatter suppression in thin-wall aerospace parts",
                 "tool wear monitoring in titanium machining"],
      needs=[("Tool life collapses on our Inconel parts",
              "We burn through end mills on Inconel 718 manifolds and cycle times are twice the quote.")],
      fr="Usinage grande vitesse cinq axes des alliages de titane et de nickel.",
      near=("robotic_finishing", "lpbf_titanium"), stream="scale_up")
topic("composites", "Composite manufacturing automation", ["aerospace", "marine", "wind"],
      offers=["Automated fibre placement and out-of-autoclave curing of thermoset and thermoplastic composites.",
              "Resin transfer moulding tooling and process design for medium-volume composite parts."],
      expertise=["out-of-autoclave processing of aerospace composites",
                 "thermoplastic composite welding"],
      needs=[("Hand layup cannot meet our boat hull volumes",
              "Our fibreglass hulls are hand laid and quality varies by crew.")],
      fr="Automatisation de la fabrication de composites et cuisson hors autoclave.",
      near=("composite_recycling", "biocomposites"), stream="scale_up")
topic("hot_stamping", "Forming of high-strength steel and aluminium", ["automotive", "metals"],
      offers=["Hot stamping and press hardening of ultra-high-strength steel, with die cooling design.",
              "Warm forming of aluminium sheet and springback compensation for stamped parts."],
      expertise=["press hardening of boron steels and die quench design",
                 "springback prediction in aluminium sheet forming"],
      needs=[("Springback on our new aluminium bracket",
              "The first-off parts from our new die are out of tolerance after trimming.")],
      near=("cnc_machining",), stream="zev")
topic("hygienic_automation", "Hygienic automation for food processing", ["food processing"],
      offers=["Washdown-rated automation and hygienic equipment design for meat, dairy and bakery plants.",
              "Robotic case packing and portioning that stands up to daily sanitation."],
      expertise=["hygienic design and cleanability of food-processing equipment"],
      needs=[("Automate portioning without failing sanitation audits",
              "Any equipment we add has to survive caustic washdown every night.")],
      fr="Automatisation hygiénique et robots lavables pour la transformation alimentaire.",
      need_fr=("Automatiser l'emballage en salle lavable",
               "Nos équipements doivent résister au lavage quotidien à haute pression."),
      near=("cobot_safety",), stream="scale_up")
topic("medtech_validation", "Medical device manufacturing and validation", ["medical devices"],
      offers=["Cleanroom injection moulding and assembly of medical components under ISO 13485.",
              "Process validation (IQ/OQ/PQ) and design transfer for medical device start-ups."],
      expertise=["process validation for regulated medical manufacturing"],
      needs=[("Take our device from prototype to regulated production",
              "We have a working device and a Health Canada submission planned, but no manufacturing partner.")],
      near=("moulding_twin",), stream="scale_up")
