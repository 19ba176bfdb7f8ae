//! `confide --version`: the version of Cargo.toml and, when built in a git checkout, the
//! commit it was built from.

use std::process::Command;

use crate::common::{self, Home, stderr, stdout};

/// The output of git in the repository, or `None` without git or outside a checkout.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("--no-optional-locks")
        .args(args)
        .current_dir(common::root())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The full hash of HEAD when the tests run in a git checkout of confide. In CI
/// (`CI=true`) the tests always run in one, so a missing checkout fails the test.
fn head() -> Option<String> {
    let toplevel = git(&["rev-parse", "--show-toplevel"]);
    let ours = toplevel.is_some_and(|t| {
        std::fs::canonicalize(t).ok() == std::fs::canonicalize(common::root()).ok()
    });
    if !ours {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI runs the tests in a git checkout, where --version names the commit"
        );
        eprintln!("skipped the commit check: not built in a git checkout");
        return None;
    }
    git(&["rev-parse", "HEAD"])
}

#[test]
fn version_names_the_cargo_version_and_the_commit_of_head() {
    for flag in ["--version", "-V"] {
        let out = Home::new().cmd().arg(flag).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let expected = format!("confide {}", env!("CARGO_PKG_VERSION"));
        assert!(text.starts_with(&expected), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        let Some(head) = head() else { continue };
        // `confide 0.1.0 (commit 3d32345abcde 2026-11-30)`, maybe with `, modified`.
        let rest = text[expected.len()..].trim_end();
        let commit = rest
            .strip_prefix(" (commit ")
            .and_then(|r| r.split([' ', ',', ')']).next())
            .unwrap_or_else(|| panic!("no commit in {text}"));
        assert!(
            commit.len() >= 12 && head.starts_with(commit),
            "{text} does not name HEAD {head}"
        );
        let date = git(&["show", "-s", "--format=%cs", "HEAD"]).unwrap();
        assert!(rest.contains(&format!("{commit} {date}")), "{text}");
        if git(&["status", "--porcelain", "--untracked-files=no"]).as_deref() == Some("") {
            assert!(!rest.contains("modified"), "a clean checkout: {text}");
        }
    }
}
