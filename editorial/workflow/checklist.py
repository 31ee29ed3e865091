"""The reviewer's checklist recorded with an approval: the JAMA benchmarks (Silberg 1997),
the GRADE certainty of the main recommendation and, for label-citing articles, label
concordance. Pure functions: the decision form and review_decide both validate with them."""

from __future__ import annotations

from typing import Any

JAMA_BENCHMARKS = {
    "authorship": "Authorship: authors and their credentials are stated",
    "attribution": "Attribution: every claim is referenced to its source",
    "disclosure": "Disclosure: ownership, sponsorship and conflicts are disclosed",
    "currency": "Currency: dates of posting and update are shown and current",
}
GRADE_CERTAINTY = {
    "high": "High",
    "moderate": "Moderate",
    "low": "Low",
    "very_low": "Very low",
}
LABEL_CONCORDANCE = {
    "concordant": "Concordant with the label",
    "off_label_flagged": "Off-label statements present, each flagged as off-label",
}
KEYS = {*JAMA_BENCHMARKS, "grade_certainty", "label_concordance", "off_label_statements"}


def checklist_problems(
    checklist: dict[str, Any], *, is_approval: bool, cites_label: bool
) -> list[str]:
    """Sentences naming what is wrong with a checklist; empty when it may be recorded."""
    problems = []
    unknown = sorted(set(checklist) - KEYS)
    if unknown:
        problems.append(f"Unknown checklist item(s): {', '.join(unknown)}.")
    for key in JAMA_BENCHMARKS:
        if key in checklist and not isinstance(checklist[key], bool):
            problems.append(f"The checklist item {key!r} must be yes or no.")
    grade = checklist.get("grade_certainty") or ""
    if grade and grade not in GRADE_CERTAINTY:
        problems.append(f"Unknown GRADE certainty {grade!r}.")
    concordance = checklist.get("label_concordance") or ""
    if concordance and concordance not in LABEL_CONCORDANCE:
        problems.append(f"Unknown label concordance {concordance!r}.")
    if is_approval:
        problems += _approval_problems(checklist, cites_label=cites_label)
    return problems


def _approval_problems(checklist: dict[str, Any], *, cites_label: bool) -> list[str]:
    # An approval vouches for every benchmark: a reviewer who cannot tick one requests changes.
    problems = [
        f"To approve, confirm “{label}” (or request changes)."
        for key, label in JAMA_BENCHMARKS.items()
        if checklist.get(key) is not True
    ]
    if not checklist.get("grade_certainty"):
        problems.append("To approve, rate the certainty of the main recommendation (GRADE).")
    if cites_label:
        concordance = checklist.get("label_concordance")
        if not concordance:
            problems.append("To approve an article citing a drug label, confirm label concordance.")
        elif (
            concordance == "off_label_flagged"
            and not (checklist.get("off_label_statements") or "").strip()
        ):
            problems.append("List the off-label statements you checked are flagged.")
    return problems


def checklist_clean(checklist: dict[str, Any], *, cites_label: bool) -> dict[str, Any]:
    """The checklist as stored: known keys only, label items only for label-citing articles."""
    cleaned: dict[str, Any] = {key: checklist.get(key) is True for key in JAMA_BENCHMARKS}
    cleaned["grade_certainty"] = checklist.get("grade_certainty") or ""
    if cites_label:
        cleaned["label_concordance"] = checklist.get("label_concordance") or ""
        cleaned["off_label_statements"] = (checklist.get("off_label_statements") or "").strip()
    return cleaned
