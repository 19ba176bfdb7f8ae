//! The report as a FHIR R4 Bundle (type `collection`) of QuestionnaireResponse resources, one
//! per questionnaire per session. Items carry the question text and the answers (codings for
//! choices, decimals or integers for numbers, strings for text); declined items carry a data
//! absent reason of `asked-declined`; scale scores follow as items `scale.<id>`.

use serde_json::{Value, json};

use super::clinician::{AnswerKind, FlagEntry, Report, SessionReport};
use crate::model::questionnaire::FlagLevel;
use crate::model::response::AnswerStatus;

/// Base of the canonical URLs of confide questionnaires.
const CANONICAL_BASE: &str = "urn:confide:questionnaire:";
const DATA_ABSENT: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

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

fn uuid_urn(seed: &str) -> String {
    // A stable UUID per session and questionnaire, so exports are reproducible.
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(seed.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!("urn:uuid:{}", uuid::Uuid::from_bytes(b))
}

/// The Bundle entries of one session: a QuestionnaireResponse per questionnaire taken, an
/// Observation with the safety screen, and a DetectedIssue per flag (its clinician text).
pub(crate) fn entries(s: &SessionReport) -> Vec<Value> {
    let mut out = responses(s);
    out.push(safety_screen(s));
    out.extend(s.flags.iter().map(|f| detected_issue(s, f)));
    out
}

/// The reference code as a FHIR identifier, when there is one.
fn identifier(s: &SessionReport) -> Option<Value> {
    s.reference
        .as_ref()
        .map(|r| json!({"system": "urn:confide:reference", "value": r}))
}

/// The safety screen as an Observation (`valueString` is the screen in words).
fn safety_screen(s: &SessionReport) -> Value {
    let seed = format!("{}/safety-screen", s.id);
    let mut resource = json!({
        "resourceType": "Observation",
        "id": uuid_urn(&seed).trim_start_matches("urn:uuid:"),
        "status": "final",
        "code": {
            "coding": [{"system": "urn:confide:observation", "code": "safety-screen", "display": "confide safety screen"}],
            "text": "Safety screen"
        },
        "effectiveDateTime": s.created,
        "valueString": s.safety_screen.text,
    });
    if let Some(id) = identifier(s) {
        resource["identifier"] = json!([id]);
    }
    json!({"fullUrl": uuid_urn(&seed), "resource": resource})
}

/// A flag as a DetectedIssue: urgent is high severity, see-a-clinician moderate, the rest
/// low; `detail` is the clinician text.
fn detected_issue(s: &SessionReport, f: &FlagEntry) -> Value {
    let seed = format!("{}/flag/{}.{}", s.id, f.questionnaire, f.id);
    let severity = match f.level.known() {
        Some(FlagLevel::Urgent) => "high",
        Some(FlagLevel::SeeAClinician) => "moderate",
        _ => "low",
    };
    let mut resource = json!({
        "resourceType": "DetectedIssue",
        "id": uuid_urn(&seed).trim_start_matches("urn:uuid:"),
        "status": "final",
        "code": {
            "coding": [{"system": "urn:confide:flag", "code": format!("{}.{}", f.questionnaire, f.id)}],
            "text": format!("{} ({})", f.id, f.level)
        },
        "severity": severity,
        "identifiedDateTime": s.created,
        "detail": f.clinician,
    });
    if let Some(id) = identifier(s) {
        resource["identifier"] = json!([id]);
    }
    json!({"fullUrl": uuid_urn(&seed), "resource": resource})
}

/// A QuestionnaireResponse per questionnaire taken.
fn responses(s: &SessionReport) -> Vec<Value> {
    s.questionnaires
        .iter()
        .filter(|q| q.taken)
        .map(|q| {
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
                        if let Some(answers) = fhir_answers(a.kind, a.value.as_ref(), &a.display) {
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
            for sc in &q.scales {
                let mut item = json!({"linkId": format!("scale.{}", sc.id), "text": format!("Score: {}", sc.title)});
                match sc.value {
                    Some(v) => item["answer"] = json!([{"valueDecimal": v}]),
                    None => item["extension"] = json!([{"url": DATA_ABSENT, "valueCode": "not-performed"}]),
                }
                items.push(item);
            }
            let mut resource = json!({
                "resourceType": "QuestionnaireResponse",
                "id": uuid_urn(&format!("{}/{}", s.id, q.id)).trim_start_matches("urn:uuid:"),
                "questionnaire": format!("{CANONICAL_BASE}{}|{}", q.id, q.version),
                "status": "completed",
                "authored": s.created,
                "item": items,
            });
            if let Some(r) = &s.reference {
                resource["identifier"] = json!({"system": "urn:confide:reference", "value": r});
            }
            if items_empty(&resource) {
                resource.as_object_mut().map(|o| o.remove("item"));
            }
            json!({"fullUrl": uuid_urn(&format!("{}/{}", s.id, q.id)), "resource": resource})
        })
        .collect()
}

fn items_empty(resource: &Value) -> bool {
    resource["item"].as_array().is_none_or(Vec::is_empty)
}

fn fhir_answers(
    kind: Option<AnswerKind>,
    value: Option<&Value>,
    display: &str,
) -> Option<Vec<Value>> {
    let value = value?;
    let coding = |v: &Value, d: &str| json!({"valueCoding": {"code": v.to_string(), "display": d}});
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
