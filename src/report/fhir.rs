//! The report as a FHIR R4 Bundle (type `collection`). For each session: a
//! QuestionnaireResponse per questionnaire taken, whose items are exactly those of the
//! exported Questionnaire (`confide export ID --format fhir`), an Observation with the safety
//! screen, an Observation per scale score derived from its response, and a Flag per raised
//! flag. Items carry the question text and the answers (codings with their code system,
//! decimals or integers, strings); declined items carry a data absent reason of
//! `asked-declined`.

use serde_json::{Value, json};

use super::clinician::{
    AnswerKind, FlagEntry, QuestionnaireReport, Report, ScaleEntry, SessionReport,
};
use crate::model::fhir::{CANONICAL_BASE, SCALE_SYSTEM, option_system};
use crate::model::questionnaire::FlagLevel;
use crate::model::response::AnswerStatus;

const DATA_ABSENT: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
const DATA_ABSENT_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const FLAG_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/flag-category";
const FLAG_PRIORITY: &str = "http://hl7.org/fhir/StructureDefinition/flag-priority";
const FLAG_PRIORITY_SYSTEM: &str = "http://hl7.org/fhir/flag-priority-code";
const FLAG_DETAIL: &str = "http://hl7.org/fhir/StructureDefinition/flag-detail";
/// The identifier system of a response: the session id, a slash, the questionnaire id.
const RESPONSE_SYSTEM: &str = "urn:confide:response";
/// The identifier system of the client's reference code.
const REFERENCE_SYSTEM: &str = "urn:confide:reference";

/// The whole report as one Bundle.
pub fn bundle(report: &Report) -> Value {
    let entries: Vec<Value> = report.sessions.iter().flat_map(entries).collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": report.generated,
        "entry": entries,
    })
}

fn uuid(seed: &str) -> String {
    // A stable UUID per session and resource, so exports are reproducible.
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

/// A Bundle entry: the resource, with its id and `urn:uuid:` full URL made from `seed`.
fn entry(seed: &str, mut resource: Value) -> Value {
    let id = uuid(seed);
    resource["id"] = json!(id);
    json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource})
}

/// The Bundle entries of one session: a QuestionnaireResponse per questionnaire taken, an
/// Observation with the safety screen, an Observation per scale, and a Flag per flag (its
/// clinician text).
pub(crate) fn entries(s: &SessionReport) -> Vec<Value> {
    let taken: Vec<&QuestionnaireReport> = s.questionnaires.iter().filter(|q| q.taken).collect();
    let mut out: Vec<Value> = taken.iter().map(|q| response(s, q)).collect();
    out.push(safety_screen(s));
    for q in &taken {
        out.extend(q.scales.iter().map(|sc| score(s, q, sc)));
    }
    out.extend(s.flags.iter().map(|f| flag(s, f)));
    out
}

fn response_seed(s: &SessionReport, questionnaire: &str) -> String {
    format!("{}/{questionnaire}", s.id)
}

/// The person who answered, as FHIR's subject: identified by the reference code when there
/// is one.
fn subject(s: &SessionReport) -> Value {
    match &s.reference {
        Some(r) => json!({"identifier": {"system": REFERENCE_SYSTEM, "value": r}}),
        None => json!({"display": "client without a reference code"}),
    }
}

/// The safety screen as an Observation (`valueString` is the screen in words).
fn safety_screen(s: &SessionReport) -> Value {
    entry(
        &format!("{}/safety-screen", s.id),
        json!({
            "resourceType": "Observation",
            "status": "final",
            "category": [survey()],
            "code": {
                "coding": [{"system": "urn:confide:observation", "code": "safety-screen", "display": "confide safety screen"}],
                "text": "Safety screen"
            },
            "subject": subject(s),
            "effectiveDateTime": s.created,
            "valueString": s.safety_screen.text,
        }),
    )
}

