//! Text maps end to end: `--lang`, `CONFIDE_LANG` and the locale pick the language of
//! questions and summaries, falling back to the questionnaire's own language.

use crate::common::{Home, root, stderr, stdout};

fn dir() -> std::path::PathBuf {
    root().join("tests/fixtures/lang")
}

#[test]
fn lang_shows_questions_and_summary_in_that_language() {
    let home = Home::new();
    let out = home
        .cmd()
        .args([
            "take",
            "--plain",
            "--no-save",
            "--lang",
            "es",
            "--questionnaires",
        ])
        .arg(dir())
        .arg("bilingual")
        .write_stdin("1\n3\ny\n")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text.contains("Descanso\n========\nDos preguntas sobre el descanso."),
        "{text}"
    );
    assert!(text.contains("Descanso, 1 of 2: ¿Con qué frecuencia se sintió descansado?\n  1) Nunca\n  2) A veces\n  3) A menudo"), "{text}");
    assert!(
        text.contains(
            "Cansancio: Cansado. Sus respuestas sugieren que a menudo se sintió cansado."
        ),
        "{text}"
    );
    assert!(text.contains("- Dormir con regularidad."));
}

#[test]
fn a_language_without_text_falls_back_to_the_questionnaire_language() {
    let home = Home::new();
    let out = home
        .cmd()
        .args([
            "take",
            "--plain",
            "--no-save",
            "--lang",
            "fr",
            "--questionnaires",
        ])
        .arg(dir())
        .arg("bilingual")
        .write_stdin("3\n1\ny\n")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("Rest, 1 of 2: How often did you feel rested?"),
        "{text}"
    );
    assert!(text.contains("Tiredness: Rested."), "{text}");
}

#[test]
fn the_locale_and_confide_lang_pick_the_language_too() {
    let home = Home::new();
    let out = home
        .cmd()
        .env("LANG", "es_MX.UTF-8")
        .args(["list", "--questionnaires"])
        .arg(dir())
        .output()
        .unwrap();
    assert!(stdout(&out).contains("Descanso"), "{}", stdout(&out));
    let out = home
        .cmd()
        .env("CONFIDE_LANG", "es")
        .args(["list", "--format", "json", "--questionnaires"])
        .arg(dir())
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("\"description\": \"Un cuestionario en dos idiomas para pruebas\"")
    );
}

#[test]
fn a_bad_language_tag_is_a_usage_error() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["list", "--lang", "Spanish!"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("confide: error: `Spanish!` is not a language tag"));
}
