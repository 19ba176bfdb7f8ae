//! The format can express the scoring structure of published instruments (with placeholder
//! text only): a six-domain instrument with per-domain factors whose 0 option means "no
//! activity", and a five-item instrument with five score bands.

use confide::model::answer::Answer;
use confide::model::load::questionnaire_from_bytes;
use confide::model::questionnaire::Questionnaire;
use confide::model::range::scale_range;
use confide::scoring::{Earlier, ItemAnswers, score};

fn load(path: &str) -> Questionnaire {
    let bytes = std::fs::read(path).unwrap();
    match questionnaire_from_bytes(&bytes) {
        Ok(l) => l.questionnaire,
        Err(p) => panic!("{path}: {p:?}"),
    }
}

fn all(q: &Questionnaire, value: impl Fn(&str) -> i64) -> ItemAnswers {
    q.items
        .iter()
        .map(|i| (i.id().to_string(), Answer::Choice(value(i.id()))))
        .collect()
}

fn value(q: &Questionnaire, a: &ItemAnswers, scale: &str) -> Option<f64> {
    let scored = score(q, a, &Earlier::new());
    scored.scale(scale).and_then(|s| s.value)
}

fn band(q: &Questionnaire, a: &ItemAnswers, scale: &str) -> String {
    let scored = score(q, a, &Earlier::new());
    let (si, def) = q.scale(scale).unwrap();
    def.bands[scored.scales[si].band.unwrap()].id.clone()
}

#[test]
fn six_domain_ranges_follow_the_per_domain_factors() {
    let q = load("tests/fixtures/valid/six-domain.json");
    let ranges: Vec<(f64, f64)> = (0..q.scales.len())
        .map(|i| {
            let r = scale_range(&q, i).unwrap();
            (r.min, r.max)
        })
        .collect();
    assert_eq!(
        ranges,
        vec![
            (1.2, 6.0),
            (0.0, 6.0),
            (0.0, 6.0),
            (0.0, 6.0),
            (0.8, 6.0),
            (0.0, 6.0),
            (2.0, 36.0)
        ]
    );
}

#[test]
fn six_domain_highest_answers_give_six_per_domain_and_36_in_total() {
    let q = load("tests/fixtures/valid/six-domain.json");
    let a = all(&q, |_| 5);
    for d in ["a", "b", "c", "d", "e", "f"] {
        assert_eq!(
            value(&q, &a, &format!("domain_{d}")),
            Some(6.0),
            "domain {d}"
        );
    }
    assert_eq!(value(&q, &a, "total"), Some(36.0));
    assert_eq!(band(&q, &a, "total"), "above_cutoff");
}

#[test]
fn six_domain_no_activity_answers_score_zero_and_lower_the_total() {
    let q = load("tests/fixtures/valid/six-domain.json");
    // "No activity" (0) wherever it exists; the lowest option (1) elsewhere.
    let a = all(&q, |id| {
        if id.starts_with('a') || id == "e2" || id == "e3" {
            1
        } else {
            0
        }
    });
    assert_eq!(value(&q, &a, "domain_a"), Some(1.2));
    assert_eq!(value(&q, &a, "domain_b"), Some(0.0));
    assert_eq!(value(&q, &a, "domain_e"), Some(0.8));
    assert_eq!(value(&q, &a, "total"), Some(2.0));
    assert_eq!(band(&q, &a, "total"), "at_or_below_cutoff");
}

#[test]
fn six_domain_mixed_answers_apply_each_factor() {
    let q = load("tests/fixtures/valid/six-domain.json");
    // a: 3+4 = 7 * 0.6 = 4.2; b: 4*3 = 12 * 0.3 = 3.6; c: 4*2 = 8 * 0.3 = 2.4;
    // d: 3*5 = 15 * 0.4 = 6.0; e: 0+1+1 = 2 * 0.4 = 0.8; f: 3*4 = 12 * 0.4 = 4.8. Total 21.8.
    let a = all(&q, |id| match id {
        "a1" => 3,
        "a2" => 4,
        id if id.starts_with('b') => 3,
        id if id.starts_with('c') => 2,
        id if id.starts_with('d') => 5,
        "e1" => 0,
        "e2" | "e3" => 1,
        _ => 4,
    });
    let got: Vec<f64> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .map(|d| value(&q, &a, &format!("domain_{d}")).unwrap())
        .collect();
    assert_eq!(got, vec![4.2, 3.6, 2.4, 6.0, 0.8, 4.8]);
    assert_eq!(value(&q, &a, "total"), Some(21.8));
}

#[test]
fn six_domain_total_has_no_value_when_a_domain_has_none() {
    let q = load("tests/fixtures/valid/six-domain.json");
    let mut a = all(&q, |_| 5);
    a.remove("a1");
    assert_eq!(value(&q, &a, "domain_a"), None);
    assert_eq!(value(&q, &a, "total"), None);
}

#[test]
fn five_item_bands_split_at_7_11_16_and_21() {
    let q = load("tests/fixtures/valid/five-item.json");
    let cases = [
        (1, 1, 1, 1, 1, 5, "b1"),
        (1, 1, 1, 2, 2, 7, "b1"),
        (1, 1, 2, 2, 2, 8, "b2"),
        (2, 2, 2, 2, 3, 11, "b2"),
        (3, 3, 2, 2, 2, 12, "b3"),
        (4, 3, 3, 3, 3, 16, "b3"),
        (4, 4, 3, 3, 3, 17, "b4"),
        (5, 4, 4, 4, 4, 21, "b4"),
        (5, 5, 4, 4, 4, 22, "b5"),
        (5, 5, 5, 5, 5, 25, "b5"),
    ];
    for (i1, i2, i3, i4, i5, total, expected) in cases {
        let vals = [i1, i2, i3, i4, i5];
        let a = all(&q, |id| vals[id[1..].parse::<usize>().unwrap() - 1]);
        assert_eq!(value(&q, &a, "total"), Some(total as f64));
        assert_eq!(band(&q, &a, "total"), expected, "total {total}");
    }
}
