//! The encrypted vault as a user meets it: `keys`, `history`, `show`, `delete`, the files on
//! disk, every error, and interoperability with the reference Go `age` CLI.
//!
//! Sessions are made with the library (`Vault::save_session`), exactly as `take` saves them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{self, Home, stderr, stdout};
use confide::model::response::{
    AnswerRecord, AnswerStatus, FlagRecord, QuestionnaireRecord, RESPONSE_FORMAT, Response,
    ScoreRecord, Tool,
};
use confide::store::vault::Vault;

const PASS: &str = "correct horse battery staple";
/// An answer nobody else would write: it must never be found outside the age files.
const SECRET_ANSWER: &str = "zebra-umbrella-41973 I have never told anyone";

fn score(scale: &str, value: Option<f64>, band: Option<&str>) -> ScoreRecord {
    ScoreRecord {
        scale: scale.into(),
        value,
        band: band.map(Into::into),
        valid: value.is_some(),
        answered: 2,
        parts: 2,
    }
}

/// A record with the bundled `desire` questionnaire (scale `desire`, a mean, 0 to 4) and a custom
/// `mood` questionnaire (scale `calm`).
fn record(created: &str, ease: Option<f64>, calm: f64) -> Response {
    let band = ease.map(|v| if v <= 1.2 { "rare" } else { "sometimes" });
    Response {
        format: RESPONSE_FORMAT.into(),
        id: uuid::Uuid::new_v4().to_string(),
        created: created.into(),
        tool: Tool {
            name: "confide".into(),
            version: "0.1.0".into(),
        },
        reference: None,
        language: "en".into(),
        questionnaires: vec![
            QuestionnaireRecord {
                id: "desire".into(),
                version: "1.0.0".into(),
                sha256: "0".repeat(64),
                answers: vec![
                    AnswerRecord {
                        item: "interest".into(),
                        status: AnswerStatus::Answered,
                        value: Some(serde_json::json!(2)),
                        derived: false,
                    },
                    AnswerRecord {
                        item: "solo".into(),
                        status: AnswerStatus::Declined,
                        value: None,
                        derived: false,
                    },
                ],
                scores: vec![score("desire", ease, band)],
                flags: vec![FlagRecord {
                    id: "desire_distress".into(),
                    level: "suggestion".into(),
                }],
            },
            QuestionnaireRecord {
                id: "mood".into(),
                version: "2.0.0".into(),
                sha256: "1".repeat(64),
                answers: vec![AnswerRecord {
                    item: "m9".into(),
                    status: AnswerStatus::Answered,
                    value: Some(serde_json::json!(SECRET_ANSWER)),
                    derived: false,
                }],
                scores: vec![score("calm", Some(calm), Some("mid"))],
                flags: vec![],
            },
        ],
    }
}

/// `confide` with the passphrase in the environment.
fn confide(home: &Home) -> assert_cmd::Command {
    let mut c = home.cmd();
    c.env("CONFIDE_PASSPHRASE", PASS);
    c
}

/// A key with a low scrypt work factor, for the tests that are not about making keys;
/// returns the recipient.
fn init(home: &Home) -> String {
    home.fast_key(PASS)
}

/// Creates the key with `keys init` (scrypt at confide's own work factor); returns the
/// recipient printed.
fn keys_init(home: &Home) -> String {
    let out = confide(home).args(["keys", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).trim().to_owned()
}

fn vault(home: &Home) -> Vault {
    Vault::at(home.data())
}

fn save(home: &Home, r: &Response) -> String {
    vault(home).save_session(r).unwrap().id
}

fn session_path(home: &Home, id: &str) -> PathBuf {
    home.data().join("sessions").join(format!("{id}.age"))
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file under `dir` (recursively) whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(files_containing(&p, needle));
        } else if fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle)) {
            found.push(p);
        }
    }
    found
}

