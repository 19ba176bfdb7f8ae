//! `confide completions SHELL` and `confide man`, generated from the command definition.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Result;

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "confide", &mut buf);
    crate::term::print(&String::from_utf8_lossy(&buf))
}

pub(crate) fn man() -> Result<()> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| crate::error::Error::failure(format!("cannot render the manual: {e}")))?;
    crate::term::print(&String::from_utf8_lossy(&buf))
}
