//! `confide validate`, `schema` and `list` as a user runs them.

use std::fs;

use crate::common::{Home, root, stderr, stdout};

#[test]
fn every_invalid_fixture_is_rejected_with_its_expected_message() {
    let home = Home::new();
    let dir = root().join("tests/fixtures/invalid");
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        count += 1;
        let expected = fs::read_to_string(path.with_extension("expected")).unwrap();
        let out = home.cmd().arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let text = stdout(&out);
        for line in expected.lines().filter(|l| !l.is_empty()) {
            let want = format!("{}: {line}", path.display());
            assert!(
                text.contains(&want),
                "{}:\nwant: {want}\ngot:  {text}",
                path.display()
            );
        }
        assert!(stderr(&out).contains("confide: error: the questionnaire has problems"));
        assert!(!text.contains("panicked") && !stderr(&out).contains("panicked"));
    }
    assert!(count >= 30, "only {count} invalid fixtures");
}

#[test]
fn the_bundled_questionnaires_are_valid() {
    let home = Home::new();
    let mut files: Vec<_> = fs::read_dir(root().join("questionnaires"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let out = home.cmd().arg("validate").args(&files).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for f in &files {
        assert!(text.contains(&format!("{}: ok", f.display())), "{text}");
    }
}

#[test]
fn the_instrument_structure_fixtures_are_valid() {
    let home = Home::new();
    let out = home
        .cmd()
        .arg("validate")
        .arg(root().join("tests/fixtures/valid/six-domain.json"))
        .arg(root().join("tests/fixtures/valid/five-item.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn valid_and_invalid_files_together_exit_2_and_report_each() {
    let home = Home::new();
    let good = root().join("tests/fixtures/valid/five-item.json");
    let bad = root().join("tests/fixtures/invalid/bad-semver.json");
    let out = home
        .cmd()
        .arg("validate")
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains(&format!("{}: ok", good.display())));
    assert!(text.contains(&format!("{}: /version:", bad.display())));
    assert!(stderr(&out).contains("1 of 2 questionnaires have problems"));
}

#[test]
fn a_missing_file_is_reported_clearly() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["validate", "no-such-file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("no-such-file.json: cannot read: no such file or folder"));
}

fn write(home: &Home, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = home.path().join(name);
    fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_file_that_is_not_utf8_gets_a_clear_error() {
    let home = Home::new();
    let p = write(&home, "latin1.json", b"{\"title\": \"Caf\xe9\"}");
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("line 1, column 15: file is not UTF-8 text"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_50_mb_file_is_refused_by_size() {
    let home = Home::new();
    let mut big = b"{\"format\": \"".to_vec();
    big.resize(50 * 1024 * 1024, b'x');
    let p = write(&home, "big.json", &big);
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("file is too large"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn nesting_10000_deep_is_refused_without_a_crash() {
    let home = Home::new();
    let text = format!(
        "{{\"items\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let p = write(&home, "deep.json", text.as_bytes());
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("nested too deeply"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_questionnaire_with_100000_items_is_refused_by_the_item_limit() {
    let home = Home::new();
    let items: Vec<String> = (0..100_000)
        .map(|i| format!("{{\"id\":\"i{i}\",\"type\":\"text\",\"text\":\"t\"}}"))
        .collect();
    let text = format!(
        "{{\"format\":\"confide.questionnaire/1\",\"id\":\"big\",\"version\":\"1.0.0\",\"language\":\"en\",\
         \"title\":\"t\",\"description\":\"d\",\"provenance\":{{\"kind\":\"original\"}},\"items\":[{}]}}",
        items.join(",")
    );
    assert!(text.len() > 1024 * 1024);
    let p = write(&home, "many.json", text.as_bytes());
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("file is too large"),
        "{}",
        stdout(&out)
    );
    // Under the size limit, the item limit speaks.
    let items: Vec<String> = (0..5_000)
        .map(|i| format!("{{\"id\":\"i{i}\",\"type\":\"text\",\"text\":\"t\"}}"))
        .collect();
    let text = text.replace(
        &text[text.find("\"items\":[").unwrap()..],
        &format!("\"items\":[{}]}}", items.join(",")),
    );
    let p = write(&home, "many2.json", text.as_bytes());
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert!(
        stdout(&out).contains("/items: 5000 items; the limit is 200"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn schema_prints_a_json_schema_of_the_format() {
    let home = Home::new();
    let out = home.cmd().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["title"],
        "confide questionnaire (confide.questionnaire/1)"
    );
    assert_eq!(schema["additionalProperties"], false);
    let item_kinds = serde_json::to_string(&schema["$defs"]["Item"]).unwrap();
    for kind in ["single_choice", "multi_choice", "number", "text", "display"] {
        assert!(item_kinds.contains(kind), "{kind}");
    }
}

#[test]
fn list_shows_bundled_and_custom_questionnaires() {
    let home = Home::new();
    let custom = home.path().join("mine");
    fs::create_dir_all(&custom).unwrap();
    fs::copy(
        root().join("tests/fixtures/valid/five-item.json"),
        custom.join("five.json"),
    )
    .unwrap();
    let out = home
        .cmd()
        .arg("list")
        .arg("--questionnaires")
        .arg(&custom)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("bundled"));
    let line = text
        .lines()
        .find(|l| l.starts_with("five-item"))
        .expect("custom listed");
    assert!(
        line.contains("1.0.0") && line.contains(" 5 ") && line.contains("five.json"),
        "{line}"
    );

    let out = home
        .cmd()
        .args(["list", "--format", "json"])
        .arg("--questionnaires")
        .arg(&custom)
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let five = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "five-item")
        .unwrap();
    assert_eq!(five["items"], 5);
    assert_eq!(five["version"], "1.0.0");
    assert!(five["source"].as_str().unwrap().ends_with("five.json"));
}

#[test]
fn list_reads_the_config_folder_and_skips_invalid_files_with_a_warning() {
    let home = Home::new();
    let dir = home.config().join("questionnaires");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(
        root().join("tests/fixtures/valid/five-item.json"),
        dir.join("five.json"),
    )
    .unwrap();
    fs::copy(
        root().join("tests/fixtures/invalid/bad-semver.json"),
        dir.join("broken.json"),
    )
    .unwrap();
    let out = home.cmd().arg("list").output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("five-item"));
    let err = stderr(&out);
    assert!(
        err.contains("confide: warning: skipping")
            && err.contains("broken.json")
            && err.contains("confide validate"),
        "{err}"
    );
}

#[test]
fn a_missing_questionnaire_folder_is_a_usage_error() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["list", "--questionnaires", "/no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("confide: error: cannot read questionnaire folder /no/such/folder"),
        "{err}"
    );
    assert!(err.contains("confide: hint:"));
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::process::{Command, Stdio};
    let home = Home::new();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("confide"))
        .arg("schema")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn bad_flags_are_a_usage_error() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["list", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = home.cmd().args(["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_documents_the_exit_codes() {
    let home = Home::new();
    let out = home.cmd().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for code in [
        "0    success",
        "2    invalid usage",
        "3    cannot decrypt",
        "4    damaged",
        "130  cancelled",
    ] {
        assert!(text.contains(code), "{code}");
    }
}

#[test]
fn the_worked_example_in_the_format_documentation_is_valid() {
    let home = Home::new();
    let doc = fs::read_to_string(root().join("docs/questionnaire-format.md")).unwrap();
    let start = doc.find("```json\n").unwrap() + 8;
    let end = start + doc[start..].find("```").unwrap();
    let p = home.path().join("example.json");
    fs::write(&p, &doc[start..end]).unwrap();
    let out = home.cmd().arg("validate").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
