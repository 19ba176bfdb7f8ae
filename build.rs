//! The version that `confide --version` prints, with the commit confide was built from.
//!
//! In a git checkout, `CONFIDE_VERSION` is the Cargo version, the commit and its date:
//! `0.1.0 (commit 3d32345abcde 2026-11-30)`, with `, modified` before the closing
//! parenthesis when the files that go into the binary differ from that commit. Without
//! git, or outside a checkout of confide (a crate tarball), it is the Cargo version alone.
//!
//! Cargo runs this script again when HEAD moves (a commit, a checkout, a reset) and when
//! the files that go into the binary change, and not on other builds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the binary is built from: a change here makes the commit "modified".
const SOURCES: &[&str] = &[
    "src",
    "questionnaires",
    "resources",
    "build.rs",
    "Cargo.toml",
    "Cargo.lock",
];

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
    }
    let described = match commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=CONFIDE_VERSION={described}");
}

/// `commit 3d32345abcde 2026-11-30`, and `, modified` when a source differs from it; `None`
/// outside a git checkout of this package.
fn commit(manifest_dir: &Path) -> Option<String> {
    // A crate unpacked inside some other repository must not take that repository's commit.
    let toplevel = git(manifest_dir, &["rev-parse", "--show-toplevel"])?;
    if !same_dir(Path::new(&toplevel), manifest_dir) {
        return None;
    }
    watch_head(manifest_dir);
    let hash = git(manifest_dir, &["rev-parse", "--short=12", "HEAD"])?;
    let date = git(manifest_dir, &["show", "-s", "--format=%cs", "HEAD"])?;
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend(SOURCES);
    let modified = !git(manifest_dir, &status)?.is_empty();
    Some(format!(
        "commit {hash} {date}{}",
        if modified { ", modified" } else { "" }
    ))
}

/// Tells cargo to run this script again when HEAD moves: the HEAD file (a checkout or a
/// detached commit), the branch it points to, and the packed refs. Only files that exist
/// are named: cargo runs a script on every build while a file it watches is missing.
fn watch_head(manifest_dir: &Path) {
    let git_path = |name: &str| {
        git(manifest_dir, &["rev-parse", "--git-path", name]).map(|p| manifest_dir.join(p))
    };
    let mut watched = vec![git_path("HEAD"), git_path("packed-refs")];
    if let Some(branch) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"])
        && let Some(loose) = git_path(&branch)
    {
        // A branch kept only in packed-refs becomes a file of its folder at the next
        // commit; the folder is watched until then.
        watched.push(
            loose
                .ancestors()
                .find(|p| p.exists())
                .map(Path::to_path_buf),
        );
    }
    for path in watched.into_iter().flatten().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// The trimmed standard output of a successful git command run in `dir`. Git is told not
/// to take optional locks, so a build never holds the index while the developer uses git.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["--no-optional-locks"])
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_owned())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
