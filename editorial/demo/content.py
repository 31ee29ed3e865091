"""The demo library: the seed article (second-line therapy for HR-positive, HER2-low breast
cancer) and three shorter articles waiting at other steps. Facts follow the seed page and its
sources; the wording is ours.

The seed article cites the seed page's seven sources, in its order: [1] the guideline, [2] the
abemaciclib (VERZENIO) label, [3] the palbociclib (IBRANCE) label, [4]-[7] research. The seed
page names no titles for [4]-[7]; the demo cites the trials its statements describe (SOLAR-1,
PALOMA-3, MONARCH 2, DESTINY-Breast04). Identifiers are the public records' (DailyMed, FDA
Label, PubMed, the publishers): one that could not be confirmed is left empty, never invented
(tests/editorial/demo/test_demo_identifiers.py checks each is valid and used once)."""

from datetime import date
from typing import Any

DEMO_PASSWORD = "imprimatur-demo"

USERS = [
    # username, first, last, email, groups
    ("author", "Maya", "Fischer", "author@example.org", ["Authors"]),
    ("reviewer", "Ada", "Quill", "ada.quill@example.org", ["Board reviewers"]),
    ("reviewer2", "Samuel", "Okafor", "samuel.okafor@example.org", ["Board reviewers"]),
    ("pharmacist", "Lena", "Park", "lena.park@example.org", ["Board reviewers"]),
    ("editor", "Jonah", "Reyes", "editor@example.org", ["Editors"]),
]

# username, credentials shown in the byline
AUTHOR_CREDENTIALS = [("author", "MD, MPH")]

SPECIALTIES = [
    ("Oncology", "oncology"),
    ("Cardiology", "cardiology"),
    ("Infectious disease", "infectious-disease"),
    ("Endocrinology", "endocrinology"),
    ("Nephrology", "nephrology"),
    ("Clinical pharmacy", "clinical-pharmacy"),
]

BOARD = [
    # username, credentials, specialty slugs
    ("reviewer", "MD", ["oncology"]),
    ("reviewer2", "DO", ["cardiology", "infectious-disease", "nephrology", "endocrinology"]),
    ("pharmacist", "PharmD", ["clinical-pharmacy", "oncology"]),
]

BOARD_DETAILS = {
    # username: licence number, licence verified on (ISO date), affiliation
    "reviewer": ("MA 281734", "2025-09-15", "Department of Medical Oncology, Riverside University"),
    "reviewer2": ("OH 34.012877", "2024-02-01", "Lakeview Community Hospital, Internal Medicine"),
    "pharmacist": ("CA RPH 76543", "2026-01-20", "Riverside University Hospital Pharmacy"),
}

# None of these names an issuer the demo articles cite (Eli Lilly and Company, Pfizer, NCCN,
# ASCO, the journals, IDSA, USPSTF): the seeded approvals stand. The first ended in 2024, so it
# is shown but no longer current.
DISCLOSURES = [
    # username, organisation, kind, since, until, note
    (
        "reviewer",
        "Novartis",
        "consulting",
        "2021-01-01",
        "2024-06-30",
        "Advisory board on CDK4/6 inhibitor education (ended).",
    ),
    (
        "reviewer",
        "National Cancer Institute",
        "grant",
        "2023-07-01",
        None,
        "R01 grant on survivorship care; paid to the institution.",
    ),
    ("reviewer2", "Medtronic", "speaker", "2022-03-01", None, "Talks on heart failure devices."),
    (
        "pharmacist",
        "American Society of Health-System Pharmacists",
        "other",
        None,
        None,
        "Unpaid member of an oncology practice committee.",
    ),
]

# What the demo reviewers tick when they approve (editorial.workflow.checklist).
APPROVAL_CHECKLIST = {
    "authorship": True,
    "attribution": True,
    "disclosure": True,
    "currency": True,
    "grade_certainty": "moderate",
    "label_concordance": "concordant",
    "off_label_statements": "",
}

