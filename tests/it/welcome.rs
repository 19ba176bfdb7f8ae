//! The first minute of `confide take`: the welcome before the first question (what confide
//! is, how long, where the answers go, the keys; the person begins or leaves), the topics
//! asked only when nothing was named, and a count per questionnaire that never grows.

use std::collections::BTreeMap;
use std::process::Command;

use age::secrecy::ExposeSecret;
use rexpect::reader::Options;
use rexpect::session::PtySession;
use serde_json::Value;

use crate::common::{Home, begin, exit_code, keys, root, stderr, stdout};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const BEGIN: &str = "Press Enter to begin, or q to leave.";
const TOPICS: &str = "Which of these would you like to look at today?";

fn checkin() -> std::path::PathBuf {
    root().join("tests/fixtures/interview")
}

/// `confide take ARGS` in a pseudo-terminal of 24 rows and 80 columns.
fn terminal(home: &Home, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let confide = assert_cmd::cargo::cargo_bin("confide");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!(
        "stty rows 24 cols 80; exec '{}' take {}",
        confide.display(),
        quoted.join(" ")
    ));
    for var in [
        "CONFIDE_DATA_DIR",
        "CONFIDE_PASSPHRASE",
        "CONFIDE_PASSPHRASE_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .current_dir(home.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty")
}

/// The check-in in a terminal, without saving.
fn checkin_terminal(home: &Home, plain: bool) -> PtySession {
    let dir = checkin();
    let mut args = vec![
        "--no-save",
        "--questionnaires",
        dir.to_str().unwrap(),
        "checkin",
    ];
    if plain {
        args.insert(0, "--plain");
    }
    terminal(home, &args, &[])
}

/// Lines as a terminal shows them (the pty writes `\r\n`).
fn lines(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.trim_end_matches('\r')).collect()
}

#[test]
fn the_terminal_opens_with_a_welcome_that_fits_80_by_24_and_enter_begins() {
    let home = Home::new();
    let mut p = terminal(&home, &["--no-save", "desire"], &[]);
    let welcome = p.exp_string(BEGIN).unwrap();
    let shown = lines(&welcome);
    assert_eq!(shown[0], "Welcome to confide", "{welcome}");
    assert!(
        shown.len() <= 24,
        "{} rows: the top would scroll away\n{welcome}",
        shown.len()
    );
    let flat = welcome.split_whitespace().collect::<Vec<_>>().join(" ");
    for said in [
        "a screening aid, not a diagnosis",
        "Today: Your situation, then Desire; about ",
        "Nothing is saved",
        "You can leave out any question: skip it, or choose \"Prefer not to answer\".",
        "Keys: arrows move, Enter chooses, Space marks, b or Esc back, ? hint, q quits.",
    ] {
        assert!(flat.contains(said), "{said:?} in:\n{welcome}");
    }
    assert!(!flat.contains("1 of"), "no question yet: {welcome}");
    keys(&mut p, ENTER);
    p.exp_string("Your situation, 1 of ").unwrap();
    p.exp_string("what kinds of sexual activity").unwrap();
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn q_or_esc_at_the_welcome_leaves_before_any_question() {
    for key in ["q", ESC] {
        let home = Home::new();
        home.fast_key("a passphrase for tests");
        let dir = checkin();
        let mut p = terminal(
            &home,
            &["--questionnaires", dir.to_str().unwrap(), "checkin"],
            &[],
        );
        p.exp_string(BEGIN).unwrap();
        keys(&mut p, key);
        let rest = p.exp_eof().unwrap();
        assert!(
            rest.contains(
                "confide: you left before the first question; nothing was asked and nothing was saved"
            ),
            "{rest}"
        );
        assert!(!rest.contains("error"), "a choice, not an error: {rest}");
        assert!(!rest.contains("How often did you feel calm?"), "{rest}");
        assert_eq!(exit_code(&p), Some(130));
        let drafts = home.data().join("drafts");
        assert!(!drafts.exists() || std::fs::read_dir(drafts).unwrap().count() == 0);
    }
}

#[test]
fn plain_mode_on_a_terminal_reads_the_welcome_as_lines_and_waits_for_enter() {
    let home = Home::new();
    let mut p = checkin_terminal(&home, true);
    let welcome = p.exp_string(BEGIN).unwrap();
    let flat = welcome.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Type the number of your answer and press Enter"),
        "the keys of plain mode: {welcome}"
    );
    assert!(
        flat.contains("b goes back, ? gives a hint, q quits."),
        "{welcome}"
    );
    assert!(!welcome.contains('\u{1b}'), "no escape codes: {welcome:?}");
    p.exp_string("> ").unwrap();
    // An answer typed too early is not taken as one.
    p.send_line("1").unwrap();
    p.exp_string("Press Enter to begin, or type q and Enter to leave.")
        .unwrap();
    p.send_line("").unwrap();
    p.exp_string("Check-in, 1 of 5: How often did you feel calm?")
        .unwrap();
    p.send_line("q").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(130));

    let mut p = checkin_terminal(&home, true);
    p.exp_string(BEGIN).unwrap();
    p.send_line("q").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("you left before the first question"),
        "{rest}"
    );
    assert_eq!(exit_code(&p), Some(130));
}