fn assert_one_error_line(err: &str) {
    assert!(err.starts_with("confide: error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("Error {") && !err.contains("DecryptError"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// keys

#[test]
fn keys_init_creates_a_private_key_and_prints_the_recipient() {
    let home = Home::new();
    let recipient = keys_init(&home);
    assert!(
        recipient.starts_with("age1") && recipient.len() == 62,
        "{recipient}"
    );
    let data = home.data();
    assert_eq!(
        fs::read_to_string(data.join("recipient.txt")).unwrap(),
        format!("{recipient}\n")
    );
    let identity = fs::read(data.join("identity.age")).unwrap();
    let header = String::from_utf8_lossy(&identity[..identity.len().min(80)]).into_owned();
    let stanza = header.lines().nth(1).unwrap_or_default();
    assert!(
        stanza.starts_with("-> scrypt ") && stanza.ends_with(" 18"),
        "{header}"
    );
    assert!(files_containing(&data, b"AGE-SECRET-KEY").is_empty());
    #[cfg(unix)]
    {
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("identity.age")), 0o600);
        assert_eq!(mode(&data.join("recipient.txt")), 0o600);
    }

    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{recipient}\n"),
        "no passphrase needed"
    );

    let out = confide(&home).args(["keys", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "confide: error: a key already exists in {}\n",
            data.display()
        )),
        "{err}"
    );
    assert!(err.contains("confide: hint: "), "{err}");
    assert_eq!(fs::read(data.join("identity.age")).unwrap(), identity);
}