SOURCES: dict[str, dict[str, Any]] = {
    # The seed page cites its guideline as both "the NCCN guidelines" and "the ASCO guideline
    # update" under one number; the ASCO update is the one with a public record to cite.
    "asco-hr-mbc": dict(
        kind="guideline",
        title=(
            "Endocrine Treatment and Targeted Therapy for Hormone Receptor-Positive, Human "
            "Epidermal Growth Factor Receptor 2-Negative Metastatic Breast Cancer: ASCO "
            "Guideline Update"
        ),
        issuer="ASCO",
        doi="10.1200/JCO.21.01392",
        pmid="34324367",
        pmcid="PMC8659999",
        current_version="2021 update",
    ),
    "verzenio-label": dict(
        kind="drug_label",
        title="VERZENIO (abemaciclib) tablets, prescribing information",
        issuer="Eli Lilly and Company",
        dailymed_setid="be4bc0de-0fdc-4d46-8d25-be43c79e6a06",
        # FDA Label's record of the set: version 27, effective 2025-08-25
        current_version="SPL version 27",
        version_date=date(2025, 8, 25),
    ),
    "ibrance-label": dict(
        kind="drug_label",
        title="IBRANCE (palbociclib) tablets, prescribing information",
        issuer="Pfizer",
        dailymed_setid="fecbdd7d-b729-41b5-9872-231b8fe104ce",
        current_version="Revised 9/2023",  # as DailyMed shows the label
    ),
    "solar-1": dict(
        kind="journal_article",
        title="Alpelisib for PIK3CA-Mutated, Hormone Receptor-Positive Advanced Breast Cancer",
        issuer="New England Journal of Medicine",
        doi="10.1056/NEJMoa1813904",
    ),
    "paloma-3": dict(
        kind="journal_article",
        title="Palbociclib in Hormone-Receptor-Positive Advanced Breast Cancer",
        issuer="New England Journal of Medicine",
        doi="10.1056/NEJMoa1505270",
    ),
    "monarch-2": dict(
        kind="journal_article",
        title=(
            "MONARCH 2: Abemaciclib in Combination With Fulvestrant in Women With HR+/HER2- "
            "Advanced Breast Cancer Who Had Progressed While Receiving Endocrine Therapy"
        ),
        issuer="Journal of Clinical Oncology",
        doi="10.1200/JCO.2017.73.7585",
        pmid="28580882",
        nct_id="NCT02107703",
    ),
    "destiny-breast04": dict(
        kind="journal_article",
        title="Trastuzumab Deruxtecan in Previously Treated HER2-Low Advanced Breast Cancer",
        issuer="New England Journal of Medicine",
        doi="10.1056/NEJMoa2203690",
    ),
    "idsa-uti": dict(
        kind="guideline",
        title=(
            "International Clinical Practice Guidelines for the Treatment of Acute "
            "Uncomplicated Cystitis and Pyelonephritis in Women"
        ),
        issuer="IDSA",
        doi="10.1093/cid/ciq257",
        current_version="2010 update",
    ),
    "metformin-label": dict(
        kind="drug_label",
        title=(
            "GLUCOPHAGE and GLUCOPHAGE XR (metformin hydrochloride) tablets, prescribing "
            "information"
        ),
        issuer="Bristol-Myers Squibb Company",
        dailymed_setid="4a0166c7-7097-4e4a-9036-6c9a60d08fc6",
        # no public record of the label's version was confirmed: said so, not invented
        current_version="Not recorded yet",
    ),
    "uspstf-statins": dict(
        kind="guideline",
        title="Statin Use for the Primary Prevention of Cardiovascular Disease in Adults",
        issuer="USPSTF",
        doi="10.1001/jama.2022.13044",
        current_version="2022 recommendation",
    ),
}