#[test]
fn a_script_gets_the_welcome_as_text_and_its_first_line_answers_the_first_question() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["take", "--plain", "--no-save", "--questionnaires"])
        .arg(checkin())
        .arg("checkin")
        .write_stdin("2\n\n\n\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Welcome to confide\n\n"), "{text}");
    assert!(!text.contains(BEGIN), "nobody is asked to begin: {text}");
    let welcome = &text[..text.find("Check-in, 1 of 5").expect("the first question")];
    assert!(
        welcome.contains("Today: Check-in; about 1 minute."),
        "{welcome}"
    );
    assert!(
        text.contains("How often did you feel calm?\n     Sometimes"),
        "the first line answered it: {text}"
    );
}

#[test]
fn answers_files_and_resumed_interviews_have_no_welcome() {
    let home = Home::new();
    let answers = home.path().join("answers.json");
    std::fs::write(
        &answers,
        r#"{"format": "confide.answers/1", "answers": {"checkin": {"mood": 1}}}"#,
    )
    .unwrap();
    let out = home
        .cmd()
        .args(["take", "--no-save", "--answers"])
        .arg(&answers)
        .arg("--questionnaires")
        .arg(checkin())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("Welcome"), "{}", stdout(&out));
    assert!(!stderr(&out).contains("Welcome"), "{}", stderr(&out));

    const PASS: &str = "a passphrase for tests";
    home.fast_key(PASS);
    let take = |input: &str, resume: bool| {
        let mut cmd = home.cmd();
        cmd.env("CONFIDE_PASSPHRASE", PASS)
            .args(["take", "--plain"]);
        if resume {
            cmd.arg("--resume");
        }
        cmd.arg("--questionnaires")
            .arg(checkin())
            .args(if resume { &[][..] } else { &["checkin"][..] })
            .write_stdin(input)
            .output()
            .unwrap()
    };
    let out = take("1\nq\ny\n", false);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stdout(&out).contains("Welcome to confide"));
    let out = take("\n\n\ny\n", true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("Welcome"), "{}", stdout(&out));
}

