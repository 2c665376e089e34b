"""Funding: the cluster's four project streams plus its workforce programs (fictional amounts and dates)."""

from __future__ import annotations

FUNDING: list[dict] = [
    {"external_id": "fs-zev", "stream": "zev", "name": "Zero-Emission Vehicles Stream",
     "funding_kind": "project_stream", "opens_on": "2026-03-02", "closes_on": "2026-10-30",
     "max_contribution_cad": 5000000,
     "description": "Collaborative projects that bring zero-emission vehicle technology to market: battery packs and "
                    "enclosures, electric drivetrains, fuel cells, charging equipment and lightweight structures, "
                    "including the manufacturing processes that make them at scale.",
     "eligibility": "Consortia of at least two members, led by a for-profit company operating in Canada. The cluster "
                    "covers up to 35% of eligible costs; partners contribute the rest, at least half in cash."},
    {"external_id": "fs-net-zero", "stream": "net_zero", "name": "Net-Zero Processes and Facilities Stream",
     "funding_kind": "project_stream", "opens_on": "2026-05-04", "closes_on": "2027-01-29",
     "max_contribution_cad": 3000000,
     "description": "Cutting greenhouse gas emissions from manufacturing operations: electrified process heat, heat "
                    "recovery, low-carbon fuels, energy management and cleaner coating and finishing, with measured "
                    "reductions.",
     "eligibility": "Manufacturers operating in Canada with at least one technology partner. Projects must "
                    "quantify baseline emissions and expected reductions. Up to 40% of eligible costs."},
    {"external_id": "fs-circular", "stream": "circular", "name": "Circular Manufacturing of Materials Stream",
     "funding_kind": "project_stream", "opens_on": "2026-09-01", "closes_on": "2027-04-30",
     "max_contribution_cad": 2500000,
     "description": "Keeping materials in use: recycling of polymers, metals, composites and batteries, "
                    "remanufacturing, repair, bio-based materials and design for disassembly.",
     "eligibility": "Collaborations between members across the value chain (generator, processor, user of the "
                    "recovered material). Up to 40% of eligible costs; pilots and demonstrations preferred."},
    {"external_id": "fs-scale-up", "stream": "scale_up",
     "name": "Scale-up and Adoption of Transformative Manufacturing Solutions Stream",
     "funding_kind": "project_stream", "opens_on": "2026-01-12", "closes_on": "2027-06-30",
     "max_contribution_cad": 1500000,
     "description": "First adoption of advanced manufacturing technology by Canadian manufacturers, and scale-up of "
                    "Canadian technology firms through real deployments: automation and robotics, digital "
                    "manufacturing, additive manufacturing, advanced materials and processes.",
     "eligibility": "A manufacturer adopting the technology and at least one technology provider, both members. "
                    "Small and mid-sized companies get priority. Continuous intake until funds are committed."},
    {"external_id": "wp-upskilling", "name": "Advanced Manufacturing Upskilling Program",
     "funding_kind": "workforce_program", "opens_on": "2026-02-02", "closes_on": "2027-03-31",
     "max_contribution_cad": 10000,
     "description": "Pays most of the cost of short upskilling courses for current employees in automation, "
                    "robotics, digital skills, quality and maintenance.",
     "eligibility": "Member employers; up to $10,000 per employer per year, 75% of course fees."},
    {"external_id": "wp-microcredentials", "name": "Micro-credential Development Fund",
     "funding_kind": "workforce_program", "opens_on": "2026-04-01", "closes_on": "2026-12-18",
     "max_contribution_cad": 150000,
     "description": "Helps training providers and employers design new stackable micro-credentials for skills "
                    "that industry cannot find, with an employer co-design requirement.",
     "eligibility": "Training providers and post-secondary institutions with at least three employer partners."},
    {"external_id": "wp-robotics-voucher", "name": "Robotics and Automation Training Voucher",
     "funding_kind": "workforce_program", "opens_on": "2026-06-01", "closes_on": "2027-05-31",
     "max_contribution_cad": 5000,
     "description": "Vouchers for robot programming, cobot safety and automation maintenance training when a company "
                    "installs its first robot or cobot.",
     "eligibility": "Manufacturers with fewer than 250 employees installing or expanding automation."},
    {"external_id": "wp-wil-subsidy", "name": "Work-Integrated Learning Wage Subsidy",
     "funding_kind": "workforce_program", "opens_on": "2026-01-05", "closes_on": "2027-08-31",
     "max_contribution_cad": 7500,
     "description": "Covers part of a student's wages during co-op terms, internships and applied projects in "
                    "advanced manufacturing; higher rates for students from under-represented groups.",
     "eligibility": "Employers in Canada hosting post-secondary students; up to 50% of wages, 70% for first-time "
                    "hosts and under-represented students."},
    {"external_id": "wp-indigenous-talent", "name": "Indigenous Manufacturing Talent and Enterprise Initiative",
     "funding_kind": "workforce_program", "opens_on": "2026-04-15", "closes_on": "2027-04-15",
     "max_contribution_cad": 75000,
     "description": "Supports Indigenous-led training, pre-employment programs and Indigenous-owned manufacturing "
                    "businesses entering supply chains.",
     "eligibility": "Indigenous organizations, Indigenous-owned businesses and their training partners."},
    {"external_id": "wp-ev-workforce", "name": "EV Supply Chain Workforce Readiness Program",
     "funding_kind": "workforce_program", "opens_on": "2026-07-06", "closes_on": "2027-02-26",
     "max_contribution_cad": 250000,
     "description": "Training cohorts for battery, EV component and charging-equipment plants: high-voltage safety, "
                    "assembly, quality and maintenance.",
     "eligibility": "Employers in the EV supply chain with a hiring or retooling plan, alone or with a training "
                    "provider."},
    {"external_id": "wp-programme-francophone", "name": "Programme de formation en français en fabrication avancée",
     "funding_kind": "workforce_program", "opens_on": "2026-03-16", "closes_on": "2027-03-15",
     "max_contribution_cad": 20000,
     "description": "Finance des formations en français en automatisation, robotique, qualité et compétences "
                    "numériques pour les travailleurs d'usines francophones partout au Canada.",
     "eligibility": "Employeurs membres et organismes de formation offrant leurs cours en français."},
    {"external_id": "fs-technology-assessment", "name": "Technology Assessment Voucher",
     "funding_kind": "project_stream", "opens_on": "2026-01-12", "closes_on": "2026-12-11",
     "max_contribution_cad": 25000, "visibility": "staff",
     "description": "Small vouchers for a feasibility study with an innovation centre or research institution "
                    "before a larger project.",
     "eligibility": "Members with fewer than 100 employees; pilot program, offered by staff on request."},
]
