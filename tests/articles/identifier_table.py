# ruff: noqa: RUF001  (look-alike characters are what this table is about)
"""The identifier table: (kind, what a person typed or pasted, the canonical form or the error).

Sources: python-stdnum's ISBN test vectors (data/stdnum_isbn_valid.txt and the invalid ones
below, from its tests/test_isbn.doctest and module doctests), idutils' DOI/PMID/PMCID/ISBN
vectors, and hand-made cases for every rule and every normaliser of articles.identifiers.
Where Imprimatur's policy differs from a library, the row says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class Err:
    code: str
    says: str  # a fragment of the message: the rule that is broken

    def __repr__(self) -> str:
        return f"Err({self.code!r}, {self.says!r})"


Expected = str | Err
Row = tuple[str, str, Expected]

NBSP, ZWSP, EN_DASH, HYPHEN, MINUS = "\u00a0", "\u200b", "\u2013", "\u2010", "\u2212"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
BALINESE_SEVEN = "\u1b57"
NOT_ASCII = "written in ASCII only"


def _variants(kind: str, canonical: str, forms: list[str]) -> list[Row]:
    return [(kind, form.format(canonical), canonical) for form in forms]


# --- DOI: "10." + numeric registrant code (dotted sub-codes allowed) + "/" + ASCII suffix ---
DOIS = [
    "10.1056/NEJMoa1505270",
    "10.1200/JCO.2017.73.7585",
    "10.1093/cid/ciq257",
    "10.1016/j.epsl.2011.11.037",  # idutils
    "10.1038/issn.1476-4687",  # idutils
    "10.1000/123456",  # idutils
    "10.1000.10/123456",  # idutils: a dotted registrant sub-code
    "10.1000/182",  # the DOI Handbook's own DOI
    "10.1016/S0140-6736(20)30183-5",
    "10.1371/journal.pmed.1000097",
    "10.1136/bmj.n71",
    "10.1002/(SICI)1521-3978(199806)46:4/5<493::AID-PROP493>3.0.CO;2-P",  # idutils
]
DOI_FORMS = [
    "{}",
    "doi:{}",
    "DOI:{}",
    "doi: {}",
    "DOI {}",
    "https://doi.org/{}",
    "http://dx.doi.org/{}",
    "doi.org/{}",
    "https://www.doi.org/{}",
    "info:doi/{}",
    "  {}\n",
    NBSP + "{}" + ZWSP,
]
DOI_ROWS = [row for doi in DOIS for row in _variants("doi", doi, DOI_FORMS)] + [
    # an address percent-encodes what a URL cannot hold
    ("doi", "https://doi.org/" + quote(DOIS[-1], safe="/:;()"), DOIS[-1]),
    ("doi", "https://doi.org/10.1056%2FNEJMoa1505270", "10.1056/NEJMoa1505270"),
    # dashes from a PDF, full-width digits from a CJK keyboard
    ("doi", f"10.1016/S0140{HYPHEN}6736(20)30183{EN_DASH}5", "10.1016/S0140-6736(20)30183-5"),
    ("doi", "10.1056/NEJMoa1505270".translate(FULLWIDTH), "10.1056/NEJMoa1505270"),
    ("doi", "１０．１０５６／NEJMoa1505270", "10.1056/NEJMoa1505270"),
    ("doi", "https://doi.org/doi:10.1136/bmj.n71", "10.1136/bmj.n71"),
    # errors
    ("doi", "", Err("doi-invalid", "is empty")),
    ("doi", "   ", Err("doi-invalid", "is empty")),
    ("doi", "11.1056/abc", Err("doi-invalid", "starts with “10.”")),
    ("doi", "NEJMoa1505270", Err("doi-invalid", "starts with “10.”")),
    ("doi", "doi:", Err("doi-invalid", "starts with “10.”")),
    ("doi", "https://doi.org/", Err("doi-invalid", "starts with “10.”")),
    ("doi", "https://example.org/10.1056/x", Err("doi-invalid", "starts with “10.”")),
    ("doi", "10.10O0/123456", Err("doi-invalid", "numeric registrant code")),  # idutils
    ("doi", "10.1.NOTGOOD.0/123456", Err("doi-invalid", "numeric registrant code")),  # idutils
    ("doi", "10./abc", Err("doi-invalid", "numeric registrant code")),
    ("doi", "10.1056./abc", Err("doi-invalid", "numeric registrant code")),
    ("doi", "10.1000/", Err("doi-invalid", "suffix after the slash")),  # idutils
    ("doi", "10.1056", Err("doi-invalid", "suffix after the slash")),
    ("doi", "10.1056/NEJM oa1505270", Err("doi-invalid", "must not contain spaces")),
    ("doi", "10.1056/NEJMoa150527" + "٧", Err("doi-invalid", "ARABIC-INDIC DIGIT SEVEN")),
    ("doi", "10.１٠56/x", Err("doi-invalid", "ARABIC-INDIC DIGIT ZERO")),
    # idutils accepts Unicode suffixes; Crossref, PubMed and the resolvers only know ASCII
    ("doi", "10.1016/üникóδé-дôΐ", Err("doi-invalid", NOT_ASCII)),
    ("doi", "10.1016/སྦ་བཞེད་", Err("doi-invalid", NOT_ASCII)),
    ("doi", "10.1056/NEJMoa1505270²", Err("doi-invalid", "SUPERSCRIPT TWO")),
]

# --- PMID: 1 to 9 ASCII digits; leading zeros dropped ---
PMIDS = ["1", "26030518", "12082125", "33296134", "999999999"]
PMID_FORMS = [
    "{}",
    "pmid:{}",
    "PMID:{}",
    "PMID: {}",
    "PMID {}",
    "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "https://pubmed.ncbi.nlm.nih.gov/{}",
    "pubmed.ncbi.nlm.nih.gov/{}/?from_term=breast",
    "http://www.ncbi.nlm.nih.gov/pubmed/{}",
    "00{}",
    " {} ",
]
PMID_ROWS = [row for pmid in PMIDS for row in _variants("pmid", pmid, PMID_FORMS)] + [
    ("pmid", "26030518".translate(FULLWIDTH), "26030518"),
    ("pmid", "PMID: 0026030518", "26030518"),
    ("pmid", "", Err("pmid-invalid", "is empty")),
    ("pmid", "0", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "000", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "1234567890", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "12a4", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "12 34", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "-1", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "1.5", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "PMC4615340", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "pmid:", Err("pmid-invalid", "a number of 1 to 9 digits")),
    ("pmid", "https://pubmed.ncbi.nlm.nih.gov/", Err("pmid-invalid", "1 to 9 digits")),
    ("pmid", "26030518".translate(ARABIC_INDIC), Err("pmid-invalid", "ARABIC-INDIC DIGIT TWO")),
    ("pmid", "2603051" + BALINESE_SEVEN, Err("pmid-invalid", "BALINESE DIGIT SEVEN")),
    ("pmid", "²6030518", Err("pmid-invalid", "SUPERSCRIPT TWO")),
]

# --- PMCID: "PMC" + digits; the prefix in any case ---
PMCIDS = ["PMC4615340", "PMC2631623", "PMC7745181", "PMC1"]
PMCID_FORMS = [
    "{}",
    " {} ",
    "PMCID: {}",
    "pmcid:{}",
    "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
    "https://pmc.ncbi.nlm.nih.gov/articles/{}/",
    "pmc.ncbi.nlm.nih.gov/articles/{}",
]
PMCID_ROWS = (
    [row for pmcid in PMCIDS for row in _variants("pmcid", pmcid, PMCID_FORMS)]
    + [("pmcid", f"{pmcid[:3].lower()}{pmcid[3:]}", pmcid) for pmcid in PMCIDS]
    + [
        ("pmcid", "Pmc4615340", "PMC4615340"),
        ("pmcid", "pMc4615340", "PMC4615340"),
        ("pmcid", "https://pmc.ncbi.nlm.nih.gov/articles/pmc4615340/", "PMC4615340"),
        ("pmcid", "PMC" + "4615340".translate(FULLWIDTH), "PMC4615340"),
        ("pmcid", "ＰＭＣ4615340", "PMC4615340"),
        ("pmcid", "", Err("pmcid-invalid", "is empty")),
        ("pmcid", "4615340", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC0123", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC12a", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC 4615340", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC12345678901", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMID4615340", Err("pmcid-invalid", "“PMC” followed by digits")),
        ("pmcid", "PMC" + "4615340".translate(ARABIC_INDIC), Err("pmcid-invalid", NOT_ASCII)),
    ]
)

# --- NCT: "NCT" + 8 ASCII digits ---
NCTS = ["NCT01942135", "NCT04380636", "NCT00000102", "NCT03155997"]
NCT_FORMS = [
    "{}",
    " {}\n",
    "https://clinicaltrials.gov/study/{}",
    "https://www.clinicaltrials.gov/study/{}?tab=results",
    "https://clinicaltrials.gov/ct2/show/{}",
    "https://classic.clinicaltrials.gov/ct2/show/{}?term=abemaciclib",
]
NCT_ROWS = (
    [row for nct in NCTS for row in _variants("nct", nct, NCT_FORMS)]
    + [("nct", nct.lower(), nct) for nct in NCTS]
    + [
        ("nct", "NCT" + "01942135".translate(FULLWIDTH), "NCT01942135"),
        ("nct", "", Err("nct-invalid", "is empty")),
        ("nct", "NCT1942135", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "NCT019421350", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "01942135", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "NTC01942135", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "NCT-01942135", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "NCT0194213X", Err("nct-invalid", "“NCT” followed by 8 digits")),
        ("nct", "NCT0123456٧", Err("nct-invalid", "ARABIC-INDIC DIGIT SEVEN")),  # from the issue
        ("nct", "NCT0123456" + BALINESE_SEVEN, Err("nct-invalid", "BALINESE DIGIT SEVEN")),
    ]
)

# --- DailyMed set id: a canonical (lower-case, hyphenated) UUID ---
SETIDS = [
    "be4bc0de-0fdc-4d46-8d25-be43c79e6a06",  # VERZENIO, DailyMed
    "3e1f6c2b-8a7d-4c5e-9b0a-2d4f6e8a1c35",
    "00000000-0000-0000-0000-000000000000",
]
SETID_FORMS = [
    "{}",
    " {} ",
    "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={}",
    "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={}&audience=professional",
    "dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?audience=consumer&setid={}",
]
SETID_ROWS = (
    [row for s in SETIDS for row in _variants("dailymed_setid", s, SETID_FORMS)]
    + [("dailymed_setid", s.upper(), s) for s in SETIDS]
    + [
        ("dailymed_setid", SETIDS[0].replace("-", EN_DASH), SETIDS[0]),
        ("dailymed_setid", SETIDS[0].translate(FULLWIDTH), SETIDS[0]),
        ("dailymed_setid", "", Err("dailymed-setid-invalid", "is empty")),
        ("dailymed_setid", SETIDS[0].replace("-", ""), Err("dailymed-setid-invalid", "8-4-4-4-12")),
        ("dailymed_setid", "{" + SETIDS[0] + "}", Err("dailymed-setid-invalid", "8-4-4-4-12")),
        ("dailymed_setid", "not-a-uuid", Err("dailymed-setid-invalid", "8-4-4-4-12")),
        ("dailymed_setid", SETIDS[0][:-1] + "g", Err("dailymed-setid-invalid", "8-4-4-4-12")),
        ("dailymed_setid", SETIDS[0][:-1], Err("dailymed-setid-invalid", "8-4-4-4-12")),
        ("dailymed_setid", SETIDS[0] + "0", Err("dailymed-setid-invalid", "8-4-4-4-12")),
        (
            "dailymed_setid",
            "be4bc0de-0fdc-4d46-8d25-be43c79e6a0٦",
            Err("dailymed-setid-invalid", NOT_ASCII),
        ),
    ]
)

# --- NCCN version: "Version N.YYYY", N from 1 ---
VERSIONS = ["Version 1.2025", "Version 2.2025", "Version 10.2024", "Version 3.1999"]
VERSION_FORMS = ["{}", " {} ", "{}\t"]
NCCN_ROWS = [row for v in VERSIONS for row in _variants("nccn_version", v, VERSION_FORMS)] + [
    ("nccn_version", "version 2.2025", "Version 2.2025"),
    ("nccn_version", "VERSION 2.2025", "Version 2.2025"),
    ("nccn_version", "Version: 2.2025", "Version 2.2025"),
    ("nccn_version", "Version" + NBSP + "2.2025", "Version 2.2025"),
    ("nccn_version", "v2.2025", "Version 2.2025"),
    ("nccn_version", "V2.2025", "Version 2.2025"),
    ("nccn_version", "v.2.2025", "Version 2.2025"),
    ("nccn_version", "Version 2.2025".translate(FULLWIDTH), "Version 2.2025"),
    ("nccn_version", "", Err("nccn-version-invalid", "is empty")),
    ("nccn_version", "Version 0.2025", Err("nccn-version-invalid", "with N from 1")),  # issue
    ("nccn_version", "Version 02.2025", Err("nccn-version-invalid", "with N from 1")),
    ("nccn_version", "Version 2.25", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "Version 2.1899", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "Version 2", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "Version 2.2025a", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "2025 update", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "2.2025", Err("nccn-version-invalid", "Version N.YYYY")),
    ("nccn_version", "Version ٢.2025", Err("nccn-version-invalid", "ARABIC-INDIC DIGIT TWO")),
]

# --- ISBN: python-stdnum decides; ISBN-10 (and 9-digit SBN) stored as ISBN-13 ---
_STDNUM_FILE = Path(__file__).parent / "data" / "stdnum_isbn_valid.txt"
STDNUM_VALID_ROWS: list[Row] = [
    ("isbn", *line.split("\t"))  # type: ignore[misc]
    for line in _STDNUM_FILE.read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]
ISBN_ROWS: list[Row] = [
    *STDNUM_VALID_ROWS,
    # python-stdnum's module doctests and tests/test_isbn.doctest
    ("isbn", "978-9024538270", "9789024538270"),
    ("isbn", "1-85798-218-5", "9781857982183"),
    ("isbn", "1 85798218 5", "9781857982183"),
    ("isbn", "978-0-471-11709-4", "9780471117094"),
    ("isbn", "12-345678-9", "9780123456786"),  # a 9-digit SBN
    ("isbn", "85152-629-2", "9780851526294"),  # a 9-digit SBN
    ("isbn", "978-9024538271", Err("isbn-check-digit", "check digit is wrong")),
    ("isbn", "08515x-629-2", Err("isbn-invalid", "may end in X")),
    ("isbn", "85152-629-1", Err("isbn-check-digit", "check digit is wrong")),
    ("isbn", "978-902453827X", Err("isbn-invalid", "may end in X")),
    ("isbn", "978-902453827", Err("isbn-invalid", "10 or 13 digits")),
    ("isbn", "7501031311309", Err("isbn-invalid", "starts with 978 or 979")),
    ("isbn", "5413170121522", Err("isbn-invalid", "starts with 978 or 979")),
    ("isbn", "978-90245\u1b538270", Err("isbn-invalid", "BALINESE DIGIT THREE")),
    ("isbn", "978-9024538\u00b270", Err("isbn-invalid", "SUPERSCRIPT TWO")),
    # idutils
    ("isbn", "9783468111242", "9783468111242"),
    ("isbn", "9798847781275", "9798847781275"),
    ("isbn", "978-65-87773-12-4", "9786587773124"),
    ("isbn", "978-3-905673-82- 1", "9783905673821"),
    ("isbn", "0-9752298-0-X", "9780975229804"),
    ("isbn", "4006381333931", Err("isbn-invalid", "starts with 978 or 979")),  # an EAN
    # hand-made: what people paste
    ("isbn", "ISBN 978-0-306-40615-7", "9780306406157"),
    ("isbn", "ISBN: 978-0-306-40615-7", "9780306406157"),
    ("isbn", "ISBN-13: 978-0-306-40615-7", "9780306406157"),
    ("isbn", "ISBN-10: 0-306-40615-2", "9780306406157"),
    ("isbn", "isbn 0306406152", "9780306406157"),
    ("isbn", "0-8044-2957-x", "9780804429573"),
    ("isbn", "978\u20130\u2013306\u201340615\u20137", "9780306406157"),
    ("isbn", "978\u20100\u2010306\u201040615\u20107", "9780306406157"),
    ("isbn", f"978{MINUS}0{MINUS}306{MINUS}40615{MINUS}7", "9780306406157"),
    ("isbn", "９７８-０-３０６-４０６１５-７", "9780306406157"),
    ("isbn", f"978{NBSP}0{NBSP}306{NBSP}40615{NBSP}7", "9780306406157"),
    ("isbn", "", Err("isbn-invalid", "is empty")),
    ("isbn", "978-0-306-40615-8", Err("isbn-check-digit", "check digit is wrong")),
    ("isbn", "0-306-40615-3", Err("isbn-check-digit", "check digit is wrong")),
    ("isbn", "12345", Err("isbn-invalid", "10 or 13 digits")),
    ("isbn", "1230306406155", Err("isbn-invalid", "starts with 978 or 979")),
    ("isbn", "978.0.306.40615.7", Err("isbn-invalid", "may end in X")),
    ("isbn", "978-0-306-40615-7".translate(ARABIC_INDIC), Err("isbn-invalid", NOT_ASCII)),
]

ROWS: list[Row] = DOI_ROWS + PMID_ROWS + PMCID_ROWS + NCT_ROWS + SETID_ROWS + NCCN_ROWS + ISBN_ROWS