#[test]
fn the_first_run_says_that_a_passphrase_is_asked_at_the_end_and_why() {
    let home = Home::new();
    let dir = checkin();
    let args = ["--questionnaires", dir.to_str().unwrap(), "checkin"];
    let mut p = terminal(&home, &args, &[]);
    let welcome = p.exp_string(BEGIN).unwrap();
    let flat = welcome.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "They are saved only at the end, when you choose a passphrase: it protects them, and you need it to open them again."
        ),
        "{welcome}"
    );
    assert!(
        flat.contains("encrypted and kept on this computer"),
        "{welcome}"
    );
    assert!(
        flat.contains("shared only if you send a file yourself"),
        "{welcome}"
    );
    keys(&mut p, "q");
    p.exp_eof().unwrap();

    home.fast_key("a passphrase for tests");
    let mut p = terminal(&home, &args, &[]);
    let welcome = p.exp_string(BEGIN).unwrap();
    assert!(!welcome.contains("passphrase"), "a key exists: {welcome}");
    keys(&mut p, "q");
    p.exp_eof().unwrap();
}

#[test]
fn an_invitation_speaks_inside_the_welcome_and_its_key_is_checked_before_beginning() {
    let therapist = Home::new();
    let key = therapist.fast_key("a passphrase for tests");
    let inv = therapist.path().join("invitation.json");
    let out = therapist
        .cmd()
        .args(["invite", "--to", &key, "--practice", "Riverside Therapy"])
        .args(["--message", "See you on Tuesday.", "--reference", "C-7"])
        .arg("--questionnaire-file")
        .arg(checkin().join("checkin.json"))
        .arg("--out")
        .arg(&inv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let client = Home::new();
    let mut p = terminal(
        &client,
        &["--no-save", "--invite", inv.to_str().unwrap()],
        &[],
    );
    let welcome = p.exp_string("[y/N]").unwrap();
    let order: Vec<Option<usize>> = [
        "Welcome to confide",
        "Your answers go into a file that you send yourself",
        "Your answers will be encrypted to this key:",
        // After the quote bar, which the terminal reader gets byte by byte.
        "From: Riverside Therapy",
        "See you on Tuesday.",
        "Reference: C-7",
        "Keys: arrows move",
        "Does this match what your therapist told",
    ]
    .iter()
    .map(|s| welcome.find(s))
    .collect();
    assert!(order.iter().all(Option::is_some), "{order:?}\n{welcome}");
    assert!(order.is_sorted(), "in this order: {order:?}\n{welcome}");
    assert!(lines(&welcome).len() <= 24, "{welcome}");
    keys(&mut p, "y");
    begin(&mut p);
    p.exp_string("Check-in, 1 of 5").unwrap();
    keys(&mut p, "q");
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(130));
}

/// The therapist's identity of a test home, made once and kept beside it.
fn identity_of(home: &Home) -> age::x25519::Identity {
    let file = home.path().join("identity.txt");
    if let Ok(text) = std::fs::read_to_string(&file) {
        return text.trim().parse().unwrap();
    }
    let identity = age::x25519::Identity::generate();
    std::fs::write(&file, identity.to_string().expose_secret()).unwrap();
    identity
}

/// `take ARGS --plain` with `input`, to an intake file encrypted to a new key; the record
/// inside, decrypted.
fn record_of(home: &Home, args: &[&str], input: &str) -> (String, Value) {
    let identity = identity_of(home);
    let recipient = identity.to_public().to_string();
    let file = home.path().join("intake.age");
    let _ = std::fs::remove_file(&file);
    let out = home
        .cmd()
        .args(["take", "--plain", "--no-save", "--to", &recipient, "--out"])
        .arg(&file)
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plain = age::decrypt(&identity, &std::fs::read(&file).unwrap()).expect("decrypt");
    (stdout(&out), serde_json::from_slice(&plain).unwrap())
}

