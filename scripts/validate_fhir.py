#!/usr/bin/env python3
"""Validates FHIR exports of confide with the fhir.resources R4B models.

Usage: validate_fhir.py FILE...   (each file a FHIR Bundle as JSON)
Exits 1 and names the file and the problem when one does not validate.
"""
import json
import sys

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

# The resources a confide export holds: a QuestionnaireResponse per questionnaire taken,
# an Observation with the safety screen per intake, and a DetectedIssue per flag.
MODELS = {
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
    "DetectedIssue": DetectedIssue,
}
STATUS = {"QuestionnaireResponse": "completed", "Observation": "final", "DetectedIssue": "final"}


def check(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    bundle = Bundle.model_validate(data) if hasattr(Bundle, "model_validate") else Bundle.parse_obj(data)
    if bundle.type != "collection":
        raise ValueError(f"bundle type is {bundle.type!r}, expected 'collection'")
    entries = bundle.entry or []
    if not entries:
        raise ValueError("the bundle has no entries")
    counts = {}
    for e in entries:
        resource = e.resource
        if resource is None:
            raise ValueError("an entry has no resource")
        name = resource.get_resource_type() if hasattr(resource, "get_resource_type") else resource.resource_type
        model = MODELS.get(name)
        if model is None:
            raise ValueError(f"entry holds a {name}, expected one of {', '.join(sorted(MODELS))}")
        if not isinstance(resource, model):
            resource = model.model_validate(resource.model_dump())
        expected = STATUS[name]
        if resource.status != expected:
            raise ValueError(f"{name} status is {resource.status!r}, expected {expected!r}")
        if name == "Observation" and not (resource.valueString or "").strip():
            raise ValueError("the safety screen Observation has no valueString")
        if name == "DetectedIssue" and not (resource.detail or "").strip():
            raise ValueError("a DetectedIssue (flag) has no detail")
        counts[name] = counts.get(name, 0) + 1
    if not counts.get("QuestionnaireResponse"):
        raise ValueError("the bundle has no QuestionnaireResponse")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"{path}: valid FHIR R4B Bundle ({summary})")


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in sys.argv[1:]:
        try:
            check(path)
        except Exception as e:  # report every file, then fail
            print(f"{path}: INVALID: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
