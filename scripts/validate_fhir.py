#!/usr/bin/env python3
"""Validates FHIR exports of confide with the fhir.resources R4B models.

Usage: validate_fhir.py FILE...   (each file a FHIR Bundle, or a Questionnaire, as JSON)

Every resource must validate. Every QuestionnaireResponse whose questionnaire is among the
Questionnaires given must match it: each item's linkId is an item of the Questionnaire, and
each coded answer is one of that item's answer options (system and code). Score Observations
must be derived from a response of the same bundle, and Flags must name their subject.
Exits 1 and names the file and the problem when one does not validate.
"""
import json
import sys

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

# The resources confide writes: a QuestionnaireResponse per questionnaire taken, an
# Observation with the safety screen and one per scale score, and a Flag per flag; and the
# Questionnaires of `confide export --format fhir`.
MODELS = {
    "QuestionnaireResponse": QuestionnaireResponse,
    "Observation": Observation,
    "Flag": Flag,
    "Questionnaire": Questionnaire,
}
STATUS = {
    "QuestionnaireResponse": "completed",
    "Observation": "final",
    "Flag": "active",
    "Questionnaire": "active",
}


def parse(model, data):
    return model.model_validate(data) if hasattr(model, "model_validate") else model.parse_obj(data)


def resources(path):
    """(resource type, validated model, raw JSON, fullUrl) of every resource in the file."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("resourceType") == "Questionnaire":
        return [("Questionnaire", parse(Questionnaire, data), data, None)]
    bundle = parse(Bundle, data)
    if bundle.type != "collection":
        raise ValueError(f"bundle type is {bundle.type!r}, expected 'collection'")
    raw_entries = data.get("entry") or []
    if not raw_entries:
        raise ValueError("the bundle has no entries")
    out = []
    for raw in raw_entries:
        resource = raw.get("resource")
        if resource is None:
            raise ValueError("an entry has no resource")
        name = resource.get("resourceType")
        model = MODELS.get(name)
        if model is None:
            raise ValueError(f"entry holds a {name}, expected one of {', '.join(sorted(MODELS))}")
        out.append((name, parse(model, resource), resource, raw.get("fullUrl")))
    return out


def check_resource(name, model, raw):
    if model.status != STATUS[name]:
        raise ValueError(f"{name} status is {model.status!r}, expected {STATUS[name]!r}")
    if name == "Observation":
        codes = [c.get("code") for c in raw["code"].get("coding", [])]
        if "safety-screen" in codes and not (model.valueString or "").strip():
            raise ValueError("the safety screen Observation has no valueString")
        if "safety-screen" not in codes:
            if not raw.get("derivedFrom"):
                raise ValueError(f"the score Observation {codes} is not derived from a response")
            if ("valueQuantity" in raw) == ("dataAbsentReason" in raw):
                raise ValueError(f"the score Observation {codes} needs a value or a reason for none")
    if name == "Flag" and not (raw.get("code", {}).get("text") or "").strip():
        raise ValueError("a Flag has no text")


def items_of(questionnaire):
    """linkId -> item, at every depth."""
    found = {}
    stack = list(questionnaire.get("item") or [])
    while stack:
        item = stack.pop()
        found[item["linkId"]] = item
        stack.extend(item.get("item") or [])
    return found


def check_response(raw, questionnaire):
    items = items_of(questionnaire)
    for answered in raw.get("item") or []:
        link = answered["linkId"]
        item = items.get(link)
        if item is None:
            raise ValueError(f"response item {link!r} is not an item of {raw['questionnaire']}")
        options = {
            (o["valueCoding"].get("system"), o["valueCoding"].get("code"))
            for o in item.get("answerOption") or []
            if "valueCoding" in o
        }
        for answer in answered.get("answer") or []:
            coding = answer.get("valueCoding")
            if coding is not None and (coding.get("system"), coding.get("code")) not in options:
                raise ValueError(f"answer {coding} of {link!r} is not an option of the Questionnaire")


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    loaded = {}
    for path in sys.argv[1:]:
        try:
            loaded[path] = resources(path)
        except Exception as e:  # report every file, then fail
            print(f"{path}: INVALID: {e}", file=sys.stderr)
            failed = True
    questionnaires = {
        f"{raw['url']}|{raw.get('version', '')}": raw
        for found in loaded.values()
        for name, _, raw, _ in found
        if name == "Questionnaire"
    }
    for path, found in loaded.items():
        try:
            counts = {}
            urls = {url for _, _, _, url in found if url}
            for name, model, raw, _ in found:
                check_resource(name, model, raw)
                if name == "QuestionnaireResponse" and questionnaires:
                    target = questionnaires.get(raw["questionnaire"])
                    if target is None:
                        raise ValueError(f"{raw['questionnaire']} resolves to no Questionnaire given")
                    check_response(raw, target)
                if name == "Observation":
                    for ref in raw.get("derivedFrom") or []:
                        if ref["reference"] not in urls:
                            raise ValueError(f"{ref['reference']} is not in the bundle")
                counts[name] = counts.get(name, 0) + 1
            if "Questionnaire" not in counts and not counts.get("QuestionnaireResponse"):
                raise ValueError("the bundle has no QuestionnaireResponse")
            summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
            print(f"{path}: valid FHIR R4B ({summary})")
        except Exception as e:
            print(f"{path}: INVALID: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
