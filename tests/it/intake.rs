//! The therapist workflow: intakes encrypted to a therapist's key, invitations, and
//! `confide report`, including interoperability with the reference Go `age` CLI.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{Home, age_keygen, have_age, profile, root, stderr, stdout};

const PASS: &str = "therapist passphrase for tests";

/// A client's `take --answers PROFILE --no-save` to `recipient`, written to `out`.
fn intake(
    home: &Home,
    name: &str,
    recipient: &str,
    out: &Path,
    extra: &[&str],
) -> std::process::Output {
    home.cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(profile(name))
        .args(["--to", recipient, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Like `intake`, for an intake that must be written.
#[track_caller]
fn intake_ok(home: &Home, name: &str, recipient: &str, out: &Path, extra: &[&str]) {
    let result = intake(home, name, recipient, out, extra);
    assert_eq!(result.status.code(), Some(0), "{name}: {}", stderr(&result));
}

fn report(home: &Home, args: &[&str], paths: &[&Path]) -> std::process::Output {
    home.cmd()
        .env("CONFIDE_PASSPHRASE", PASS)
        .arg("report")
        .args(paths)
        .args(args)
        .output()
        .unwrap()
}

/// `report --format json`, which must read every file.
#[track_caller]
fn report_json(home: &Home, paths: &[&Path]) -> Value {
    let out = report(home, &["--format", "json"], paths);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A vault key in confide's format, with a low scrypt work factor (for tests that do not
/// need the reference age and are not about making keys).
fn confide_key(home: &Home) -> String {
    home.fast_key(PASS)
}

fn fingerprint(recipient: &str) -> String {
    confide::store::fingerprint::fingerprint(recipient)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    fs::write(path, serde_json::to_vec(value).unwrap()).unwrap();
}

/// The `id` of each entry of a JSON array.
fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect()
}

#[test]
fn an_intake_to_an_age_keygen_key_decrypts_with_the_reference_age_to_a_valid_record() {
    if !have_age() {
        return;
    }
    let home = Home::new();
    let (key, recipient) = age_keygen(home.path(), "key.txt");
    let file = home.path().join("intake.age");
    let out = intake(
        &home,
        "frequent-severe-pain",
        &recipient,
        &file,
        &["--reference", "A-1042"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("Your answers are encrypted in {}", file.display())));
    let out = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["format"], "confide.response/1");
    assert_eq!(record["reference"], "A-1042");
    assert_eq!(ids(&record["questionnaires"]), ["context", "pain"]);
    // The same file through `confide report -i`.
    let out = report(
        &home,
        &["-i", key.to_str().unwrap(), "--format", "json"],
        &[&file],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rep: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rep["format"], "confide.report/1");
    assert_eq!(rep["sessions"][0]["id"], record["id"]);
    assert_eq!(rep["sessions"][0]["flags"][0]["level"], "see-a-clinician");
}

#[test]
fn a_file_that_age_encrypts_from_a_valid_record_is_reported() {
    if !have_age() {
        return;
    }
    let home = Home::new();
    let (key, recipient) = age_keygen(home.path(), "key.txt");
    let mine = home.path().join("mine.age");
    intake_ok(&home, "everything-fine", &recipient, &mine, &[]);
    let plain = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg(&mine)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let record = home.path().join("record.json");
    fs::write(&record, &plain.stdout).unwrap();
    let theirs = home.path().join("theirs.age");
    let out = Command::new("age")
        .args(["-r", &recipient, "-o"])
        .arg(&theirs)
        .arg(&record)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::remove_file(&record).unwrap();
    let out = report(&home, &["-i", key.to_str().unwrap()], &[&theirs]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("confide intake report"));
    assert!(text.contains("definition matches"));
}

#[test]
fn an_identity_protected_with_age_p_works_with_i() {
    if !have_age() {
        return;
    }
    let home = Home::new();
    let (key, recipient) = age_keygen(home.path(), "key.txt");
    let protected = home.path().join("key.age");
    // The reference age reads the passphrase from the terminal only.
    let mut cmd = Command::new("age");
    cmd.args(["-p", "-o"]).arg(&protected).arg(&key);
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    for _ in 0..2 {
        p.exp_string("passphrase").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(400));
        p.send_line(PASS).unwrap();
    }
    p.exp_eof().unwrap();
    drop(p); // its reader polls the finished terminal until dropped
    assert!(
        fs::read(&protected)
            .unwrap()
            .starts_with(b"age-encryption.org/v1")
    );
    let file = home.path().join("intake.age");
    intake_ok(&home, "performance-anxiety", &recipient, &file, &[]);
    let out = report(
        &home,
        &["-i", protected.to_str().unwrap(), "--format", "csv"],
        &[&file],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split("\r\n").filter(|l| !l.is_empty()).count(),
        2
    );
    // The wrong passphrase is exit 3.
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", "not it")
        .arg("report")
        .arg(&file)
        .arg("-i")
        .arg(&protected)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn an_armored_intake_is_text_that_report_and_age_read() {
    let home = Home::new();
    let recipient = confide_key(&home);
    let file = home.path().join("intake.txt");
    let out = intake(&home, "no-activity", &recipient, &file, &["--armor"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(
        text.trim_end()
            .ends_with("-----END AGE ENCRYPTED FILE-----")
    );
    let out = report(&home, &[], &[&file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_intake_is_encrypted_to_the_client_too_only_when_they_keep_a_copy() {
    let home = Home::new();
    let mine = confide_key(&home);
    let therapist = Home::new();
    let their_key = confide_key(&therapist);

    // A copy kept in the vault: the intake is encrypted to both keys, and says so.
    let file = home.path().join("intake.age");
    let out = home
        .cmd()
        .args(["take", "--answers"])
        .arg(profile("no-activity"))
        .args(["--to", &their_key, "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "It is encrypted to exactly 2 keys, and only their holders can open it:\n  {}  the key you were given\n  {}  your own vault key",
            fingerprint(&their_key),
            fingerprint(&mine)
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "and to your own vault key (fingerprint {}), because you keep a copy.",
            fingerprint(&mine)
        )),
        "shown before the questions too: {err}"
    );
    assert_eq!(
        report(&home, &[], &[&file]).status.code(),
        Some(0),
        "the client's own key opens it"
    );
    assert_eq!(
        report(&therapist, &[], &[&file]).status.code(),
        Some(0),
        "the therapist's key opens it"
    );

    // --no-save: no copy, so only the therapist's key.
    let file = home.path().join("intake-only.age");
    let out = intake(&home, "no-activity", &their_key, &file, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "It is encrypted to exactly one key, and only its holder can open it:\n  {}  the key you were given\n",
            fingerprint(&their_key)
        )),
        "{err}"
    );
    assert!(!err.contains("your own vault key"), "{err}");
    assert_eq!(report(&home, &[], &[&file]).status.code(), Some(3));
    assert_eq!(report(&therapist, &[], &[&file]).status.code(), Some(0));
}

#[test]
fn an_existing_out_file_is_never_overwritten_and_nothing_is_asked() {
    let home = Home::new();
    let recipient = confide_key(&home);
    let file = home.path().join("intake.age");
    fs::write(&file, b"keep me").unwrap();
    let out = home
        .cmd()
        .args(["take", "--plain", "--no-save", "--to", &recipient, "--out"])
        .arg(&file)
        .write_stdin("1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"));
    assert!(!stdout(&out).contains(", 1 of "), "no question was asked");
    assert_eq!(fs::read(&file).unwrap(), b"keep me");
}

#[test]
fn a_bad_recipient_is_refused_before_any_question() {
    let home = Home::new();
    for (to, message) in [
        ("age1xyz", "is not a valid age recipient"),
        (
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            "is a secret key",
        ),
        ("ssh-ed25519 AAAA", "is an SSH key"),
    ] {
        let out = home
            .cmd()
            .args(["take", "--plain", "--no-save", "--to", to])
            .write_stdin("1\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{to}");
        assert!(stderr(&out).contains(message), "{to}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("QQQQQQQQ"),
            "a secret is never echoed"
        );
        assert!(!stdout(&out).contains(", 1 of "));
    }
}

#[test]
fn the_options_of_an_intake_file_need_a_recipient() {
    let home = Home::new();
    let fp = fingerprint(&confide_key(&Home::new()));
    let answers = profile("no-activity");
    let answers = answers.to_str().unwrap();
    for (args, message) in [
        (vec!["--armor"], "--armor is for an intake file"),
        (
            vec!["--answers", answers, "--expect-fingerprint", &fp],
            "--expect-fingerprint is for an intake file",
        ),
    ] {
        let out = home
            .cmd()
            .args(["take", "--no-save"])
            .args(&args)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_folder_report_lists_unreadable_files_and_still_reports_the_rest() {
    let home = Home::new();
    let recipient = confide_key(&home);
    let other = Home::new();
    let other_key = confide_key(&other);
    let dir = home.path().join("intakes");
    fs::create_dir_all(&dir).unwrap();
    for (name, file) in [("no-activity", "a.age"), ("everything-fine", "b.age")] {
        intake_ok(
            &home,
            name,
            &recipient,
            &dir.join(file),
            &["--reference", "R-1"],
        );
    }
    // Made by someone without a vault, for another key only.
    let stranger = Home::new();
    intake_ok(
        &stranger,
        "no-activity",
        &other_key,
        &dir.join("c-other.age"),
        &[],
    );
    let good = fs::read(dir.join("a.age")).unwrap();
    fs::write(dir.join("d-truncated.age"), &good[..good.len() / 2]).unwrap();
    fs::write(dir.join("e-foreign.age"), b"not an age file at all").unwrap();
    fs::write(dir.join("notes.txt"), b"ignored").unwrap();
    let out = report(&home, &[], &[&dir]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "the worst failure decides: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert_eq!(text.matches("confide intake report").count(), 2, "{text}");
    let failures = &text[text.find("Files that could not be read").unwrap()..];
    assert!(failures.contains("c-other.age"), "{failures}");
    assert!(failures.contains("d-truncated.age"));
    assert!(failures.contains("e-foreign.age"));
    assert!(!failures.contains("notes.txt"));
    assert!(text.contains("Summary by reference\n  R-1\n"), "{text}");
    assert!(stderr(&out).contains("confide: error: 3 of 5 files could not be read"));
    // Only files for another key: exit 3.
    let out = report(&home, &[], &[&dir.join("c-other.age")]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn csv_and_fhir_exports_of_several_intakes() {
    let home = Home::new();
    let recipient = confide_key(&home);
    let dir = home.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    let profiles = [
        "no-activity",
        "unsafe-communication",
        "frequent-severe-pain",
    ];
    for (i, name) in profiles.iter().enumerate() {
        let file = dir.join(format!("{i}.age"));
        let refused = intake(&home, name, &recipient, &file, &["--reference", "=1+2"]);
        assert_eq!(refused.status.code(), Some(2), "a reference is a code");
        intake_ok(&home, name, &recipient, &file, &["--reference", "K-9"]);
    }
    let out = report(&home, &["--format", "csv"], &[&dir]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    check_csv_of_three(&stdout(&out));

    let out = report(&home, &["--format", "fhir"], &[&dir]);
    assert_eq!(out.status.code(), Some(0));
    let flags: usize = report_json(&home, &[&dir])["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["flags"].as_array().unwrap().len())
        .sum();
    assert!(flags >= 4, "the unsafe profile raises flags");
    check_fhir_of_three(&serde_json::from_slice(&out.stdout).unwrap(), flags);
    let dir_out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fhir-samples");
    fs::create_dir_all(&dir_out).unwrap();
    fs::write(dir_out.join("report-cli.json"), &out.stdout).unwrap();

    let out = report(&home, &["--format", "markdown"], &[&dir]);
    assert!(stdout(&out).contains("## Summary by reference"));
}

/// The CSV of the intakes no-activity, unsafe-communication and frequent-severe-pain: a
/// header and a row each, urgent flags counted in the fifth column.
fn check_csv_of_three(csv: &str) {
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("file,session,created,reference,urgent,flags,safety_screen,context.strain,context.strain.band,context.relationship,context.relationship.band,mood.phq2,mood.phq2.band,mood.gad2,mood.gad2.band,desire.desire"));
    let urgent: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(4).unwrap())
        .collect();
    assert_eq!(urgent, ["0", "4", "0"]);
}

/// The FHIR Bundle of the same three intakes, which raise `flags` flags in all.
fn check_fhir_of_three(bundle: &Value, flags: usize) {
    assert_eq!(bundle["resourceType"], "Bundle");
    let count = |t: &str| {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource"]["resourceType"] == t)
            .count()
    };
    assert_eq!(
        count("QuestionnaireResponse"),
        5 + 2 + 2,
        "a resource per questionnaire taken"
    );
    let screens = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["code"]["coding"][0]["code"] == "safety-screen")
        .count();
    assert_eq!(screens, 3, "a safety screen per intake");
    assert_eq!(count("Flag"), flags, "a Flag per flag");
}

#[test]
fn report_without_a_key_says_how_to_give_one() {
    let home = Home::new();
    let file = home.path().join("x.age");
    fs::write(&file, b"age-encryption.org/v1\n").unwrap();
    let out = home.cmd().arg("report").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-i FILE"), "{}", stderr(&out));
}

fn invite(home: &Home, recipient: &str, extra: &[&str]) -> PathBuf {
    let file = home.path().join("invitation.json");
    let out = home
        .cmd()
        .args([
            "invite",
            "--to",
            recipient,
            "--reference",
            "C-7",
            "--practice",
            "Riverside Therapy",
            "--message",
            "Please answer before we meet.",
        ])
        .args(extra)
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    file
}

/// A client's plain-mode answers to an invitation to `pain` (with `context`): activity:
/// partner; partner: one; skip the rest of context (the invitation gives the topics: pain);
/// pain: often...
const PAIN_INPUT: &str = "1\n1\n\n\n\n\n\n\n\n\n\n\n4\n4\n\n\n\n\n\n\n\n\ny\n";

/// A client takes an invitation to `pain` in plain mode, answering with `PAIN_INPUT`.
fn take_pain_invitation(client: &Home, inv: &Path, extra: &[&str], out: &Path) -> Output {
    client
        .cmd()
        .args(["take", "--plain", "--invite"])
        .arg(inv)
        .args(extra)
        .arg("--out")
        .arg(out)
        .write_stdin(PAIN_INPUT)
        .output()
        .unwrap()
}

/// `take --no-save --invite FILE` with nothing to read on standard input.
fn take_invitation(home: &Home, inv: &Path) -> Output {
    home.cmd()
        .args(["take", "--no-save", "--invite"])
        .arg(inv)
        .write_stdin("")
        .output()
        .unwrap()
}

#[test]
fn an_invitation_runs_exactly_its_questionnaires_and_the_report_shows_its_reference() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let inv = invite(&therapist, &key, &["--questionnaires", "pain"]);
    let doc = read_json(&inv);
    assert_eq!(doc["format"], "confide.invitation/1");
    assert_eq!(
        ids(&doc["questionnaires"]),
        ["context", "pain"],
        "context comes along because pain uses it"
    );

    let client = Home::new();
    let out_file = client.path().join("for-therapist.age");
    let out = take_pain_invitation(&client, &inv, &[], &out_file);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    check_what_the_invited_client_sees(&stdout(&out), &stderr(&out), &key);

    let rep = report_json(&therapist, &[&out_file]);
    assert_eq!(rep["sessions"][0]["reference"], "C-7");
    assert_eq!(
        rep["sessions"][0]["questionnaires"][1]["definition"],
        "matches"
    );
}

/// What a client reads when taking an invitation to `key` without a terminal: the welcome
/// with the key, the message (the practice name marked as not checked) and the reference
/// before the first question, the invited questionnaires only, and the key the answers
/// went to.
fn check_what_the_invited_client_sees(text: &str, err: &str, key: &str) {
    let fp = fingerprint(key);
    assert!(text.starts_with("Welcome to confide\n"), "{text}");
    let block = text
        .find(&format!(
            "Your answers will be encrypted to this key:\n  {key}\n  fingerprint {fp}\n"
        ))
        .expect("the key is shown");
    let first = text.find(", 1 of ").expect("a question");
    assert!(block < first, "the key comes before any question: {text}");
    assert!(
        text.contains(
            "Message from the invitation (not checked by confide):\n│ From: Riverside Therapy\n│ Please answer before we meet.\nReference: C-7\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("The fingerprint was not confirmed: there is no terminal to ask."),
        "{text}"
    );
    assert!(
        !text.contains("Desire\n======"),
        "only the invited questionnaires"
    );
    assert!(
        err.contains(&format!(
            "It is encrypted to exactly one key, and only its holder can open it:\n  {fp}  the key you were given\n"
        )),
        "{err}"
    );
    assert!(
        !err.contains("Riverside"),
        "the practice name is not trusted"
    );
}

#[test]
fn an_invitation_changed_on_the_way_is_refused_with_what_is_wrong() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let inv = invite(&therapist, &key, &["--questionnaires", "desire"]);
    let original = read_json(&inv);
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, &str); 6] = [
        (
            "a changed question no longer matches its hash",
            |d| {
                d["questionnaires"][1]["definition"]["items"][0]["text"] =
                    "A different question".into()
            },
            "/questionnaires/1/sha256: the questionnaire does not match its hash",
        ),
        (
            "a recipient that is not one",
            |d| d["recipient"] = "age1notarecipient".into(),
            "the invitation's recipient",
        ),
        (
            "an invalid questionnaire",
            |d| d["questionnaires"][1]["definition"]["items"][0]["type"] = "slider".into(),
            "/questionnaires/1/definition/items/0/type: unknown value `slider`",
        ),
        (
            "a practice name on two lines",
            |d| d["practice"] = "Riverside\nfingerprint AAAA-AAAA-AAAA-AAAA".into(),
            "/practice: a practice name is one line",
        ),
        (
            "a practice name with a control character",
            |d| d["practice"] = "Riverside\u{7}".into(),
            "/practice: text contains control characters",
        ),
        (
            "a message over the limit",
            |d| d["message"] = "x".repeat(2001).into(),
            "/message: 2001 characters; the limit is 2000",
        ),
    ];
    for (name, edit, message) in cases {
        let mut doc = original.clone();
        edit(&mut doc);
        write_json(&inv, &doc);
        let out = take_invitation(&therapist, &inv);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains(message), "{name}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "",
            "{name}: nothing shown from the invitation"
        );
        // Problems found in the file are listed by their place, then one error sums up.
        let err = stderr(&out);
        let listed = message.starts_with('/');
        assert!(
            !listed || err.contains("confide: error: the invitation is not valid and was not used"),
            "{name}: {err}"
        );
    }
}

#[test]
fn invite_embeds_a_custom_questionnaire_file_and_checks_its_arguments() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let inv = invite(
        &therapist,
        &key,
        &[
            "--questionnaire-file",
            root()
                .join("tests/fixtures/interview/checkin.json")
                .to_str()
                .unwrap(),
        ],
    );
    let doc = read_json(&inv);
    assert_eq!(doc["questionnaires"][0]["id"], "checkin");
    assert_eq!(doc["questionnaires"][0]["definition"]["title"], "Check-in");
    for (args, message) in [
        (vec!["--to", "age1bad"], "is not a valid age recipient"),
        (
            vec!["--to", &key, "--reference", "Jane Doe"],
            "a reference must be",
        ),
        (
            vec!["--to", &key, "--questionnaires", "nope"],
            "unknown questionnaire `nope`",
        ),
        (
            vec!["--to", &key, "--questionnaire-file", "/no/such.json"],
            "is not a valid questionnaire",
        ),
    ] {
        let out = therapist.cmd().arg("invite").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    // Without --out, the invitation goes to standard output.
    let out = therapist
        .cmd()
        .args(["invite", "--to", &key])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["questionnaires"].as_array().unwrap().len(), 7);
}

#[test]
fn an_answers_file_reference_travels_with_the_intake() {
    let home = Home::new();
    let recipient = confide_key(&home);
    let answers = home.path().join("answers.json");
    let mut v = read_json(&profile("no-activity"));
    v["reference"] = "R-5".into();
    write_json(&answers, &v);
    let file = home.path().join("intake.age");
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(&answers)
        .args(["--to", &recipient, "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        report_json(&home, &[&file])["sessions"][0]["reference"],
        "R-5"
    );
    let out = home
        .cmd()
        .args(["take", "--no-save", "--reference", "R-6", "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("differs from the answers file's reference"));
}

#[test]
fn an_invitation_redirected_to_another_key_is_refused_before_any_question() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let inv = invite(&therapist, &key, &["--questionnaires", "pain"]);
    // On the way, someone puts their own key in the invitation: the questionnaires and
    // their hashes are untouched, so only the fingerprint can tell.
    let mallory = Home::new();
    let their_key = confide_key(&mallory);
    let mut doc = read_json(&inv);
    doc["recipient"] = their_key.clone().into();
    let redirected = therapist.path().join("redirected.json");
    write_json(&redirected, &doc);

    let client = Home::new();
    let out_file = client.path().join("for-therapist.age");
    let told = fingerprint(&key);
    let out = take_pain_invitation(
        &client,
        &redirected,
        &["--expect-fingerprint", &told],
        &out_file,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the fingerprint of the key your answers would be encrypted to is {}, not the one you expected; nothing was asked",
            fingerprint(&their_key)
        )),
        "{err}"
    );
    assert!(!stdout(&out).contains(", 1 of "), "no question was asked");
    assert!(!out_file.exists());
    assert!(!client.data().exists(), "nothing was saved");

    // The real invitation, with the fingerprint as read out on the phone.
    let spoken = told.to_lowercase().replace('-', " ");
    let out = take_pain_invitation(&client, &inv, &["--expect-fingerprint", &spoken], &out_file);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("The fingerprint is the one given with --expect-fingerprint."),
        "{text}"
    );
    assert!(!text.contains("was not confirmed"), "{text}");
    assert_eq!(report(&therapist, &[], &[&out_file]).status.code(), Some(0));
}

#[test]
fn expect_fingerprint_checks_each_recipient_of_an_intake_file() {
    let home = Home::new();
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let file = home.path().join("intake.age");
    let fp = fingerprint(&key);
    for (given, message) in [
        ("0000-0000-0000-0000", "not the one you expected"),
        ("SXZ5-D0HH", "is not a fingerprint"),
        ("\u{1b}[31m", "is not a fingerprint"),
    ] {
        let out = intake(
            &home,
            "no-activity",
            &key,
            &file,
            &["--expect-fingerprint", given],
        );
        assert_eq!(out.status.code(), Some(2), "{given}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{given}: {}", stderr(&out));
        assert!(!stderr(&out).contains('\u{1b}'));
        assert_eq!(stdout(&out), "", "no summary");
        assert!(!file.exists());
    }

    // Two recipients: one fingerprint each.
    let second = confide_key(&Home::new());
    let out = intake(
        &home,
        "no-activity",
        &key,
        &file,
        &["--to", &second, "--expect-fingerprint", &fp],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = intake(
        &home,
        "no-activity",
        &key,
        &file,
        &[
            "--to",
            &second,
            "--expect-fingerprint",
            &fp,
            "--expect-fingerprint",
            &fingerprint(&second),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("It is encrypted to exactly 2 keys"));
    fs::remove_file(&file).unwrap();

    // Without the flag an answers file still works, with the fingerprint and a note.
    let out = intake(&home, "no-activity", &key, &file, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "Your answers will be encrypted to this key:\n  {key}\n  fingerprint {fp}\n"
        )),
        "{err}"
    );
    assert!(err.contains("The fingerprint was not confirmed"), "{err}");
}

#[test]
fn invite_prints_the_fingerprint_for_the_therapist_to_tell_the_client() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    let fp = crate::keys::fingerprint_by_python(&key).unwrap_or_else(|| fingerprint(&key));
    let file = therapist.path().join("inv.json");
    let out = therapist
        .cmd()
        .args(["invite", "--to", &key, "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let told = format!(
        "The fingerprint of the key {key} is {fp}.\nTell it to your client by phone or in person"
    );
    assert!(stderr(&out).contains(&told), "{}", stderr(&out));
    let out = therapist
        .cmd()
        .args(["invite", "--to", &key])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains(&told), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("fingerprint"),
        "stdout is the invitation alone"
    );
}