#[test]
fn keys_init_without_a_terminal_or_passphrase_source_is_a_usage_error() {
    let home = Home::new();
    let out = home.cmd().args(["keys", "init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_one_error_line(&err);
    assert!(err.contains("there is no terminal to ask for it"), "{err}");
    assert!(
        err.contains("confide: hint: pass --passphrase-file FILE"),
        "{err}"
    );
    assert!(!home.data().join("identity.age").exists());
}

#[test]
fn the_data_dir_comes_from_the_flag_the_variable_or_xdg() {
    // A different key in each candidate folder: `keys recipient` names the folder it read.
    let home = Home::new();
    let flag = home.path().join("by-flag");
    let env = home.path().join("by-env");
    let by_flag = common::fast_key(&flag, PASS);
    let by_env = common::fast_key(&env, PASS);
    let by_xdg = init(&home);
    let recipient = |c: &mut assert_cmd::Command| {
        let out = c.args(["keys", "recipient"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out).trim().to_owned()
    };
    assert_eq!(
        recipient(
            confide(&home)
                .env("CONFIDE_DATA_DIR", &env)
                .arg("--data-dir")
                .arg(&flag)
        ),
        by_flag,
        "the flag wins over the variable"
    );
    assert_eq!(
        recipient(confide(&home).env("CONFIDE_DATA_DIR", &env)),
        by_env
    );
    assert_eq!(
        recipient(&mut confide(&home)),
        by_xdg,
        "XDG_DATA_HOME/confide"
    );
    // `keys init` writes where the flag says.
    let new = home.path().join("new");
    let out = confide(&home)
        .args(["keys", "init", "--data-dir"])
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(new.join("identity.age").exists());
}

#[test]
fn a_passphrase_file_or_its_variable_unlocks_and_only_its_first_line_counts() {
    let home = Home::new();
    init(&home);
    save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let file = home.path().join("pass.txt");
    fs::write(&file, format!("{PASS}\nsecond line is ignored\n")).unwrap();
    let out = home
        .cmd()
        .args(["history", "--passphrase-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 saved session"));
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE_FILE", &file)
        .arg("history")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------
// history, show, delete

#[test]
fn history_shows_every_session_with_values_bands_and_trends() {
    let home = Home::new();
    init(&home);
    let a = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    let b = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let c = save(&home, &record("2026-12-02T18:30:00Z", None, 7.5));

    let out = confide(&home).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("3 saved sessions, oldest first\n"),
        "{text}"
    );
    let id8 = |s: &str| s.rsplit('-').next().unwrap().to_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.iter().all(|l| l.chars().count() <= 80),
        "fits 80 columns: {text}"
    );
    let at = |id: &str| lines.iter().position(|l| l.contains(&id8(id))).unwrap();
    let first = lines[at(&a)];
    assert!(first.starts_with("2026-11-01 09:00"), "{first}");
    assert!(first.contains("desire, mood"), "{first}");
    let scale = lines[at(&a) + 1];
    assert!(
        scale.starts_with("  Desire ") && scale.contains(" 0.5  Rarely present"),
        "{text}"
    );
    assert!(
        lines[at(&b) + 1].contains(" 1.5  Present now and then"),
        "{text}"
    );
    assert!(
        lines[at(&c) + 1].contains("-  not enough answers"),
        "{text}"
    );
    assert!(
        text.contains("mood.calm"),
        "unknown questionnaires fall back to ids: {text}"
    );
    let trends = lines
        .iter()
        .position(|l| *l == "Trends, oldest to newest")
        .unwrap();
    let trend = |label: &str| {
        let at = trends + lines[trends..].iter().position(|l| *l == label).unwrap();
        lines[at + 1]
    };
    let ease = trend("Desire");
    assert!(
        ease.ends_with("▂▄·  -  (not enough answers in the latest session)"),
        "{ease}"
    );
    let calm = trend("mood.calm");
    assert!(
        calm.contains("7.5  (+3.5 since the previous session)"),
        "{calm}"
    );
    assert!(
        text.contains("Scales without norms: a change cannot be judged reliable"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour in a pipe: {text}");
    assert!(
        !text.contains(SECRET_ANSWER),
        "history shows scores, not answers"
    );
}

#[test]
fn history_json_is_stable_and_complete() {
    let home = Home::new();
    init(&home);
    let a = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    let b = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 6.0));
    let out = confide(&home)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "confide.history/1");
    assert_eq!(v["sessions"][0]["id"], a.as_str());
    assert_eq!(v["sessions"][1]["id"], b.as_str());
    assert_eq!(v["sessions"][1]["created"], "2026-11-25T08:15:00Z");
    assert_eq!(
        v["sessions"][1]["questionnaires"][0]["scores"][0],
        serde_json::json!({"scale": "desire", "value": 1.5, "band": "sometimes", "valid": true})
    );
    assert_eq!(
        v["sessions"][1]["questionnaires"][0]["flags"][0]["level"],
        "suggestion"
    );
    assert_eq!(v["trends"][0]["questionnaire"], "desire");
    assert_eq!(v["trends"][0]["change"], 1.0);
    assert_eq!(
        v["trends"][1]["points"][1],
        serde_json::json!({"session": b, "value": 6.0})
    );
    assert_eq!(v["unreadable"], serde_json::json!([]));
    assert!(!stdout(&out).contains(SECRET_ANSWER));
}

#[test]
fn history_csv_has_a_row_per_session_and_a_column_per_scale() {
    let home = Home::new();
    init(&home);
    let a = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    save(&home, &record("2026-11-25T08:15:00Z", None, 6.5));
    let out = confide(&home)
        .args(["history", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "session,created,questionnaires,desire.desire,desire.desire.band,mood.calm,mood.calm.band"
    );
    assert_eq!(
        lines[1],
        format!("{a},2026-11-01T09:00:00Z,desire;mood,0.5,rare,4,mid")
    );
    assert!(
        lines[2].ends_with(",desire;mood,,not enough answers,6.5,mid"),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 4, "{text}");
}

#[test]
fn history_without_sessions_asks_for_nothing() {
    let home = Home::new();
    let out = home.cmd().arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("No saved sessions yet."));
}

#[test]
fn show_prints_a_session_by_id_id8_prefix_or_the_latest() {
    let home = Home::new();
    init(&home);
    let first = record("2026-11-01T09:00:00Z", Some(0.5), 4.0);
    let latest = record("2026-11-25T08:15:00Z", Some(1.5), 4.0);
    let a = save(&home, &first);
    save(&home, &latest);
    for (query, want) in [
        (Some(a.clone()), &first),
        (Some(first.id8()), &first),
        (Some(first.id8()[..5].to_owned()), &first),
        (None, &latest),
    ] {
        let mut cmd = confide(&home);
        cmd.args(["show", "--format", "json"]);
        if let Some(q) = &query {
            cmd.arg(q);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{query:?}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["id"], want.id.as_str(), "{query:?}");
        assert_eq!(v["format"], "confide.response/1");
        assert_eq!(v["questionnaires"][1]["answers"][0]["value"], SECRET_ANSWER);
    }
}

#[test]
fn show_text_says_which_questionnaires_it_cannot_summarise_again() {
    let home = Home::new();
    init(&home);
    // The record's hashes match no available definition.
    save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let out = confide(&home)
        .args(["show", "--format", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Not shown: desire 1.0.0, mood 2.0.0 was answered with a questionnaire version that is not available here"), "{text}");
    assert!(!text.contains(SECRET_ANSWER));
}

#[test]
fn show_with_an_unknown_or_ambiguous_id_is_a_usage_error_before_any_passphrase() {
    let home = Home::new();
    init(&home);
    let out = home.cmd().arg("show").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("confide: error: there are no saved sessions yet\n"));
    save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    save(&home, &record("2026-11-25T08:16:00Z", Some(1.5), 4.0));
    let out = home
        .cmd()
        .args(["show", "nothing-like-it"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "confide: error: no saved session matches `nothing-like-it`\nconfide: hint: `confide history` lists your sessions\n"
    );
    let out = home.cmd().args(["show", "20261125T08"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`20261125T08` matches 2 sessions"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn delete_removes_one_session_with_yes_and_refuses_without_a_terminal() {
    let home = Home::new();
    init(&home);
    let a = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    let b = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let out = home.cmd().args(["delete", &a]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("needs confirmation"), "{err}");
    assert!(err.contains("confide: hint: pass --yes"), "{err}");
    assert!(session_path(&home, &a).exists());

    let out = home
        .cmd()
        .args(["delete", "--yes", &a[a.len() - 8..]])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("Deleted session {a}.\n"));
    assert!(!session_path(&home, &a).exists());
    assert!(session_path(&home, &b).exists());
    let out = home.cmd().args(["delete", "--yes", &a]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------
// errors

#[test]
fn a_wrong_passphrase_is_exit_3_and_shows_nothing() {
    let home = Home::new();
    init(&home);
    save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    for args in [&["history"][..], &["show", "--format", "json"]] {
        let out = home
            .cmd()
            .env("CONFIDE_PASSPHRASE", "not my passphrase")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert_eq!(stdout(&out), "");
        let err = stderr(&out);
        assert_eq!(
            err,
            format!(
                "confide: error: wrong passphrase for {}\n",
                home.data().join("identity.age").display()
            )
        );
    }
}

#[test]
fn a_session_for_another_key_is_exit_3_and_history_shows_the_rest() {
    let home = Home::new();
    init(&home);
    let mine = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    let other = Home::new();
    init(&other);
    let theirs = save(&other, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    fs::copy(session_path(&other, &theirs), session_path(&home, &theirs)).unwrap();

    let out = confide(&home)
        .args(["show", "--format", "json", &theirs])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert_one_error_line(&err);
    assert!(
        err.contains(&format!(
            "{theirs}.age is encrypted to another key, not yours"
        )),
        "{err}"
    );

    let out = confide(&home).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains(&mine[mine.len() - 8..]));
    assert!(stdout(&out).starts_with("1 saved session, oldest first"));
}

/// Damaged files of every kind, each shown alone (exit 4, file named) and among good ones
/// in history (reported, the rest shown, exit 4 after printing).
#[test]
fn damaged_truncated_foreign_empty_and_newer_files_are_exit_4_with_the_file_named() {
    let home = Home::new();
    init(&home);
    let good = save(&home, &record("2026-11-01T09:00:00Z", Some(0.5), 4.0));
    let template = fs::read(session_path(&home, &good)).unwrap();
    let mut newer = record("2026-11-02T09:00:00Z", Some(0.5), 4.0);
    newer.format = "confide.response/2".into();
    let newer_id = save(&home, &newer);

    let mut flipped = template.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "20261103T090000Z-aaaaaaaa",
            template[..template.len() / 2].to_vec(),
            "truncated",
        ),
        ("20261104T090000Z-bbbbbbbb", flipped, "does not check out"),
        (
            "20261105T090000Z-cccccccc",
            b"{\"format\": \"confide.response/1\"}".to_vec(),
            "not an age file",
        ),
        ("20261106T090000Z-dddddddd", Vec::new(), "is empty"),
    ];
    for (id, bytes, _) in &cases {
        fs::write(session_path(&home, id), bytes).unwrap();
    }
    let mut all: Vec<(String, &str)> = cases
        .iter()
        .map(|(id, _, why)| ((*id).to_owned(), *why))
        .collect();
    all.push((
        newer_id.clone(),
        "newer version of confide (format `confide.response/2`)",
    ));

    for (id, why) in &all {
        let out = confide(&home)
            .args(["show", "--format", "json", id])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{id}: {}", stderr(&out));
        let err = stderr(&out);
        assert_one_error_line(&err);
        let first = err.lines().next().unwrap();
        assert!(
            first.contains(&session_path(&home, id).display().to_string()),
            "{first}"
        );
        assert!(first.contains(why), "{id}: {first}");
        assert_eq!(stdout(&out), "");
    }

    let out = confide(&home).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let text = stdout(&out);
    assert!(text.starts_with("1 saved session, oldest first"), "{text}");
    assert!(text.contains(&good[good.len() - 8..]));
    let err = stderr(&out);
    for (id, _) in &all {
        assert!(
            err.contains(&format!("{id}.age")),
            "{id} not reported: {err}"
        );
    }
    assert!(
        err.contains(
            "confide: error: 5 saved sessions could not be read; the others are shown above"
        ),
        "{err}"
    );
}

#[test]
fn an_identity_asking_for_scrypt_work_factor_23_is_refused_with_exit_4() {
    let home = Home::new();
    init(&home);
    save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let path = home.data().join("identity.age");
    let bytes = fs::read(&path).unwrap();
    let nl = bytes.iter().skip(22).position(|&b| b == b'\n').unwrap() + 22;
    let mut edited = bytes[..nl - 2].to_vec();
    assert_eq!(
        &bytes[nl - 2..nl],
        common::FAST_WORK_FACTOR.to_string().as_bytes()
    );
    edited.extend_from_slice(b"23");
    edited.extend_from_slice(&bytes[nl..]);
    fs::write(&path, edited).unwrap();
    let out = confide(&home).arg("history").output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("confide: error: {} asks for too much passphrase work (scrypt log2 N = 23; confide accepts at most 22)\n", path.display())), "{err}");
}

// ---------------------------------------------------------------------------------------
// files on disk

#[test]
fn sessions_are_private_files_and_no_answer_text_reaches_the_disk_or_temp_dir() {
    let home = Home::new();
    init(&home);
    let id = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
    let path = session_path(&home, &id);
    #[cfg(unix)]
    {
        assert_eq!(mode(&home.data()), 0o700);
        assert_eq!(mode(&home.data().join("sessions")), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
    assert!(
        fs::read(&path)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );
    // Reading everything back leaves nothing behind either.
    for args in [
        &["history"][..],
        &["history", "--format", "json"],
        &["show", "--format", "json"],
    ] {
        let out = confide(&home).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    for needle in [
        SECRET_ANSWER.as_bytes(),
        b"zebra-umbrella",
        PASS.as_bytes(),
        b"confide.response",
        b"AGE-SECRET-KEY",
    ] {
        let found = files_containing(home.path(), needle);
        assert!(
            found.is_empty(),
            "{:?} found in {found:?}",
            String::from_utf8_lossy(needle)
        );
    }
    let names: Vec<String> = fs::read_dir(home.data().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![format!("{id}.age")], "no temp files are left");
    let tmp: Vec<_> = fs::read_dir(home.path().join("tmp")).unwrap().collect();
    assert!(tmp.is_empty(), "nothing is written to TMPDIR");
}

#[test]
fn twenty_concurrent_saves_give_twenty_readable_sessions() {
    let home = Home::new();
    init(&home);
    let threads: Vec<_> = (0..20)
        .map(|i| {
            let v = vault(&home);
            std::thread::spawn(move || {
                v.save_session(&record("2026-11-25T08:15:00Z", Some(f64::from(i % 9)), 4.0))
                    .map(|s| s.id)
            })
        })
        .collect();
    let mut ids: Vec<String> = threads
        .into_iter()
        .map(|t| t.join().unwrap().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    let out = confide(&home)
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut shown: Vec<String> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    shown.sort();
    assert_eq!(shown, ids);
}

#[test]
fn a_lost_recipient_file_is_restored_from_the_key() {
    let home = Home::new();
    let recipient = init(&home);
    fs::remove_file(home.data().join("recipient.txt")).unwrap();
    let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "needs the passphrase, and there is no terminal"
    );
    let out = confide(&home).args(["keys", "recipient"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{recipient}\n"));
    assert_eq!(
        fs::read_to_string(home.data().join("recipient.txt")).unwrap(),
        format!("{recipient}\n")
    );
}

// ---------------------------------------------------------------------------------------
// terminal prompts and the reference age CLI, through a pseudo-terminal

mod pty {
    use std::process::Command;

    use super::*;
    use rexpect::process::WaitStatus;
    use rexpect::session::PtySession;

    /// `confide` in a pseudo-terminal, with the test home's environment.
    pub fn confide(home: &Home, args: &[&str], extra_env: &[(&str, &str)]) -> PtySession {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_confide"));
        isolate(home, &mut cmd);
        cmd.args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        rexpect::session::spawn_command(cmd, Some(30_000)).unwrap()
    }

    pub fn isolate(home: &Home, cmd: &mut Command) {
        for var in [
            "CONFIDE_DATA_DIR",
            "CONFIDE_PASSPHRASE",
            "CONFIDE_PASSPHRASE_FILE",
            "CONFIDE_LANG",
            "LC_ALL",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("TMPDIR", home.path().join("tmp"))
            .env("LANG", "en_US.UTF-8")
            .env("TERM", "dumb");
        fs::create_dir_all(home.path().join("tmp")).unwrap();
    }

    /// Waits for a prompt, then types a line. The pause lets the program turn echo off
    /// (which also discards typed-ahead input) before the line arrives.
    pub fn answer(p: &mut PtySession, prompt: &str, line: &str) {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        std::thread::sleep(std::time::Duration::from_millis(400));
        p.send_line(line).unwrap();
    }

    pub fn finish(mut p: PtySession) -> (i32, String) {
        let rest = p.exp_eof().unwrap_or_default();
        let code = match p.process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("{other:?}"),
        };
        (code, rest)
    }

    #[test]
    fn the_passphrase_prompt_does_not_echo() {
        let home = Home::new();
        init(&home);
        save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
        let mut p = confide(&home, &["history"], &[]);
        answer(&mut p, "Passphrase for ", PASS);
        let (code, rest) = finish(p);
        assert_eq!(code, 0, "{rest}");
        assert!(rest.contains("1 saved session"), "{rest}");
        assert!(!rest.contains(PASS), "the passphrase was echoed: {rest}");
    }

    #[test]
    fn keys_passwd_changes_the_passphrase_and_the_old_one_stops_working() {
        let home = Home::new();
        let recipient = init(&home);
        let id = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
        let mut p = confide(&home, &["keys", "passwd"], &[]);
        answer(&mut p, "Current passphrase for ", PASS);
        answer(&mut p, "New passphrase: ", "a brand new passphrase");
        answer(&mut p, "Type it again: ", "a brand new passphrase");
        let (code, rest) = finish(p);
        assert_eq!(code, 0, "{rest}");
        assert!(rest.contains("Your passphrase was changed."), "{rest}");
        assert!(!rest.contains("brand new"), "{rest}");

        let out = super::confide(&home)
            .args(["show", "--format", "json", &id])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "the old passphrase no longer works"
        );
        let out = home
            .cmd()
            .env("CONFIDE_PASSPHRASE", "a brand new passphrase")
            .args(["show", "--format", "json", &id])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = home.cmd().args(["keys", "recipient"]).output().unwrap();
        assert_eq!(
            stdout(&out).trim(),
            recipient,
            "the key itself is unchanged"
        );
    }

    #[test]
    fn keys_passwd_with_a_wrong_old_passphrase_changes_nothing() {
        let home = Home::new();
        init(&home);
        let before = fs::read(home.data().join("identity.age")).unwrap();
        let mut p = confide(
            &home,
            &["keys", "passwd"],
            &[("CONFIDE_PASSPHRASE", "wrong")],
        );
        let (code, rest) = {
            let rest = p.exp_eof().unwrap_or_default();
            let code = match p.process().wait() {
                Ok(WaitStatus::Exited(_, c)) => c,
                other => panic!("{other:?}"),
            };
            (code, rest)
        };
        assert_eq!(code, 3, "{rest}");
        assert!(
            rest.contains("confide: error: wrong passphrase for"),
            "{rest}"
        );
        assert!(!rest.contains("New passphrase"), "{rest}");
        assert_eq!(fs::read(home.data().join("identity.age")).unwrap(), before);
    }

    #[test]
    fn keys_init_on_a_terminal_asks_twice_and_refuses_an_empty_passphrase() {
        let home = Home::new();
        let mut p = confide(&home, &["keys", "init"], &[]);
        answer(&mut p, "New passphrase: ", "");
        p.exp_string("The passphrase cannot be empty.").unwrap();
        answer(&mut p, "New passphrase: ", "one thing");
        answer(&mut p, "Type it again: ", "another thing");
        p.exp_string("The two passphrases differ").unwrap();
        answer(&mut p, "New passphrase: ", PASS);
        answer(&mut p, "Type it again: ", PASS);
        let (code, rest) = finish(p);
        assert_eq!(code, 0, "{rest}");
        assert!(rest.contains("age1"), "{rest}");
        save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
        let out = super::confide(&home).arg("history").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    #[test]
    fn delete_asks_on_a_terminal() {
        let home = Home::new();
        init(&home);
        let id = save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
        let mut p = confide(&home, &["delete", &id], &[]);
        answer(&mut p, "[y/N]", "n");
        let (code, rest) = finish(p);
        assert_eq!(code, 0);
        assert!(rest.contains("Nothing was deleted."), "{rest}");
        assert!(session_path(&home, &id).exists());
        let mut p = confide(&home, &["delete", &id], &[]);
        answer(
            &mut p,
            "from 2026-11-25 08:15 UTC? It cannot be recovered. [y/N]",
            "y",
        );
        let (code, rest) = finish(p);
        assert_eq!(code, 0, "{rest}");
        assert!(!session_path(&home, &id).exists());
    }

    /// The process waits at the passphrase prompt while /proc/<pid>/limits is read.
    #[cfg(target_os = "linux")]
    #[test]
    fn core_dumps_are_disabled() {
        let home = Home::new();
        init(&home);
        save(&home, &record("2026-11-25T08:15:00Z", Some(1.5), 4.0));
        let marker = format!("CONFIDE_TEST_MARKER={}", uuid::Uuid::new_v4());
        let (k, v) = marker.split_once('=').unwrap();
        let mut p = confide(&home, &["history"], &[(k, v)]);
        p.exp_string("Passphrase for ").unwrap();
        let pid = fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .find(|e| {
                fs::read(e.path().join("environ"))
                    .is_ok_and(|env| env.split(|&b| b == 0).any(|kv| kv == marker.as_bytes()))
                    && fs::read_to_string(e.path().join("comm"))
                        .is_ok_and(|c| c.trim() == "confide")
            })
            .map(|e| e.path())
            .expect("the confide process");
        let limits = fs::read_to_string(pid.join("limits")).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        let fields: Vec<&str> = core.split_whitespace().collect();
        assert_eq!(&fields[4..6], &["0", "0"], "{core}");
        std::thread::sleep(std::time::Duration::from_millis(400));
        p.send_line(PASS).unwrap();
        let (code, _) = finish(p);
        assert_eq!(code, 0);
    }

    // -- the reference Go age CLI ------------------------------------------------------

    /// Whether `age` is installed. Skipping says why; in CI (`CI=true`) it must be there.
    fn have_age() -> bool {
        let ok = Command::new("age")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
            && Command::new("age-keygen")
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "the reference `age` CLI is required in CI (.ci/run installs the Debian package `age`)"
            );
            eprintln!("skipped: the reference `age` CLI (Debian package `age`) is not installed");
        }
        ok
    }

    fn age(home: &Home, args: &[&str]) -> PtySession {
        let mut cmd = Command::new("age");
        isolate(home, &mut cmd);
        cmd.args(args);
        rexpect::session::spawn_command(cmd, Some(30_000)).unwrap()
    }

    #[test]
    fn the_reference_age_decrypts_a_session_with_the_identity_and_passphrase() {
        if !have_age() {
            return;
        }
        let home = Home::new();
        init(&home);
        let r = record("2026-11-25T08:15:00Z", Some(1.5), 4.0);
        let id = save(&home, &r);
        let out_file = home.path().join("plain.json");
        let identity = home.data().join("identity.age");
        let session = session_path(&home, &id);
        let mut p = age(
            &home,
            &[
                "-d",
                "-i",
                identity.to_str().unwrap(),
                "-o",
                out_file.to_str().unwrap(),
                session.to_str().unwrap(),
            ],
        );
        answer(&mut p, "passphrase", PASS);
        let (code, rest) = finish(p);
        assert_eq!(code, 0, "{rest}");
        let v: serde_json::Value = serde_json::from_slice(&fs::read(&out_file).unwrap()).unwrap();
        assert_eq!(v["format"], "confide.response/1");
        assert_eq!(v["id"], r.id.as_str());
        assert_eq!(v["questionnaires"][1]["answers"][0]["value"], SECRET_ANSWER);
    }

    #[test]
    fn an_age_keygen_identity_works_plain_and_protected_with_age_p() {
        if !have_age() {
            return;
        }
        let home = Home::new();
        let data = home.data();
        fs::create_dir_all(&data).unwrap();
        let key = home.path().join("key.txt");
        let out = Command::new("age-keygen")
            .arg("-o")
            .arg(&key)
            .output()
            .unwrap();
        assert!(out.status.success());
        let out = Command::new("age-keygen")
            .arg("-y")
            .arg(&key)
            .output()
            .unwrap();
        let recipient = String::from_utf8(out.stdout).unwrap();
        fs::write(data.join("recipient.txt"), &recipient).unwrap();

        // Plain: no passphrase is needed at all.
        fs::copy(&key, data.join("identity.age")).unwrap();
        let r = record("2026-11-25T08:15:00Z", Some(1.5), 4.0);
        let id = save(&home, &r);
        let out = home
            .cmd()
            .args(["show", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(&r.id));

        // A session confide wrote decrypts with `age -d -i key.txt`, and one the reference
        // age wrote (`age -R recipient.txt`) is readable by confide.
        let out = Command::new("age")
            .args(["-d", "-i"])
            .arg(&key)
            .arg(session_path(&home, &id))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(SECRET_ANSWER));
        let theirs = record("2026-11-26T10:00:00Z", Some(2.0), 4.0);
        let plain = home.path().join("theirs.json");
        fs::write(&plain, serde_json::to_vec(&theirs).unwrap()).unwrap();
        let target = data
            .join("sessions")
            .join(format!("20261126T100000Z-{}.age", theirs.id8()));
        let out = Command::new("age")
            .arg("-R")
            .arg(data.join("recipient.txt"))
            .arg("-o")
            .arg(&target)
            .arg(&plain)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = home
            .cmd()
            .args(["show", "--format", "json", &theirs.id8()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(&theirs.id));

        // Protected with `age -p` (binary, then armored): the passphrase unlocks it.
        for armor in [false, true] {
            let protected = home.path().join("key.age");
            let _ = fs::remove_file(&protected);
            let mut args = vec!["-p", "-o", protected.to_str().unwrap()];
            if armor {
                args.insert(1, "-a");
            }
            args.push(key.to_str().unwrap());
            let mut p = age(&home, &args);
            answer(&mut p, "Enter passphrase", "age made this one");
            answer(&mut p, "Confirm passphrase", "age made this one");
            let (code, rest) = finish(p);
            assert_eq!(code, 0, "{rest}");
            fs::copy(&protected, data.join("identity.age")).unwrap();
            let out = home
                .cmd()
                .env("CONFIDE_PASSPHRASE", "age made this one")
                .args(["history"])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "armor {armor}: {}",
                stderr(&out)
            );
            assert!(stdout(&out).starts_with("2 saved sessions"));
            let out = home
                .cmd()
                .env("CONFIDE_PASSPHRASE", "not it")
                .args(["history"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(3));
        }
    }
}
