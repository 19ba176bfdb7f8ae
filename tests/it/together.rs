//! `confide together`: one computer in turns (plain lines and a real terminal), two
//! computers through files with answers files, and files that are replayed, altered, of
//! the wrong step or of another session, all refused.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Home, keys, root, stderr, stdout};
use serde_json::{Value, json};

/// The wishes in questionnaire order (numbers in plain mode are the place in this list).
const WISHES: [&str; 27] = [
    "more_affection",
    "planned_time",
    "massage",
    "talk_fantasies",
    "new_place",
    "toy",
    "slower_start",
    "date",
    "shower",
    "say_what_feels_good",
    "touch_without_goal",
    "no_script",
    "kissing",
    "feeling_desired",
    "taking_turns",
    "pause",
    "fit_bodies",
    "dressing_up",
    "read_watch",
    "away",
    "mood",
    "new_position",
    "role_play",
    "after_closeness",
    "share_load",
    "check_in",
    "therapist",
];

/// The heading of every result.
const HEADING: &str = "What you are both open to";

/// Said when the answers to how often each would like sex are not both given and the same.
const NOT_THE_SAME: &str = "You did not give the same answer to how often you would like sex, \
or one of you left that question out.";

/// The last line of every result, and the help named in every result.
const PROVENANCE: &str = "These questions were written for confide.";
const HELPLINES: &str = "findahelpline.com lists free helplines in your country";

fn answers_file(dir: &Path, name: &str, answers: Value) -> PathBuf {
    let path = dir.join(name);
    let doc = json!({"format": "confide.answers/1", "answers": {"together": answers}});
    fs::write(&path, doc.to_string()).unwrap();
    path
}

/// Partner A: sex weekly, yes to massage, maybe to a toy, no to a date, yes to a new place.
fn a_answers() -> Value {
    json!({"often_sex": 4, "often_affection": 5, "who_starts": 1,
           "massage": 2, "toy": 1, "date": 0, "new_place": 2})
}

/// Partner B: sex a few times a month, maybe to massage, yes to a toy, yes to a date, no
/// to a new place, yes to a therapist.
fn b_answers() -> Value {
    json!({"often_sex": 3, "often_affection": 5, "who_starts": 2,
           "massage": 1, "toy": 2, "date": 2, "new_place": 0, "therapist": 2})
}

struct Couple {
    a: Home,
    b: Home,
    files: tempfile::TempDir,
}

impl Couple {
    /// Two partners, each with a key of their own: the state kept between steps is
    /// encrypted to it.
    fn new() -> Couple {
        let c = Couple {
            a: Home::new(),
            b: Home::new(),
            files: tempfile::tempdir().unwrap(),
        };
        c.a.fast_key("pass-a");
        c.b.fast_key("pass-b");
        c
    }

    fn pass(&self, home: &Home) -> &'static str {
        if std::ptr::eq(home, &self.a) {
            "pass-a"
        } else {
            "pass-b"
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.files.path().join(name)
    }

    fn run(&self, home: &Home, args: &[&str]) -> std::process::Output {
        home.cmd()
            .current_dir(self.files.path())
            .env("CONFIDE_PASSPHRASE", self.pass(home))
            .arg("together")
            .args(args)
            .output()
            .unwrap()
    }

    fn invite(&self, answers: Value) -> std::process::Output {
        answers_file(self.files.path(), "a.json", answers);
        self.run(
            &self.a,
            &["invite", "--out", "invite.json", "--answers", "a.json"],
        )
    }

    fn join(&self, invite: &str, out: &str, answers: Value) -> std::process::Output {
        answers_file(self.files.path(), "b.json", answers);
        self.run(
            &self.b,
            &["join", invite, "--out", out, "--answers", "b.json"],
        )
    }