BREAST = {
    "slug": "second-line-hr-positive-her2-low-breast-cancer",
    "title": (
        "What is the second-line treatment for hormone receptor-positive, HER2-low breast "
        "cancer after progression on one line of endocrine therapy?"
    ),
    "summary": (
        "For most patients, the next step is fulvestrant combined with a CDK4/6 inhibitor "
        "(palbociclib, ribociclib or abemaciclib), chosen with an eye on what was used before. "
        "Tumours with a PIK3CA mutation may instead get alpelisib with fulvestrant, and "
        "trastuzumab deruxtecan is an option for HER2-low disease once endocrine-based options "
        "are used up."
    ),
    "plain_summary": (
        "If hormone therapy alone has stopped working for this kind of breast cancer, most "
        "people next take a hormone injection called fulvestrant together with a targeted "
        "tablet. Some tumours have a gene change that other medicines can target. Your "
        "cancer team will choose with you, based on what you have already had."
    ),
    # The patient version: reviewed and signed with the professional sections (issue 21).
    "patient_sections": [
        (
            "key_points",
            "What this means for you",
            "- When the first hormone treatment stops working, the usual next step is a "
            "hormone injection (fulvestrant) plus a daily targeted tablet [1, 2].\n"
            "- Which tablet you get depends on the medicines you already had and how well "
            "they worked [1].",
        ),
        (
            "other",
            "What the treatment involves",
            "The targeted tablets (palbociclib, ribociclib or abemaciclib) slow down the growth "
            "of cancer cells [2, 3]. Fulvestrant is given as injections into the muscle, twice "
            "in the first month and then once a month [3].\n\n"
            "- Your blood counts will be checked often, because these tablets can lower the "
            "white blood cells that fight infection [1].\n"
            "- If tests show a change in a gene called PIK3CA, another tablet (alpelisib) may "
            "be offered; it can raise blood sugar [4].\n"
            '- If the cancer is "HER2-low", a drip treatment called trastuzumab deruxtecan '
            "may be an option later on [7].",
        ),
        (
            "other",
            "Questions to ask your care team",
            "- Which treatment do you suggest for me, and why?\n"
            "- What side effects should I look out for, and whom do I call about them?\n"
            "- How will we know whether the treatment is working?",
        ),
    ],
    "specialty": "oncology",
    "risk": "high",
    "citations": [
        # number, source key, locator: the seed page's seven, in its order
        (1, "asco-hr-mbc", "Recommendations for second-line and later therapy"),
        (2, "verzenio-label", "Section 1.2 Advanced or Metastatic Breast Cancer"),
        (3, "ibrance-label", "Section 1 Indications and Usage"),
        (4, "solar-1", ""),
        (5, "paloma-3", ""),
        (6, "monarch-2", ""),
        (7, "destiny-breast04", ""),
    ],
    "sections": [
        (
            "key_points",
            "Key points",
            "- Second line usually means switching endocrine partner and adding a targeted "
            "drug: fulvestrant plus a CDK4/6 inhibitor [1].\n"
            "- Earlier treatment and how well it worked should steer the choice [1].",
        ),
        (
            "guidelines",
            "From the Guidelines",
            "The ASCO guideline update recommends fulvestrant with a CDK4/6 inhibitor "
            "(palbociclib, ribociclib or abemaciclib) for patients whose HR-positive, "
            "HER2-negative metastatic disease progressed on a first endocrine therapy, and asks "
            "clinicians to "
            "weigh prior exposure and response when picking the second endocrine-based "
            "regimen [1].\n\n"
            "- When the tumour carries a PIK3CA mutation, alpelisib 300 mg once daily with "
            "fulvestrant is an alternative [1].\n"
            "- Watch for neutropenia with CDK4/6 inhibitors and for hyperglycaemia with "
            "alpelisib [1].\n"
            "- Continue until the disease progresses or toxicity becomes unacceptable, "
            "reassessing response regularly [1].\n\n"
            "A commonly used regimen is palbociclib 125 mg once daily on days 1-21 of each "
            "28-day cycle, with fulvestrant 500 mg on days 1, 15 and 29 and monthly after "
            "that [1]. The aim is longer progression-free and overall survival while keeping "
            "toxicity low and quality of life high [1].",
        ),
        (
            "drug_label",
            "From the FDA Drug Label",
            "VERZENIO (abemaciclib) is indicated with fulvestrant for adults with HR-positive, "
            "HER2-negative advanced or metastatic breast cancer whose disease progressed after "
            "endocrine therapy [2]. With fulvestrant the labelled abemaciclib dose is 150 mg "
            "twice daily [2]. IBRANCE (palbociclib) carries the matching indication with "
            "fulvestrant after progression on endocrine therapy [3].\n\n"
            "- Progression after the first endocrine therapy is a condition of this use [2, 3].\n"
            "- Both drugs are given together with fulvestrant in this setting [2, 3].",
        ),
        (
            "research",
            "From the Research",
            "- In PIK3CA-mutated disease that progressed on or after endocrine therapy, "
            "alpelisib with fulvestrant improved progression-free survival in SOLAR-1 [4].\n"
            "- Adding a CDK4/6 inhibitor to fulvestrant lengthened progression-free survival "
            "against fulvestrant alone in PALOMA-3 and MONARCH 2 [5, 6].\n"
            "- For HER2-low disease, trastuzumab deruxtecan improved survival over "
            "physician's-choice chemotherapy in DESTINY-Breast04 and is an option after "
            "endocrine-based therapy [7].\n"
            "- The best order of treatments after a CDK4/6 inhibitor is still unsettled [1].",
        ),
    ],
}

OTHER_ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "first-line-treatment-uncomplicated-cystitis",
        "title": "What is the first-line treatment for acute uncomplicated cystitis in women?",
        "summary": "Nitrofurantoin for five days is a first-line choice.",
        "specialty": "infectious-disease",
        "risk": "standard",
        "citations": [(1, "idsa-uti", "Recommendations")],
        "sections": [
            (
                "guidelines",
                "From the Guidelines",
                "Nitrofurantoin monohydrate/macrocrystals 100 mg twice daily for 5 days is a "
                "first-line option for acute uncomplicated cystitis in non-pregnant women [1].",
            )
        ],
        "stage": "submitted",
    },
    {
        "slug": "metformin-dosing-chronic-kidney-disease",
        "title": "How should metformin be dosed in chronic kidney disease?",
        "summary": "Check eGFR before starting and at least yearly; stop below 30.",
        "specialty": "nephrology",
        "risk": "high",
        "citations": [(1, "metformin-label", "Section 4 Contraindications")],
        "sections": [
            (
                "drug_label",
                "From the FDA Drug Label",
                "Metformin is contraindicated when eGFR is below 30 mL/min/1.73 m² and starting "
                "it is not recommended between 30 and 45 mL/min/1.73 m² [1].",
            )
        ],
        "stage": "under_review",
    },
    {
        "slug": "statins-primary-prevention-adults-40-75",
        "title": "Should adults aged 40 to 75 start a statin for primary prevention?",
        "summary": "Draft: depends on risk factors and 10-year risk.",
        "specialty": "cardiology",
        "risk": "standard",
        "citations": [(1, "uspstf-statins", "Recommendation summary")],
        "sections": [
            (
                "guidelines",
                "From the Guidelines",
                "The USPSTF recommends a statin for adults aged 40 to 75 with at least one "
                "cardiovascular risk factor and a 10-year risk of 10% or more [1].",
            )
        ],
        "stage": "draft",
    },
]
