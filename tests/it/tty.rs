//! The terminal interview through a real pseudo-terminal: arrow keys, Enter, Space, Esc and
//! Ctrl-C, as a person presses them. Runs without a terminal of its own (CI).

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use crate::common::{Home, begin, exit_code, keys, root};
use rexpect::reader::Options;
use rexpect::session::PtySession;

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

/// `confide take --no-save ... checkin` in a pseudo-terminal, past the welcome.
fn spawn(home: &Home, strip: bool, configure: impl FnOnce(&mut Command)) -> PtySession {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("confide"));
    cmd.args(["take", "--no-save", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR");
    configure(&mut cmd);
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(strip);
    let mut p = rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty");
    begin(&mut p);
    p
}

/// The review line that mentions `needle` (the arrow between question and answer is
/// multi-byte, which the pty reader shows byte by byte, so tests look at the line ends).
fn line_with(text: &str, needle: &str) -> String {
    text.lines()
        .rev()
        .find(|l| l.contains(needle))
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[test]
fn arrow_keys_space_and_enter_answer_every_item() {
    let home = Home::new();
    let mut p = spawn(&home, true, |_| {});
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, " ");
    keys(&mut p, ENTER);
    p.exp_string("How many hours did you sleep").unwrap();
    keys(&mut p, "7.5");
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, DOWN);
    keys(&mut p, ENTER);
    p.exp_string("What worried you most?").unwrap();
    keys(&mut p, "work");
    keys(&mut p, ENTER);
    p.exp_string("Review your answers").unwrap();
    p.exp_string("Show my summary").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Your summary").unwrap();
    p.exp_string("Suggestion: You worried often.").unwrap();
    p.exp_string("Unease: Unsettled").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
}

#[test]
fn esc_goes_back_one_item_and_keeps_the_earlier_answer_selectable() {
    let home = Home::new();
    let mut p = spawn(&home, true, |_| {});
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER); // Never
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ESC);
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, DOWN);
    keys(&mut p, ENTER); // Often
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ENTER); // nothing marked: skip
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER); // skip
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER); // Never
    p.exp_string("Review your answers").unwrap();
    let review = p.exp_string("Show my summary").unwrap();
    assert!(
        line_with(&review, "feel calm?").ends_with("Often"),
        "{review}"
    );
    assert!(
        line_with(&review, "talk to?").ends_with("(skipped)"),
        "{review}"
    );
    keys(&mut p, ENTER);
    p.exp_string("Unease: Settled").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
}

#[test]
fn ctrl_c_restores_the_cursor_saves_nothing_and_exits_130() {
    let home = Home::new();
    let mut p = spawn(&home, false, |_| {});
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, DOWN);
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was saved"), "{rest:?}");
    assert!(
        rest.contains("\x1b[?25h"),
        "the cursor is shown again: {rest:?}"
    );
    assert_eq!(exit_code(&p), Some(130));
    assert!(!home.path().join("data").exists(), "nothing was written");
}

#[test]
fn the_review_screen_changes_an_answer_and_returns() {
    let home = Home::new();
    let mut p = spawn(&home, true, |_| {});
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER); // Never (reversed: 2)
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER); // Never: 0, total 2
    p.exp_string("Review your answers").unwrap();
    p.exp_string("Discard these answers").unwrap();
    // The cursor starts on "Show my summary"; go up to the worry answer.
    keys(&mut p, UP);
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, DOWN);
    keys(&mut p, ENTER); // Often: opens the follow-up
    p.exp_string("What worried you most?").unwrap();
    keys(&mut p, ENTER); // skip it
    p.exp_string("Review your answers").unwrap();
    let review = p.exp_string("Show my summary").unwrap();
    assert!(
        line_with(&review, "did you worry?").ends_with("Often"),
        "{review}"
    );
    keys(&mut p, ENTER);
    p.exp_string("Unease: Unsettled").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
}

#[test]
fn the_interview_works_when_stderr_is_redirected() {
    let home = Home::new();
    let log = std::fs::File::create(home.path().join("stderr.log")).unwrap();
    let mut p = spawn(&home, true, move |cmd| {
        cmd.stderr(log);
    });
    p.exp_string("How often did you feel calm?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Review your answers").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Your summary").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), Some(0));
    let log = std::fs::read_to_string(home.path().join("stderr.log")).unwrap();
    assert!(
        !log.contains("How often"),
        "prompts went to the terminal, not the log: {log}"
    );
}

