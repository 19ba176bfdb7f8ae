//! `confide man [COMMAND...] [--out DIR]`: the manual pages, one per command, as `confide(1)`,
//! `confide-take(1)`, `confide-keys-init(1)`. Each has the sections clap_mangen writes from
//! the command definition (name, synopsis, description, options, commands), then the
//! examples, the environment, the files, the exit status and what else to read.

use std::io::Write;
use std::path::Path;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli;
use crate::error::{Error, Result, describe_io};

/// Prints the page of `command` (confide itself when empty), or with `out`, writes it and
/// the pages of every command below it into that folder.
pub(crate) fn man(command: &[String], out: Option<&Path>) -> Result<()> {
    let mut root = cli::command().disable_help_subcommand(true);
    root.build();
    let page = find(&root, command)?;
    match out {
        None => crate::term::print(&String::from_utf8_lossy(&render(page, &root)?)),
        Some(dir) => write_all(page, &root, dir),
    }
}

/// The command that `names` lead to from `root`.
fn find<'a>(root: &'a clap::Command, names: &[String]) -> Result<&'a clap::Command> {
    let mut cmd = root;
    for name in names {
        cmd = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .find(|c| c.get_name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = visible(cmd).map(|c| c.get_name()).collect();
                let what = if known.is_empty() {
                    format!(
                        "`{}` has no commands",
                        cmd.get_bin_name().unwrap_or_else(|| cmd.get_name())
                    )
                } else {
                    format!("commands: {}", known.join(", "))
                };
                Error::usage(format!(
                    "there is no manual page for `{}`",
                    crate::term::sanitize::line(&names.join(" "))
                ))
                .with_hint(what)
            })?;
    }
    Ok(cmd)
}

/// The commands below `cmd` that have a page.
fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|c| !c.is_hide_set())
}

/// `confide-keys-init`, the name of a command's page.
fn page_name(cmd: &clap::Command) -> &str {
    cmd.get_display_name().unwrap_or_else(|| cmd.get_name())
}

/// Writes the page of `cmd` and of every command below it into `dir` (made if needed).
fn write_all(cmd: &clap::Command, root: &clap::Command, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot make", dir, &e))?;
    let mut pages = vec![cmd];
    while let Some(cmd) = pages.pop() {
        let path = dir.join(format!("{}.1", page_name(cmd)));
        std::fs::write(&path, render(cmd, root)?).map_err(|e| {
            Error::failure(format!(
                "cannot write {}: {}",
                path.display(),
                describe_io(&e)
            ))
        })?;
        pages.extend(visible(cmd));
    }
    Ok(())
}

/// The whole page of `cmd` in roff.
fn render(cmd: &clap::Command, root: &clap::Command) -> Result<Vec<u8>> {
    let source = format!(
        "{} {}",
        root.get_name(),
        root.get_version().unwrap_or_default()
    );
    let man = Man::new(cmd.clone()).source(source);
    let mut buf = Vec::new();
    let failed = |e: std::io::Error| Error::failure(format!("cannot render the manual: {e}"));
    man.render_title(&mut buf).map_err(failed)?;
    man.render_name_section(&mut buf).map_err(failed)?;
    man.render_synopsis_section(&mut buf).map_err(failed)?;
    man.render_description_section(&mut buf).map_err(failed)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf).map_err(failed)?;
    }
    if visible(cmd).next().is_some() {
        man.render_subcommands_section(&mut buf).map_err(failed)?;
    }
    let mut roff = Roff::new();
    let is_root = std::ptr::eq(cmd, root);
    if !is_root {
        examples(&mut roff, cmd.get_name());
    }
    environment(&mut roff);
    files(&mut roff);
    exit_status(&mut roff);
    see_also(&mut roff, cmd, root, is_root);
    version(&mut roff, root);
    roff.to_writer(&mut buf).map_err(failed)?;
    buf.flush().map_err(failed)?;
    Ok(buf)
}

/// A section of terms and what they mean, as `.TP` paragraphs.
fn table(roff: &mut Roff, heading: &str, intro: Option<&str>, rows: &[(String, &str)]) {
    roff.control("SH", [heading]);
    if let Some(intro) = intro {
        roff.text([roman(intro)]);
    }
    for (term, meaning) in rows {
        roff.control("TP", []);
        roff.text([bold(term.as_str())]);
        roff.text([roman(*meaning)]);
    }
}

fn examples(roff: &mut Roff, name: &str) {
    let examples = cli::examples(name);
    if examples.is_empty() {
        return;
    }
    let rows: Vec<(String, &str)> = examples
        .iter()
        .map(|e| (e.command.to_owned(), e.what))
        .collect();
    table(roff, "EXAMPLES", None, &rows);
}

fn environment(roff: &mut Roff) {
    let rows: Vec<(String, &str)> = cli::ENVIRONMENT
        .iter()
        .map(|(name, meaning)| ((*name).to_owned(), *meaning))
        .collect();
    table(roff, "ENVIRONMENT", None, &rows);
}

fn files(roff: &mut Roff) {
    let rows: Vec<(String, &str)> = cli::FILES
        .iter()
        .map(|(name, meaning)| ((*name).to_owned(), *meaning))
        .collect();
    table(
        roff,
        "FILES",
        Some("The folders on Linux; $XDG_DATA_HOME and $XDG_CONFIG_HOME move them."),
        &rows,
    );
}

fn exit_status(roff: &mut Roff) {
    let rows: Vec<(String, &str)> = cli::EXIT_CODES
        .iter()
        .map(|(code, meaning)| (code.to_string(), *meaning))
        .collect();
    table(
        roff,
        "EXIT STATUS",
        Some("Exit codes are the same for every command:"),
        &rows,
    );
}

/// The version of confide, on every page (commands have none of their own).
fn version(roff: &mut Roff, root: &clap::Command) {
    if let Some(version) = root.get_long_version().or_else(|| root.get_version()) {
        roff.control("SH", ["VERSION"]);
        roff.text([roman(format!("v{version}"))]);
    }
}

/// The page of confide and of the command above, then the reference age tool.
fn see_also(roff: &mut Roff, cmd: &clap::Command, root: &clap::Command, is_root: bool) {
    let mut pages: Vec<String> = Vec::new();
    if !is_root {
        pages.push(page_name(root).to_owned());
        // The command above, when it is not confide itself: `confide-keys` for `keys init`.
        let name = page_name(cmd);
        if let Some((parent, _)) = name.rsplit_once('-')
            && parent != page_name(root)
        {
            pages.push(parent.to_owned());
        }
    }
    pages.push("age".to_owned());
    roff.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (k, page) in pages.iter().enumerate() {
        if k > 0 {
            line.push(roman(", "));
        }
        line.push(italic(page.as_str()));
        line.push(roman("(1)"));
    }
    roff.text(line);
}