/// The record of one answer: `questionnaires[id].answers[item]`.
fn answer<'a>(record: &'a Value, questionnaire: &str, item: &str) -> &'a Value {
    record["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == questionnaire)
        .and_then(|q| {
            q["answers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["item"] == item)
        })
        .unwrap_or_else(|| panic!("{questionnaire}.{item} in {record}"))
}

/// Enter at every question, then save.
fn enter_everywhere() -> String {
    format!("{}y\n", "\n".repeat(60))
}

#[test]
fn named_questionnaires_answer_the_topics_and_the_record_says_it_was_derived() {
    let home = Home::new();
    let (text, record) = record_of(&home, &["desire", "pain"], &enter_everywhere());
    assert!(!text.contains(TOPICS), "the topics are not asked: {text}");
    let topics = answer(&record, "context", "topics");
    assert_eq!(topics["status"], "answered", "{topics}");
    assert_eq!(
        topics["value"],
        serde_json::json!([1, 3]),
        "desire and pain"
    );
    assert_eq!(topics["derived"], true, "{topics}");
    // Answers the person gave carry no mark.
    let activity = answer(&record, "context", "activity");
    assert!(activity.get("derived").is_none(), "{activity}");
    // Both questionnaires were asked.
    assert!(text.contains("Desire, 1 of"), "{text}");
    assert!(text.contains("Pain and discomfort, 1 of"), "{text}");
    // The therapist reads that it was derived, not chosen.
    let key = home.path().join("therapist.txt");
    std::fs::write(
        &key,
        format!("{}\n", identity_of(&home).to_string().expose_secret()),
    )
    .unwrap();
    let report = home
        .cmd()
        .arg("report")
        .arg(home.path().join("intake.age"))
        .arg("-i")
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert!(
        stdout(&report).contains("(derived from the questionnaires chosen, not asked)"),
        "{}",
        stdout(&report)
    );

    // Naming only the questionnaire that holds the topics: not asked, nothing derived.
    let (text, record) = record_of(&home, &["context"], &enter_everywhere());
    assert!(!text.contains(TOPICS), "{text}");
    let topics = answer(&record, "context", "topics");
    assert_eq!(topics["status"], "not_asked", "{topics}");
    assert!(topics.get("derived").is_none(), "{topics}");
}

#[test]
fn without_ids_the_topics_are_asked_as_before() {
    let home = Home::new();
    // Activity and partner skipped, then the topics: desire only.
    let input = format!("\n\n1\n{}y\n", "\n".repeat(40));
    let (text, record) = record_of(&home, &[], &input);
    let asked = &text[..text.find("Review your answers").unwrap()];
    assert_eq!(asked.matches(TOPICS).count(), 1, "asked once: {text}");
    let topics = answer(&record, "context", "topics");
    assert_eq!(topics["value"], serde_json::json!([1]), "{topics}");
    assert!(
        topics.get("derived").is_none(),
        "the person chose: {topics}"
    );
    assert!(text.contains("Desire, 1 of"), "{text}");
    assert!(!text.contains("Pain and discomfort, 1 of"), "{text}");
}

/// Every "Title, N of T: " line before the review, as (title, N, T).
fn counts(text: &str) -> Vec<(String, usize, usize)> {
    let before_review = &text[..text.find("Review your answers").unwrap_or(text.len())];
    before_review
        .lines()
        .filter_map(|line| {
            let (head, _) = line.split_once(": ")?;
            let (title, count) = head.rsplit_once(", ")?;
            let (n, t) = count.split_once(" of ")?;
            Some((title.to_owned(), n.parse().ok()?, t.parse().ok()?))
        })
        .collect()
}

#[test]
fn over_every_bundled_questionnaire_the_count_never_grows() {
    let catalog = confide::model::catalog::Catalog::bundled().expect("bundled");
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &catalog.entries {
        let id = entry.q().id.clone();
        // The first option everywhere, the second, mixes (a line a question does not take
        // is refused, and the next is tried), Enter everywhere.
        let patterns: [&[&str]; 5] = [&["1"], &["2"], &["4", ""], &["3", "1", ""], &[""]];
        for pattern in patterns {
            let home = Home::new();
            let lines: Vec<&str> = pattern.iter().copied().cycle().take(90).collect();
            let input = format!("{}\ny\n", lines.join("\n"));
            let answer = pattern.join(",");
            let out = home
                .cmd()
                .args(["take", "--plain", "--no-save", &id])
                .write_stdin(input)
                .output()
                .unwrap();
            let text = stdout(&out);
            let seen = counts(&text);
            assert!(!seen.is_empty(), "{id} {answer:?}: {text}");
            for pair in seen.windows(2) {
                let ((q1, n1, t1), (q2, n2, t2)) = (&pair[0], &pair[1]);
                if q1 == q2 {
                    assert_eq!(*n2, n1 + 1, "{id} {answer:?}: {seen:?}");
                    assert!(t2 <= t1, "{id} {answer:?}: the total grew: {seen:?}");
                } else {
                    assert_eq!(*n2, 1, "{id} {answer:?}: {seen:?}");
                }
            }
            for (title, n, t) in &seen {
                assert!(n <= t, "{title}: {seen:?}");
                totals.insert(title.clone(), *t);
            }
        }
    }
    assert!(totals.len() >= catalog.entries.len(), "{totals:?}");
}

#[test]
fn a_required_choice_refused_in_the_terminal_says_why_once() {
    let home = Home::new();
    let mut p = terminal(&home, &["--no-save"], &[]);
    begin(&mut p);
    p.exp_string("what kinds of sexual activity").unwrap();
    keys(&mut p, ENTER); // skip
    p.exp_string("Do you have a partner").unwrap();
    keys(&mut p, ENTER); // Yes, one partner
    p.exp_string(TOPICS).unwrap();
    for _ in 0..3 {
        keys(&mut p, ENTER);
    }
    keys(&mut p, " ");
    keys(&mut p, ENTER); // Desire
    let shown = p.exp_string("Your situation, 4 of").unwrap();
    // The list stays in place while it says why; once taken, one line says what was chosen.
    // (Each refusal used to leave the question and the reason behind, one pair per Enter.)
    assert_eq!(shown.matches(&format!("{TOPICS}:")).count(), 1, "{shown}");
    assert!(shown.contains("This question needs an answer."), "{shown}");
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn a_resumed_interview_keeps_to_the_topics_as_they_were_decided() {
    const PASS: &str = "a passphrase for tests";
    let home = Home::new();
    home.fast_key(PASS);
    let take = |args: &[&str], input: &str| {
        home.cmd()
            .env("CONFIDE_PASSPHRASE", PASS)
            .args(["take", "--plain"])
            .args(args)
            .write_stdin(input.to_owned())
            .output()
            .unwrap()
    };
    let asked = |text: &str| text[..text.find("Review your answers").unwrap()].to_owned();

    // Without ids, the person chose desire, then left and kept a draft: continued, only
    // desire follows, and the topics are not asked again.
    let out = take(&[], "1\n1\n1\nq\ny\n");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let out = take(&["--resume"], &enter_everywhere());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = asked(&stdout(&out));
    assert!(!text.contains(TOPICS), "{text}");
    assert!(text.contains("Desire, 1 of"), "{text}");
    assert!(
        !text.contains("Worry and anxiety about sex, 1 of"),
        "{text}"
    );
    assert!(!text.contains("Pain and discomfort, 1 of"), "{text}");

    // Named, left before the end: continued, the topics are derived again.
    let out = take(&["desire"], "1\nq\ny\n");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let file = home.path().join("intake.age");
    let out = take(
        &[
            "--resume",
            "--to",
            &recipient,
            "--out",
            file.to_str().unwrap(),
        ],
        &enter_everywhere(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!asked(&stdout(&out)).contains(TOPICS), "{}", stdout(&out));
    let plain = age::decrypt(&identity, &std::fs::read(&file).unwrap()).expect("decrypt");
    let record: Value = serde_json::from_slice(&plain).unwrap();
    let topics = answer(&record, "context", "topics");
    assert_eq!(topics["value"], serde_json::json!([1]), "{topics}");
    assert_eq!(topics["derived"], true, "{topics}");
}
