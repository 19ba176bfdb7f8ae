//! Shared helpers for the command-line tests: a `confide` command isolated from the real
//! home, config and data folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A private home for one test: config, data and temp folders inside a temp dir.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("config/confide")
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data/confide")
    }

    /// `confide` with this home and no inherited confide settings.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("confide").expect("confide binary");
        for var in [
            "CONFIDE_DATA_DIR",
            "CONFIDE_PASSPHRASE",
            "CONFIDE_PASSPHRASE_FILE",
            "CONFIDE_LANG",
            "LC_ALL",
            "LC_MESSAGES",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("TMPDIR", self.path().join("tmp"))
            .env("LANG", "en_US.UTF-8");
        std::fs::create_dir_all(self.path().join("tmp")).expect("tmp");
        cmd
    }
}

/// Standard output of a finished command as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