    fn state_files(&self, home: &Home) -> Vec<PathBuf> {
        fs::read_dir(home.data().join("together"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    }
}

fn ok(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(out), stderr(out));
    stdout(out)
}

fn refused(out: &std::process::Output, why: &str) {
    assert_eq!(out.status.code(), Some(2), "{}{}", stdout(out), stderr(out));
    assert!(stderr(out).contains(why), "{}", stderr(out));
    assert!(!stdout(out).contains(HEADING));
}

/// The part of the result that lists wishes and same answers.
fn shown(result: &str) -> &str {
    let start = result.find(HEADING).expect(result);
    let end = result.find("About desire").expect(result);
    &result[start..end]
}

/// Text with every run of white space made one space, as wrapping does not matter.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What every result says, whatever was answered: what a shown wish is not, the fixed text
/// about desire with the help it names, and where the questions come from, last.
fn assert_every_result_says(result: &str) {
    let f = flat(result);
    for said in [
        "What only one of you said yes or maybe to, and every no, is not shown.",
        "Either of you can always say no",
        "never a reason to start sex with someone who has not said yes",
        HELPLINES,
        "call your local emergency number",
    ] {
        assert!(f.contains(said), "{said} not in {result}");
    }
    assert!(!f.contains("to anyone"), "{result}");
    assert!(f.contains(PROVENANCE), "{result}");
    let last = f.rfind(PROVENANCE).unwrap();
    assert!(f.rfind(HELPLINES).unwrap() < last, "{result}");
}

#[test]
fn two_computers_show_both_partners_only_the_mutual_wishes() {
    let c = Couple::new();
    let out = ok(&c.invite(a_answers()));
    assert!(
        out.contains("confide together join invite.json --out REPLY"),
        "{out}"
    );
    ok(&c.join("invite.json", "reply.json", b_answers()));
    // Between steps, each partner's state is an age file: no wish, no answer in clear.
    for home in [&c.a, &c.b] {
        let states = c.state_files(home);
        assert_eq!(states.len(), 1, "{states:?}");
        let bytes = fs::read(&states[0]).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1"));
        assert!(!String::from_utf8_lossy(&bytes).contains("wish:"));
    }
    let a_sees = ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
    let b_sees = ok(&c.run(&c.b, &["finish", "result.json"]));
    for seen in [&a_sees, &b_sees] {
        let part = shown(seen);
        assert!(
            part.contains("  - Giving or receiving a massage\n"),
            "{part}"
        );
        assert!(part.contains("  - Using a sex toy together\n"), "{part}");
        // A no on either side, and a wish of one partner only, never show.
        for hidden in ["date", "somewhere new", "therapist", "Mostly"] {
            assert!(!part.contains(hidden), "{hidden} in {part}");
        }
        assert!(part.contains("cuddling, holding"), "{part}");
        assert!(part.contains("Several times a week"), "{part}");
        assert!(!part.contains("About once a week"), "{part}");
        assert!(flat(seen).contains(NOT_THE_SAME), "{seen}");
        assert!(seen.contains("sex therapist or a couples therapist"));
        // A shown wish is not a promise.
        assert!(
            flat(part).contains("This is a place to start talking, not a promise."),
            "{part}"
        );
        assert_every_result_says(seen);
    }
    assert_eq!(shown(&a_sees), shown(&b_sees));
    // The state each partner kept is gone once they finish.
    assert!(c.state_files(&c.a).is_empty() && c.state_files(&c.b).is_empty());
    // The files name no wish, no answer and no item, and are padded to the same length.
    let mut lengths = Vec::new();
    for name in ["invite.json", "reply.json", "result.json"] {
        let text = fs::read_to_string(c.path(name)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["format"], "confide.together/1");
        for w in WISHES.iter().chain(&["often_sex", "wish:", "yes", "maybe"]) {
            assert!(!text.contains(w), "{w} in {name}");
        }
        let n = doc["points"].as_array().unwrap().len() + doc["tags"].as_array().unwrap().len();
        lengths.push(n);
    }
    assert_eq!(lengths, vec![30, 60, 30]);
}

#[test]
fn the_lists_are_the_same_length_whatever_was_answered() {
    let c = Couple::new();
    let everything: serde_json::Map<String, Value> =
        WISHES.iter().map(|w| (w.to_string(), json!(2))).collect();
    ok(&c.invite(Value::Object(everything)));
    let many = fs::read_to_string(c.path("invite.json")).unwrap();
    let d = Couple::new();
    ok(&d.invite(json!({})));
    let none = fs::read_to_string(d.path("invite.json")).unwrap();
    let count = |t: &str| {
        serde_json::from_str::<Value>(t).unwrap()["points"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&many), 30);
    assert_eq!(count(&none), 30);
}

#[test]
fn replayed_altered_and_misdirected_files_are_refused() {
    let c = Couple::new();
    ok(&c.invite(a_answers()));
    // An invitation given to `finish`, a reply given to `join`.
    refused(
        &c.run(&c.a, &["finish", "invite.json"]),
        "it is an invitation",
    );
    ok(&c.join("invite.json", "reply.json", b_answers()));
    refused(
        &c.run(
            &c.b,
            &[
                "join",
                "reply.json",
                "--out",
                "x.json",
                "--answers",
                "b.json",
            ],
        ),
        "not an invitation",
    );
    // Joining the same invitation twice.
    refused(
        &c.join("invite.json", "again.json", b_answers()),
        "joined this invitation already",
    );
    // A reply with one point altered, and a reply to an invitation changed on the way.
    let reply: Value = serde_json::from_slice(&fs::read(c.path("reply.json")).unwrap()).unwrap();
    let mut altered = reply.clone();
    let p = altered["points"][0].as_str().unwrap().to_owned();
    altered["points"][0] = json!(format!(
        "{}{}",
        &p[..62],
        if &p[62..] == "ff" { "fe" } else { "ff" }
    ));
    fs::write(c.path("altered.json"), altered.to_string()).unwrap();
    refused(
        &c.run(&c.a, &["finish", "altered.json", "--out", "r.json"]),
        "the file was refused",
    );
    let mut other = reply.clone();
    other["answers"] = json!("00".repeat(32));
    fs::write(c.path("other.json"), other.to_string()).unwrap();
    refused(
        &c.run(&c.a, &["finish", "other.json", "--out", "r.json"]),
        "does not answer the file you sent",
    );
    // Another session: nothing is waiting for it.
    let mut session = reply.clone();
    session["session"] = json!("11".repeat(16));
    fs::write(c.path("session.json"), session.to_string()).unwrap();
    refused(
        &c.run(&c.a, &["finish", "session.json", "--out", "r.json"]),
        "nothing of its session",
    );
    // Too few tags.
    let mut short = reply.clone();
    short["tags"].as_array_mut().unwrap().pop();
    fs::write(c.path("short.json"), short.to_string()).unwrap();
    refused(
        &c.run(&c.a, &["finish", "short.json", "--out", "r.json"]),
        "entries where 30 are expected",
    );
    assert!(!c.path("r.json").exists());
    // A reply needs --out; then the genuine reply goes through, once.
    let out = c.run(&c.a, &["finish", "reply.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--out RESULT"));
    ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
    refused(
        &c.run(&c.a, &["finish", "reply.json", "--out", "r2.json"]),
        "nothing of its session",
    );
    // The result, altered, is refused; the genuine one goes through, once.
    let result: Value = serde_json::from_slice(&fs::read(c.path("result.json")).unwrap()).unwrap();
    let mut changed = result.clone();
    changed["answers"] = json!("ab".repeat(32));
    fs::write(c.path("changed.json"), changed.to_string()).unwrap();
    refused(
        &c.run(&c.b, &["finish", "changed.json"]),
        "does not answer the file you sent",
    );
    ok(&c.run(&c.b, &["finish", "result.json"]));
    refused(
        &c.run(&c.b, &["finish", "result.json"]),
        "nothing of its session",
    );
}

#[test]
fn an_invitation_changed_on_the_way_is_refused_at_the_end() {
    let c = Couple::new();
    ok(&c.invite(a_answers()));
    // The same content, written again: another file as far as the protocol goes.
    let invite: Value = serde_json::from_slice(&fs::read(c.path("invite.json")).unwrap()).unwrap();
    fs::write(c.path("copy.json"), invite.to_string()).unwrap();
    ok(&c.join("copy.json", "reply.json", b_answers()));
    refused(
        &c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]),
        "does not answer the file you sent",
    );
}