fn survey() -> Value {
    json!({"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]})
}

/// A scale score as an Observation derived from its QuestionnaireResponse: the value as a
/// quantity of `{score}`, the band as its interpretation, the range the score was taken
/// from; too few answers is a data absent reason.
fn score(s: &SessionReport, q: &QuestionnaireReport, sc: &ScaleEntry) -> Value {
    let code = format!("{}.{}", q.id, sc.id);
    let mut resource = json!({
        "resourceType": "Observation",
        "status": "final",
        "category": [survey()],
        "code": {
            "coding": [{"system": SCALE_SYSTEM, "code": code, "display": sc.title}],
            "text": sc.title,
        },
        "subject": subject(s),
        "effectiveDateTime": s.created,
        "derivedFrom": [{"reference": format!("urn:uuid:{}", uuid(&response_seed(s, &q.id)))}],
    });
    match sc.value {
        Some(v) => {
            resource["valueQuantity"] = json!({
                "value": v, "unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"
            });
        }
        None => {
            resource["dataAbsentReason"] = json!({
                "coding": [{"system": DATA_ABSENT_SYSTEM, "code": "not-performed", "display": "Not Performed"}],
                "text": "too few answers for a score",
            });
        }
    }
    if let (Some(band), Some(label)) = (&sc.band, &sc.band_label) {
        resource["interpretation"] = json!([{
            "coding": [{"system": format!("{SCALE_SYSTEM}:{code}"), "code": band, "display": label}],
            "text": label,
        }]);
    }
    if let (Some(min), Some(max)) = (sc.min, sc.max) {
        resource["referenceRange"] = json!([{
            "low": {"value": min, "unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"},
            "high": {"value": max, "unit": "score", "system": "http://unitsofmeasure.org", "code": "{score}"},
            "text": "the lowest and highest score over the questions asked",
        }]);
    }
    entry(&format!("{}/score/{code}", s.id), resource)
}

/// A flag as a Flag resource: the clinician text as its code's text, `safety` or `clinical`
/// as its category, the level as its priority (urgent high, see-a-clinician medium,
/// suggestion low, note no alarm), and the response that raised it as its detail.
fn flag(s: &SessionReport, f: &FlagEntry) -> Value {
    let code = format!("{}.{}", f.questionnaire, f.id);
    let (category, category_display) = if f.safety {
        ("safety", "Safety")
    } else {
        ("clinical", "Clinical")
    };
    let mut extension = Vec::new();
    let priority = match f.level.known() {
        Some(FlagLevel::Urgent) => Some(("PH", "High priority")),
        Some(FlagLevel::SeeAClinician) => Some(("PM", "Medium priority")),
        Some(FlagLevel::Suggestion) => Some(("PL", "Low priority")),
        Some(FlagLevel::Note) => Some(("PN", "No alarm")),
        None => None,
    };
    if let Some((code, display)) = priority {
        extension.push(json!({
            "url": FLAG_PRIORITY,
            "valueCodeableConcept": {"coding": [{"system": FLAG_PRIORITY_SYSTEM, "code": code, "display": display}]}
        }));
    }
    let raised_by = s
        .questionnaires
        .iter()
        .any(|q| q.taken && q.id == f.questionnaire);
    if raised_by {
        extension.push(json!({
            "url": FLAG_DETAIL,
            "valueReference": {"reference": format!("urn:uuid:{}", uuid(&response_seed(s, &f.questionnaire)))}
        }));
    }
    let mut resource = json!({
        "resourceType": "Flag",
        "status": "active",
        "category": [{"coding": [{"system": FLAG_CATEGORY, "code": category, "display": category_display}]}],
        "code": {
            "coding": [{"system": "urn:confide:flag", "code": code, "display": format!("{} ({})", f.id, f.level)}],
            "text": f.clinician,
        },
        "subject": subject(s),
        "period": {"start": s.created},
    });
    if !extension.is_empty() {
        resource["extension"] = Value::Array(extension);
    }
    entry(&format!("{}/flag/{code}", s.id), resource)
}

/// A QuestionnaireResponse for one questionnaire taken: its own identifier (the session id
/// and the questionnaire), the canonical of the exported Questionnaire, the client as
/// subject, and an item for each question asked.
fn response(s: &SessionReport, q: &QuestionnaireReport) -> Value {
    let mut items: Vec<Value> = Vec::new();
    for a in &q.answers {
        if a.status == AnswerStatus::NotAsked {
            continue;
        }
        let mut item = json!({"linkId": a.item});
        if let Some(t) = &a.text {
            item["text"] = json!(t);
        }
        match a.status {
            AnswerStatus::Answered => {
                let system = option_system(&q.id, &a.item);
                if let Some(answers) = fhir_answers(a.kind, a.value.as_ref(), &a.display, &system) {
                    item["answer"] = Value::Array(answers);
                }
            }
            AnswerStatus::Declined => {
                item["extension"] = json!([{"url": DATA_ABSENT, "valueCode": "asked-declined"}]);
            }
            _ => {
                item["extension"] = json!([{"url": DATA_ABSENT, "valueCode": "asked-unknown"}]);
            }
        }
        items.push(item);
    }
    let mut resource = json!({
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": RESPONSE_SYSTEM, "value": response_seed(s, &q.id)},
        "questionnaire": format!("{CANONICAL_BASE}{}|{}", q.id, q.version),
        "status": "completed",
        "subject": subject(s),
        "authored": s.created,
    });
    if !items.is_empty() {
        resource["item"] = Value::Array(items);
    }
    entry(&response_seed(s, &q.id), resource)
}

fn fhir_answers(
    kind: Option<AnswerKind>,
    value: Option<&Value>,
    display: &str,
    system: &str,
) -> Option<Vec<Value>> {
    let value = value?;
    let coding = |v: &Value, d: &str| json!({"valueCoding": {"system": system, "code": v.to_string(), "display": d}});
    match kind {
        Some(AnswerKind::SingleChoice) => Some(vec![coding(value, display)]),
        Some(AnswerKind::MultiChoice) => {
            let labels: Vec<&str> = display.split(", ").collect();
            let values = value.as_array()?;
            Some(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| coding(v, labels.get(i).copied().unwrap_or("")))
                    .collect(),
            )
        }
        Some(AnswerKind::Number) => Some(vec![if value.is_i64() {
            json!({"valueInteger": value})
        } else {
            json!({"valueDecimal": value})
        }]),
        _ => match value {
            Value::String(s) => Some(vec![json!({"valueString": s})]),
            Value::Number(n) if n.is_i64() => Some(vec![json!({"valueInteger": n})]),
            Value::Number(n) => Some(vec![json!({"valueDecimal": n})]),
            Value::Array(vs) => Some(
                vs.iter()
                    .map(|v| json!({"valueString": v.to_string()}))
                    .collect(),
            ),
            other => Some(vec![json!({"valueString": other.to_string()})]),
        },
    }
}
