//! Shell integration: completion scripts, the manual page, and closed pipes.

mod common;

use std::process::{Command, Stdio};

use common::{Home, stderr, stdout};

#[test]
fn completions_are_generated_for_every_supported_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef confide"),
        ("fish", "complete -c confide"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[confide]"),
    ] {
        let out = home.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: {marker} missing");
        for sub in ["take", "report", "history", "validate"] {
            assert!(text.contains(sub), "{shell} completes {sub}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let home = Home::new();
    let out = home.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page_named_confide() {
    let home = Home::new();
    let out = home.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with(".ie \\n(.g .ds Aq") || text.contains(".TH confide"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.contains(".TH confide 1"));
    assert!(text.contains("Exit codes"));
}

/// Runs confide with its output closed before it writes, as `| head -0` would: every write
/// fails with a broken pipe.
fn closed_pipe(args: &[&str]) -> std::process::Output {
    let home = Home::new();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("confide"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn closed_pipes_end_quietly_with_success() {
    for args in [
        &["list"][..],
        &["list", "--format", "json"],
        &["schema"],
        &["man"],
        &["completions", "bash"],
        &["--help"],
        &["--version"],
    ] {
        let out = closed_pipe(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}