#[test]
fn a_file_of_another_format_or_a_newer_version_is_named_as_such() {
    let c = Couple::new();
    ok(&c.invite(a_answers()));
    let mut invite: Value =
        serde_json::from_slice(&fs::read(c.path("invite.json")).unwrap()).unwrap();
    invite["format"] = json!("confide.together/2");
    fs::write(c.path("newer.json"), invite.to_string()).unwrap();
    let out = c.join("newer.json", "reply.json", b_answers());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("newer version of confide"),
        "{}",
        stderr(&out)
    );
    let out = c.join("a.json", "reply.json", b_answers());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected `confide.together/1`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_answers_file_for_another_questionnaire_is_refused() {
    let c = Couple::new();
    let path = c.path("x.json");
    fs::write(
        &path,
        json!({"format": "confide.answers/1", "answers": {"desire": {"interest": 1}}}).to_string(),
    )
    .unwrap();
    let out = c.run(
        &c.a,
        &["invite", "--out", "invite.json", "--answers", "x.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("asks only the questionnaire `together`"),
        "{}",
        stderr(&out)
    );
    assert!(!c.path("invite.json").exists());
    assert!(c.state_files(&c.a).is_empty());
}

#[test]
fn the_couples_questionnaire_is_valid_and_never_part_of_take_or_list() {
    let home = Home::new();
    let out = home
        .cmd()
        .arg("validate")
        .arg(root().join("couples/together.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let list = ok(&home
        .cmd()
        .args(["list", "--format", "json"])
        .output()
        .unwrap());
    assert!(!list.contains("\"together\""), "{list}");
    let text = fs::read_to_string(root().join("couples/together.json")).unwrap();
    // No safety questions: a partner may be watching.
    assert!(!text.contains("\"safety\""));
    assert!(!text.to_lowercase().contains("unsafe"));
}

/// Lines for one partner in plain mode: ready, the six questions before the wishes (the
/// first, how often sex, gets `often_sex`: 1 "Not at the moment", 5 "About once a week"; the
/// note before the third takes no line), then the wishes (1 yes, 2 maybe, 3 no, empty
/// skips), then confirm, then keep nothing.
fn plain_turn(often_sex: &str, wishes: &[(&str, &str)]) -> String {
    let mut lines = vec!["", often_sex, "", "", "", "", ""];
    for w in WISHES {
        lines.push(wishes.iter().find(|(k, _)| *k == w).map_or("", |(_, v)| v));
    }
    lines.push("y");
    lines.push("");
    lines.join("\n") + "\n"
}

#[test]
fn one_computer_in_turns_shows_only_the_mutual_wishes() {
    let home = Home::new();
    let input = plain_turn("5", &[("massage", "1"), ("toy", "2"), ("date", "3")])
        + &plain_turn(
            "5",
            &[
                ("massage", "2"),
                ("toy", "3"),
                ("date", "1"),
                ("kissing", "1"),
            ],
        );
    let out = home
        .cmd()
        .args(["together", "--plain"])
        .write_stdin(format!("\n{input}"))
        .output()
        .unwrap();
    let text = ok(&out);
    let flat = flat(&text);
    assert!(
        flat.contains("Second partner: please look away from the screen"),
        "{text}"
    );
    assert!(
        flat.contains("take the private questionnaires alone"),
        "{text}"
    );
    // What the result cannot hide is said before anyone answers.
    assert!(
        flat.contains("you will know that your partner did not, and the same is true for them"),
        "{text}"
    );
    assert!(
        flat.contains(
            "The next three questions are for you to think about. Your answers to them are never shown to your partner."
        ),
        "{text}"
    );
    assert!(
        flat.contains("Type y when these are your answers") && !flat.contains("your summary"),
        "{text}"
    );
    let result = &text[text.rfind(HEADING).unwrap()..];
    assert_every_result_says(result);
    let part = shown(result);
    assert!(
        part.contains("  - Giving or receiving a massage\n"),
        "{part}"
    );
    assert!(
        !part.contains("toy") && !part.contains("date") && !part.contains("kissing"),
        "{part}"
    );
    assert!(part.contains("About once a week"), "{part}");
    assert!(!flat.contains(NOT_THE_SAME), "{text}");
    // Nothing is saved.
    assert!(!home.data().exists() || fs::read_dir(home.data()).unwrap().next().is_none());
}

#[test]
fn one_computer_stopped_part_way_shows_nothing() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["together", "--plain"])
        .write_stdin("\n\n4\nq\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(!stdout(&out).contains(HEADING));
}

#[test]
fn one_computer_in_a_real_terminal_clears_the_screen_between_turns() {
    let home = Home::new();
    let mut cmd = home.cmd_std();
    cmd.arg("together")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(false);
    let mut p = rexpect::session::spawn_with_options(cmd, options).unwrap();
    // Both read the start text; Enter begins, and the screen is cleared.
    p.exp_string("Press Enter to begin, or q to leave.")
        .unwrap();
    keys(&mut p, "\r");
    p.exp_string("\x1b[3J").unwrap();
    for (turn, yes_to) in [("First", 3usize), ("Second", 3usize)] {
        p.exp_string(&format!("{turn} partner, are you ready?"))
            .unwrap();
        keys(&mut p, "\r");
        p.exp_string("How often would you like to have sex")
            .unwrap();
        // Enter picks the highlighted (first) option of the five questions before the
        // wishes.
        for _ in 0..5 {
            keys(&mut p, "\r");
        }
        // The multi choice: Enter with nothing picked.
        keys(&mut p, "\r");
        for i in 1..=27 {
            // Options: Yes, Maybe, No. Yes to `yes_to`, No to the rest.
            if i != yes_to {
                keys(&mut p, "\x1b[B\x1b[B");
            }
            keys(&mut p, "\r");
        }
        // The review ends with what confirming does here: nothing is saved, no summary.
        p.exp_string("These are my answers").unwrap();
        keys(&mut p, "\r");
        // Keep a copy? The first choice, keep nothing, is highlighted.
        p.exp_string("Keep a copy of your own answers?").unwrap();
        keys(&mut p, "\r");
        // The screen and its scrollback are cleared before the next turn.
        p.exp_string("\x1b[3J").unwrap();
    }
    p.exp_string("Both of you said yes or maybe to:").unwrap();
    p.exp_string("Giving or receiving a massage").unwrap();
    // Enter chose the first option of each "how often" question on both turns.
    p.exp_string("You chose the same answer to:").unwrap();
    p.exp_string("Not at the moment").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn two_computers_with_one_partner_answering_in_plain_lines() {
    let c = Couple::new();
    // The invitation asks no "ready" question: the first line begins, after the start
    // text, as the first line of a turn does.
    let lines = plain_turn("5", &[("massage", "1"), ("shower", "2"), ("toy", "3")]);
    let out =
        c.a.cmd()
            .current_dir(c.files.path())
            .args(["together", "--plain", "invite", "--out", "invite.json"])
            .write_stdin(lines)
            .output()
            .unwrap();
    let text = ok(&out);
    assert!(
        text.contains("Together, 1 of 33: How often would you like to have sex"),
        "{text}"
    );
    ok(&c.join(
        "invite.json",
        "reply.json",
        json!({"often_sex": 4, "massage": 2, "shower": 2, "toy": 2}),
    ));
    let a_sees = ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
    let part = shown(&a_sees);
    assert!(
        part.contains("massage") && part.contains("Showering"),
        "{part}"
    );
    assert!(!part.contains("toy"), "{part}");
    assert!(part.contains("About once a week"), "{part}");
}

#[test]
fn finishing_needs_the_passphrase_of_ones_own_key() {
    let c = Couple::new();
    ok(&c.invite(a_answers()));
    ok(&c.join("invite.json", "reply.json", b_answers()));
    let out =
        c.a.cmd()
            .current_dir(c.files.path())
            .env("CONFIDE_PASSPHRASE", "not it")
            .args(["together", "finish", "reply.json", "--out", "result.json"])
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stdout(&out).contains(HEADING));
    assert!(!c.path("result.json").exists());
    // The state is still there: with the right passphrase, it finishes.
    ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
}

/// The saved sessions of a data folder.
fn sessions(data: &Path) -> Vec<PathBuf> {
    fs::read_dir(data.join("sessions"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

/// `confide show ARGS` on the data folder `data`, with its passphrase.
fn show(home: &Home, data: &Path, pass: &str, args: &[&str]) -> String {
    ok(&home
        .cmd()
        .env("CONFIDE_DATA_DIR", data)
        .env("CONFIDE_PASSPHRASE", pass)
        .arg("show")
        .args(args)
        .output()
        .unwrap())
}

/// The answer the saved record gives to `item`, if it was answered.
fn saved_value(record: &Value, item: &str) -> Option<Value> {
    let q = &record["questionnaires"][0];
    assert_eq!(q["id"], "together");
    q["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["item"] == item && a["status"] == "answered")
        .map(|a| a["value"].clone())
}

#[test]
fn with_save_each_partner_keeps_only_their_own_answers_in_their_own_vault() {
    let c = Couple::new();
    answers_file(c.files.path(), "a.json", a_answers());
    let out = c.run(
        &c.a,
        &[
            "invite",
            "--out",
            "invite.json",
            "--answers",
            "a.json",
            "--save",
        ],
    );
    assert!(ok(&out).contains("Kept a copy of your own answers"));
    // B keeps nothing: no --save.
    ok(&c.join("invite.json", "reply.json", b_answers()));
    ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
    ok(&c.run(&c.b, &["finish", "result.json"]));
    assert!(sessions(&c.b.data()).is_empty());
    // A's vault holds one session: A's own answers, nothing of B's, not the result.
    assert_eq!(sessions(&c.a.data()).len(), 1);
    let json = show(&c.a, &c.a.data(), "pass-a", &["--format", "json"]);
    let record: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(record["questionnaires"].as_array().unwrap().len(), 1);
    assert_eq!(saved_value(&record, "massage"), Some(json!(2)));
    assert_eq!(saved_value(&record, "often_sex"), Some(json!(4)));
    // B said yes to a date and a therapist; A answered no and nothing.
    assert_eq!(saved_value(&record, "date"), Some(json!(0)));
    assert_eq!(saved_value(&record, "therapist"), None);
    // In words: each question and what A chose.
    let text = show(&c.a, &c.a.data(), "pass-a", &[]);
    assert!(
        text.starts_with("Your answers in confide together\n"),
        "{text}"
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Giving or receiving a massage Yes")
            && flat.contains("Using a sex toy together Maybe")
            && flat.contains("A regular date, just the two of you No")
            && flat.contains("Seeing a sex or couples therapist together Skipped"),
        "{text}"
    );
    assert!(!flat.contains(HEADING), "{text}");
    let md = show(&c.a, &c.a.data(), "pass-a", &["--format", "markdown"]);
    assert!(
        md.contains("- Giving or receiving a massage  \n  **Yes**\n"),
        "{md}"
    );
    let page = show(&c.a, &c.a.data(), "pass-a", &["--format", "html"]);
    assert!(
        page.contains("<dt>Giving or receiving a massage</dt><dd>Yes</dd>"),
        "{page}"
    );
}

#[test]
fn one_computer_a_partner_may_keep_their_answers_in_a_vault_in_another_folder() {
    let home = Home::new();
    let own = tempfile::tempdir().unwrap();
    let folder = own.path().join("my vault");
    // The first partner keeps a copy in a folder of their own (choice 3, then the
    // folder); the second keeps nothing.
    let first = plain_turn("5", &[("massage", "1"), ("toy", "2")]);
    let first =
        first.strip_suffix("\n\n").unwrap().to_owned() + &format!("\n3\n{}\n\n", folder.display());
    let second = plain_turn("4", &[("massage", "1"), ("kissing", "1")]);
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", "pass-own")
        .args(["together", "--plain"])
        .write_stdin(format!("\n{first}{second}"))
        .output()
        .unwrap();
    let text = ok(&out);
    assert!(text.contains("Keep a copy of your own answers?"), "{text}");
    assert!(
        text.contains("Kept a copy of your own answers in"),
        "{text}"
    );
    assert!(text.contains("Both of you said yes or maybe to:"), "{text}");
    // Nothing in this computer's own data folder; one session in the folder chosen.
    assert!(sessions(&home.data()).is_empty());
    assert_eq!(sessions(&folder).len(), 1);
    let json = show(&home, &folder, "pass-own", &["--format", "json"]);
    let record: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(saved_value(&record, "massage"), Some(json!(2)));
    assert_eq!(saved_value(&record, "toy"), Some(json!(1)));
    assert_eq!(saved_value(&record, "often_sex"), Some(json!(4)));
    // The second partner's yes to kissing is not in it.
    assert_eq!(saved_value(&record, "kissing"), None);
}

#[test]
fn asked_in_plain_lines_a_partner_may_keep_a_copy_in_their_vault() {
    let c = Couple::new();
    let turn = plain_turn("5", &[("massage", "1")]);
    // Enter begins after the start text; then choice 2: the vault of this data folder.
    let lines = turn.strip_suffix("\n\n").unwrap().to_owned() + "\n2\n";
    let out =
        c.b.cmd()
            .current_dir(c.files.path())
            .env("CONFIDE_PASSPHRASE", "pass-b")
            .args(["together", "--plain", "invite", "--out", "invite.json"])
            .write_stdin(lines)
            .output()
            .unwrap();
    let text = ok(&out);
    let flat = flat(&text);
    assert!(
        flat.contains(
            "If anyone could make you open it for them, keep nothing: that is the safe choice."
        ),
        "{text}"
    );
    // This data folder has a key already: the choice says so.
    assert!(
        flat.contains("which already has a key: only if its passphrase is yours alone"),
        "{text}"
    );
    assert!(text.contains("Kept a copy of your own answers"), "{text}");
    assert_eq!(sessions(&c.b.data()).len(), 1);
    assert!(c.path("invite.json").exists());
}

#[test]
fn not_at_the_moment_on_both_sides_is_shown_as_the_same_answer() {
    let c = Couple::new();
    ok(&c.invite(json!({"often_sex": 0, "often_affection": 4, "massage": 2})));
    ok(&c.join(
        "invite.json",
        "reply.json",
        json!({"often_sex": 0, "often_affection": 5, "massage": 1}),
    ));
    let a_sees = ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
    let b_sees = ok(&c.run(&c.b, &["finish", "result.json"]));
    for seen in [&a_sees, &b_sees] {
        let part = flat(shown(seen));
        assert!(
            part.contains(
                "You chose the same answer to: - How often would you like to have sex with your partner? Not at the moment"
            ),
            "{seen}"
        );
        assert!(!part.contains("cuddling"), "{seen}");
        assert!(!flat(seen).contains(NOT_THE_SAME), "{seen}");
        assert_every_result_says(seen);
    }
}

#[test]
fn a_skipped_or_declined_how_often_sex_is_not_called_a_different_answer() {
    for (a, b) in [
        (json!({"often_affection": 5}), json!({"often_sex": 4})),
        (json!({"often_sex": "declined"}), json!({"often_sex": 4})),
        (json!({}), json!({})),
    ] {
        let c = Couple::new();
        ok(&c.invite(a));
        ok(&c.join("invite.json", "reply.json", b));
        let a_sees = ok(&c.run(&c.a, &["finish", "reply.json", "--out", "result.json"]));
        let b_sees = ok(&c.run(&c.b, &["finish", "result.json"]));
        for seen in [&a_sees, &b_sees] {
            let f = flat(seen);
            assert!(
                f.contains(&format!(
                    "{NOT_THE_SAME} That is true for many couples, and it is no one's fault."
                )),
                "{seen}"
            );
            assert!(!f.contains("are not the same"), "{seen}");
            // Nothing mutual: the text for an empty list, and no list to promise anything.
            assert!(
                f.contains("A no to an item on a list is not a no to the person."),
                "{seen}"
            );
            assert!(!f.contains("not a promise"), "{seen}");
            assert!(
                f.contains(&format!("{HEADING} No wish on the list")),
                "{seen}"
            );
            assert_every_result_says(seen);
        }
    }
}

#[test]
fn a_wish_of_the_first_edition_is_refused_in_an_answers_file() {
    let c = Couple::new();
    let out = c.invite(json!({"often_sex": 4, "easy_no": 2}));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("easy_no"), "{err}");
    assert!(
        err.contains("the answers file is not a valid confide.answers/1 file"),
        "{err}"
    );
    assert!(!c.path("invite.json").exists());
    assert!(c.state_files(&c.a).is_empty());
}

/// Lines for the end of a plain turn: `plain_turn` without its last answer (keep nothing),
/// then `keep`.
fn plain_turn_keeping(often_sex: &str, wishes: &[(&str, &str)], keep: &str) -> String {
    let turn = plain_turn(often_sex, wishes);
    turn.strip_suffix("\n\n").unwrap().to_owned() + "\n" + keep
}

#[test]
fn one_computer_the_second_partner_is_not_offered_the_vault_the_first_kept_a_copy_in() {
    let home = Home::new();
    let own = tempfile::tempdir().unwrap();
    let folder = own.path().join("second");
    // First: choice 2, this computer's vault (no key yet: one is made), then clear the
    // screen. Second: choice 2 is now another folder; the first partner's folder is typed
    // and refused, and the offer made again; then choice 2 and a folder of their own.
    let first = plain_turn_keeping("5", &[("massage", "1")], "2\n\n");
    let second = plain_turn_keeping(
        "5",
        &[("massage", "1")],
        &format!("2\n{}\n2\n{}\n\n", home.data().display(), folder.display()),
    );
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", "pass-here")
        .args(["together", "--plain"])
        .write_stdin(format!("\n{first}{second}"))
        .output()
        .unwrap();
    let text = ok(&out);
    let here = format!("in this computer's vault in {}", home.data().display());
    let turns: Vec<&str> = text.split("Keep a copy of your own answers?").collect();
    assert_eq!(turns.len(), 4, "{text}");
    // The first partner is offered this computer's vault, which has no key yet.
    assert!(
        turns[1].contains(&format!("2) Yes, {here}, whose passphrase only I know")),
        "{text}"
    );
    assert!(
        turns[1].contains("1) No, keep nothing (the safe choice on a shared computer)"),
        "{text}"
    );
    // The second is not, and cannot type its folder either.
    for turn in &turns[2..] {
        assert!(!turn.contains(&here), "{text}");
        assert!(
            turn.contains("2) Yes, in a vault of my own in another folder")
                && !turn.contains("\n  3) "),
            "{text}"
        );
    }
    assert!(
        turns[2].contains("That folder already holds a copy kept in this run"),
        "{text}"
    );
    // One session in each vault: the first partner's here, the second's in their folder.
    assert_eq!(sessions(&home.data()).len(), 1);
    assert_eq!(sessions(&folder).len(), 1);
    assert!(text.contains("Both of you said yes or maybe to:"), "{text}");
}

#[test]
fn one_computer_a_vault_with_a_key_is_offered_only_with_that_said() {
    let home = Home::new();
    home.fast_key("someone");
    let first = plain_turn("5", &[("massage", "1")]);
    let out = home
        .cmd()
        .args(["together", "--plain"])
        .write_stdin(format!("\n{first}{first}"))
        .output()
        .unwrap();
    let text = ok(&out);
    let f = flat(&text);
    let offer = format!(
        "2) Yes, in this computer's vault in {}, which already has a key: only if its passphrase is yours alone",
        home.data().display()
    );
    assert_eq!(f.matches(&offer).count(), 2, "{text}");
    // Keeping nothing (Enter) leaves the vault as it was.
    assert!(sessions(&home.data()).is_empty());
}

#[test]
fn an_invitation_of_the_first_edition_of_the_questionnaire_is_refused() {
    let c = Couple::new();
    ok(&c.invite(a_answers()));
    let mut invite: Value =
        serde_json::from_slice(&fs::read(c.path("invite.json")).unwrap()).unwrap();
    assert_eq!(invite["questionnaire"]["id"], "together");
    // The sha256 of `together` 1.0.0, which had 25 wishes.
    invite["questionnaire"]["sha256"] =
        json!("f1f373336757e52aae82e976cea2fe6b767a76a18c69021035124fb9c248ef37");
    fs::write(c.path("old.json"), invite.to_string()).unwrap();
    refused(
        &c.join("old.json", "reply.json", b_answers()),
        "it was made for another version of the couples questionnaire",
    );
    assert!(!c.path("reply.json").exists());
}

#[test]
fn one_computer_stopped_after_a_copy_was_kept_does_not_say_nothing_was_saved() {
    let home = Home::new();
    // The first partner keeps a copy in this computer's vault; the second leaves at their
    // first question.
    let first = plain_turn_keeping("5", &[("massage", "1")], "2\n\n");
    let out = home
        .cmd()
        .env("CONFIDE_PASSPHRASE", "pass-here")
        .args(["together", "--plain"])
        .write_stdin(format!("\n{first}\nq\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let err = stderr(&out);
    let said = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("Stopped. Nothing was shown. A copy of answers that was kept before stopping stays where it was kept"),
        "{err}"
    );
    assert!(!said.contains("Nothing was shown or saved"), "{err}");
    assert!(!stdout(&out).contains(HEADING));
}