#[test]
fn ctrl_c_at_a_hidden_passphrase_prompt_turns_echo_back_on() {
    let home = Home::new();
    let confide = assert_cmd::cargo::cargo_bin("confide");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "trap : INT; '{}' keys init; echo \"exit=$?\"; stty -a",
            confide.display()
        ))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("CONFIDE_PASSPHRASE")
        .env_remove("CONFIDE_DATA_DIR");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::session::spawn_with_options(cmd, options).unwrap();
    p.exp_string("New passphrase:").unwrap();
    sleep(Duration::from_millis(400));
    p.send_control('c').unwrap();
    p.exp_string("cancelled").unwrap();
    p.exp_string("exit=130").unwrap();
    let settings = p.exp_eof().unwrap();
    let words: Vec<&str> = settings.split_whitespace().collect();
    assert!(words.contains(&"echo"), "echo is on again: {settings}");
    assert!(!words.contains(&"-echo"), "{settings}");
    assert!(!home.path().join("data/confide/identity.age").exists());
}

/// confide in a pseudo-terminal through `sh -c`, with `before` run first in the same
/// terminal (such as `stty rows 2`); the terminal's name is written to `tty.txt` in the
/// home, so that a test can resize it while confide runs. Past the welcome.
fn spawn_sized(home: &Home, before: &str) -> PtySession {
    let confide = assert_cmd::cargo::cargo_bin("confide");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "{before}; tty > '{}'; exec '{}' take --no-save --questionnaires '{}' checkin",
            home.path().join("tty.txt").display(),
            confide.display(),
            root().join("tests/fixtures/interview").display()
        ))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::session::spawn_with_options(cmd, options).expect("spawn confide in a pty");
    begin(&mut p);
    p
}

/// Answers the check-in with Enter everywhere, then shows the summary.
fn answer_with_enter(p: &mut PtySession) {
    for question in [
        "How often did you feel calm?",
        "Who did you talk to?",
        "How many hours",
        "How often did you worry?",
    ] {
        p.exp_string(question).unwrap();
        keys(p, ENTER);
    }
    p.exp_string("Show my summary").unwrap();
    keys(p, ENTER);
    p.exp_string("Your summary").unwrap();
}

#[test]
fn a_window_of_two_rows_still_asks_every_question() {
    let home = Home::new();
    let mut p = spawn_sized(&home, "stty rows 2 cols 60");
    answer_with_enter(&mut p);
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("panicked"), "{rest}");
    assert_eq!(exit_code(&p), Some(0));
}

#[test]
fn a_window_made_smaller_during_a_question_keeps_working() {
    let home = Home::new();
    let mut p = spawn_sized(&home, "stty rows 24 cols 80");
    p.exp_string("How often did you feel calm?").unwrap();
    let tty = std::fs::read_to_string(home.path().join("tty.txt")).unwrap();
    let resized = Command::new("stty")
        .args(["-F", tty.trim(), "rows", "1", "cols", "30"])
        .status()
        .unwrap();
    assert!(resized.success());
    // The list is redrawn for one row at each key.
    keys(&mut p, DOWN);
    keys(&mut p, DOWN);
    keys(&mut p, UP);
    keys(&mut p, ENTER); // Sometimes
    p.exp_string("Who did you talk to?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How many hours").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("How often did you worry?").unwrap();
    keys(&mut p, ENTER);
    p.exp_string("Review your answers").unwrap();
    // The review list of six lines in a window of one row: End, then back up to "Show".
    keys(&mut p, "\x1b[F");
    keys(&mut p, UP);
    keys(&mut p, ENTER);
    p.exp_string("Your summary").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("panicked"), "{rest}");
    assert_eq!(exit_code(&p), Some(0));
}

