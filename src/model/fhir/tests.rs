use serde_json::{Value, json};

use super::{export, import};
use crate::model::catalog::Catalog;

fn import_one(v: &Value) -> super::Imported {
    let mut outcomes = import(v).unwrap();
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0).result.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_bundled_questionnaire_survives_export_import_export() {
    let catalog = Catalog::bundled().unwrap();
    for e in &catalog.entries {
        let first = export(e.q()).resource;
        let imported = import_one(&first);
        assert!(
            imported.refused.is_empty(),
            "{}: {:?}",
            e.q().id,
            imported.refused
        );
        let second = export(&imported.questionnaire).resource;
        assert_eq!(first, second, "{}", e.q().id);
    }
}

#[test]
fn a_not_equal_condition_is_paired_with_the_item_being_answered() {
    let q = crate::model::load::questionnaire_from_value(json!({
        "format": "confide.questionnaire/1", "id": "q", "version": "1.0.0", "language": "en",
        "title": "Q", "description": "Q", "provenance": {"kind": "original"},
        "items": [
            {"id": "a", "type": "single_choice", "text": "A",
             "options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
            {"id": "b", "type": "text", "text": "B",
             "enable_when": {"all": [{"item": "a", "op": "!=", "value": 1}]}}
        ]
    }))
    .unwrap();
    let resource = export(&q.questionnaire).resource;
    let b = &resource["item"][1];
    assert_eq!(b["enableBehavior"], "all");
    assert_eq!(b["enableWhen"][0]["operator"], "!=");
    assert_eq!(
        b["enableWhen"][1],
        json!({"question": "a", "operator": "exists", "answerBoolean": true})
    );
}

#[test]
fn translations_travel_as_fhir_translation_extensions() {
    let q = crate::model::load::questionnaire_from_value(json!({
        "format": "confide.questionnaire/1", "id": "q", "version": "1.0.0", "language": "en",
        "title": {"en": "Sleep", "es": "Sueño"}, "description": "Q", "provenance": {"kind": "original"},
        "items": [{"id": "n", "type": "number", "text": {"en": "Hours?", "es": "¿Horas?"},
                   "min": 0, "max": 24, "decimals": 1, "unit": {"en": "hours", "es": "horas"}}]
    }))
    .unwrap();
    let resource = export(&q.questionnaire).resource;
    assert_eq!(resource["title"], "Sleep");
    assert_eq!(
        resource["_title"]["extension"][0]["extension"][1]["valueString"],
        "Sueño"
    );
    let back = import_one(&resource);
    assert_eq!(back.value["title"], json!({"en": "Sleep", "es": "Sueño"}));
    assert_eq!(
        back.value["items"][0]["unit"],
        json!({"en": "hours", "es": "horas"})
    );
    assert_eq!(back.value["items"][0]["decimals"], 1);
}
