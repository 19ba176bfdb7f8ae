//! `confide completions SHELL` and `confide man`, generated from the command definition.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::term::sanitize;

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "confide", &mut buf);
    crate::term::print(&String::from_utf8_lossy(&buf))
}

/// The page of `confide` on standard output, or with `--out DIR` a page for every command
/// (`confide.1`, `confide-take.1`, `confide-keys-init.1`, ...) written into DIR, which is
/// made if it does not exist. Pages already there are replaced: they are generated.
pub(crate) fn man(out: Option<&Path>) -> Result<()> {
    let Some(dir) = out else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(Cli::command())
            .render(&mut buf)
            .map_err(|e| Error::failure(format!("cannot render the manual: {e}")))?;
        return crate::term::print(&String::from_utf8_lossy(&buf));
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
        .map_err(|e| {
            Error::failure(format!(
                "cannot write the manual pages into {}: {e}",
                sanitize::line(&dir.display().to_string())
            ))
        })
}