/// The memory a process can write (heap, anonymous mappings, data; not its main stack),
/// as runs of pages that are really there: an allocator reserves far more address space
/// than it uses, and /proc/PID/pagemap says which pages are present.
fn writable_memory(pid: i32) -> Option<Vec<(String, Vec<u8>)>> {
    use std::io::{Read, Seek, SeekFrom};
    let page: u64 = String::from_utf8(
        Command::new("getconf")
            .arg("PAGESIZE")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    // Reading another process's memory needs the right to trace it (its parent may).
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).ok()?;
    let mut pagemap = std::fs::File::open(format!("/proc/{pid}/pagemap")).ok()?;
    let mut regions = Vec::new();
    for line in maps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let name = fields.get(5).copied().unwrap_or("[anonymous]");
        if !fields[1].starts_with("rw") || name == "[stack]" || name.starts_with("[v") {
            continue;
        }
        let (start, end) = fields[0].split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        let pages = ((end - start) / page) as usize;
        let mut entries = vec![0u8; pages * 8];
        if pagemap.seek(SeekFrom::Start(start / page * 8)).is_err()
            || pagemap.read_exact(&mut entries).is_err()
        {
            continue;
        }
        let present: Vec<bool> = entries
            .chunks(8)
            .map(|e| u64::from_le_bytes(e.try_into().unwrap()) >> 63 == 1)
            .collect();
        let mut i = 0;
        while i < pages {
            if !present[i] {
                i += 1;
                continue;
            }
            let first = i;
            while i < pages && present[i] {
                i += 1;
            }
            let at = start + first as u64 * page;
            let mut bytes = vec![0u8; (i - first) * page as usize];
            if mem.seek(SeekFrom::Start(at)).is_ok() && mem.read_exact(&mut bytes).is_ok() {
                regions.push((name.to_owned(), bytes));
            }
        }
    }
    Some(regions)
}

/// A passphrase typed at the prompt is wiped once the key is unlocked: while confide waits
/// at the next question, none of the memory it can write holds it. (Read through the
/// console crate, the line stayed in the standard input's buffer, newline included, until
/// confide exited.)
#[test]
fn a_typed_passphrase_is_not_left_in_memory_after_unlocking() {
    if !cfg!(target_os = "linux") {
        return;
    }
    const PASS: &str = "quartz-heron-5512 typed passphrase";
    let home = Home::new();
    home.fast_key(PASS);
    // A draft, so that `take --resume` unlocks the key and then waits at a question.
    let out = home
        .cmd()
        .args(["take", "--plain", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .arg("checkin")
        .write_stdin("1\n\nq\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130));
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("confide"));
    cmd.args(["take", "--resume", "--questionnaires"])
        .arg(root().join("tests/fixtures/interview"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("TMPDIR", home.path().join("tmp"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CONFIDE_DATA_DIR")
        .env_remove("CONFIDE_PASSPHRASE")
        .env_remove("CONFIDE_PASSPHRASE_FILE");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::session::spawn_with_options(cmd, options).unwrap();
    p.exp_string("Passphrase for").unwrap();
    sleep(Duration::from_millis(400));
    p.send_line(PASS).unwrap();
    p.exp_string("How many hours").unwrap();
    sleep(Duration::from_millis(300));
    let pid = pid_with_home(&home);
    let Some(memory) = writable_memory(pid) else {
        eprintln!("skipped: cannot read the memory of confide (/proc/PID/mem)");
        p.send_control('c').unwrap();
        return;
    };
    let found: Vec<String> = memory
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(PASS.len()).any(|w| w == PASS.as_bytes()))
        .map(|(name, _)| name)
        .collect();
    p.send_control('c').unwrap();
    let _ = p.exp_eof();
    assert!(
        found.is_empty(),
        "the passphrase is still in memory after unlocking: {found:?}"
    );
}

/// The pid of the confide process whose HOME is this test's home (rexpect keeps its own).
fn pid_with_home(home: &Home) -> i32 {
    let needle = format!("HOME={}\0", home.path().display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.windows(needle.len()).any(|w| w == needle.as_bytes()))
                && std::fs::read_link(format!("/proc/{pid}/exe"))
                    .is_ok_and(|exe| exe.ends_with("confide"))
        })
        .expect("the confide process")
}

#[test]
fn ctrl_c_in_plain_mode_on_a_terminal_ends_at_once() {
    // Plain mode holds standard output for its whole run; the Ctrl-C handler must not wait
    // for it.
    let home = Home::new();
    let mut p = spawn(&home, true, |c| {
        c.arg("--plain");
    });
    p.exp_string("> ").unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().expect("confide ends after Ctrl-C");
    assert!(rest.contains("cancelled"), "{rest}");
    assert_eq!(exit_code(&p), Some(130));
}