/// `take` refuses the same in an invitation file
/// (`an_invitation_changed_on_the_way_is_refused_with_what_is_wrong`).
#[test]
fn a_practice_name_on_several_lines_or_a_long_message_is_refused_by_invite() {
    let therapist = Home::new();
    let key = confide_key(&therapist);
    for (flag, value, message) in [
        (
            "--practice",
            "Riverside\nYour answers will be encrypted to this key:".to_owned(),
            "--practice: a practice name is one line",
        ),
        (
            "--practice",
            "Riverside\u{2028}Therapy".to_owned(),
            "--practice: a practice name is one line",
        ),
        (
            "--practice",
            "Riverside\u{1b}[2J".to_owned(),
            "--practice: text contains control characters",
        ),
        (
            "--message",
            "x".repeat(2001),
            "--message: 2001 characters; the limit is 2000",
        ),
    ] {
        let out = therapist
            .cmd()
            .args(["invite", "--to", &key, flag, &value])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains(message), "{flag}: {}", stderr(&out));
    }
    let out = therapist
        .cmd()
        .args(["invite", "--to", &key, "--message", &"x".repeat(2000)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// The client confirms the fingerprint in a terminal before the first question.
mod terminal {
    use std::process::Command;

    use super::*;
    use crate::common::exit_code;
    use rexpect::reader::Options;
    use rexpect::session::PtySession;

    fn invitation() -> (Home, String, PathBuf) {
        let therapist = Home::new();
        let key = confide_key(&therapist);
        let checkin = root().join("tests/fixtures/interview/checkin.json");
        let inv = invite(
            &therapist,
            &key,
            &["--questionnaire-file", checkin.to_str().unwrap()],
        );
        (therapist, key, inv)
    }

    fn spawn(client: &Home, args: &[&str], inv: &Path) -> PtySession {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("confide"));
        cmd.args(["take", "--no-save"])
            .args(args)
            .arg("--invite")
            .arg(inv)
            .arg("--out")
            .arg(client.path().join("intake.age"))
            .current_dir(client.path())
            .env("HOME", client.path())
            .env("XDG_CONFIG_HOME", client.path().join("config"))
            .env("XDG_DATA_HOME", client.path().join("data"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("CONFIDE_DATA_DIR")
            .env_remove("CONFIDE_PASSPHRASE");
        let options = Options::new()
            .timeout_ms(Some(30_000))
            .strip_ansi_escape_codes(true);
        rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty")
    }

    /// Answers after a moment: a line in plain mode, a key in the terminal prompter.
    fn answer(p: &mut PtySession, plain: bool, line: &str, key: &str) {
        std::thread::sleep(std::time::Duration::from_millis(300));
        if plain {
            p.send_line(line).unwrap();
        } else {
            p.send(key).unwrap();
            p.flush().unwrap();
        }
    }

    #[test]
    fn no_at_the_fingerprint_question_ends_before_any_question() {
        let (_therapist, key, inv) = invitation();
        let fp = fingerprint(&key);
        for plain in [false, true] {
            let client = Home::new();
            let args: &[&str] = if plain { &["--plain"] } else { &[] };
            let mut p = spawn(&client, args, &inv);
            let before = p.exp_string("Does this match what your").unwrap();
            assert!(before.contains(&format!("fingerprint {fp}")), "{before}");
            assert!(
                before.contains(&format!("The fingerprint is {fp}.")),
                "the question repeats it: {before}"
            );
            answer(&mut p, plain, "n", "n");
            let rest = p.exp_eof().unwrap();
            assert_eq!(exit_code(&p), Some(2), "plain {plain}: {rest}");
            assert!(
                rest.contains("you said the fingerprint does not match"),
                "{rest}"
            );
            assert!(!rest.contains("How often did you feel calm?"), "{rest}");
            assert!(!client.path().join("intake.age").exists());
        }
    }

    #[test]
    fn yes_at_the_fingerprint_question_goes_on_to_the_questions() {
        let (_therapist, _key, inv) = invitation();
        for plain in [false, true] {
            let client = Home::new();
            let args: &[&str] = if plain { &["--plain"] } else { &[] };
            let mut p = spawn(&client, args, &inv);
            p.exp_string("Does this match what your").unwrap();
            answer(&mut p, plain, "y", "y");
            // Then the person begins.
            p.exp_string("Press Enter to begin, or q to leave.")
                .unwrap();
            answer(&mut p, plain, "", "\r");
            p.exp_string("How often did you feel calm?").unwrap();
            // Leave at the first question.
            answer(&mut p, plain, "q", "\x1b");
            p.exp_eof().unwrap();
            assert_eq!(exit_code(&p), Some(130), "plain {plain}");
        }
    }
}
