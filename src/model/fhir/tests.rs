use serde_json::{Value, json};

use super::{export, import};
use crate::model::catalog::Catalog;
use crate::model::load::questionnaire_from_value;

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
fn debug_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fhir");
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for o in import(&v).unwrap() {
            match o.result {
                Ok(i) => {
                    eprintln!(
                        "== {}: {} items, {} scales",
                        p.display(),
                        i.questionnaire.items.len(),
                        i.questionnaire.scales.len()
                    );
                    for r in &i.refused {
                        eprintln!("  refused {}: {}", r.link_id, r.reason);
                    }
                    for n in &i.notes {
                        eprintln!("  note {n}");
                    }
                    let e1 = export(&i.questionnaire).resource;
                    let again = import_one(&e1);
                    assert!(again.refused.is_empty(), "{:?}", again.refused);
                    let e2 = export(&again.questionnaire).resource;
                    assert_eq!(e1, e2, "{}", p.display());
                    questionnaire_from_value(i.value).unwrap();
                }
                Err(e) => eprintln!("== {}: ERROR {e}", p.display()),
            }
        }
    }
    let _ = json!({});
}
