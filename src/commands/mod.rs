//! One module per subcommand. The only layer that prints results and errors, and chooses
//! exit codes: `run` parses the command line, installs the Ctrl-C and panic hooks,
//! dispatches, and prints the error that ended the command.
//!
//! Arguments go through two stages: clap's types (`cli`), then `Settings`, a checked plain
//! configuration built before any side effect.

pub(crate) mod access;
mod delete;
mod drafts;
mod export;
mod history;
mod import;
mod invite;
mod keys;
mod list;
mod report;
mod report_couple;
mod schema;
mod shell;
mod show;
mod support;
mod take;
mod together;
mod validate;

use std::path::PathBuf;

use clap::FromArgMatches;

use crate::cli::{self, Cli, ColorChoice, Command};
use crate::error::{Error, Kind, Result};
use crate::model::catalog::Catalog;
use crate::model::validate::{is_language_tag, truncate};
use crate::report::resources;
use crate::store;
use crate::store::questionnaires::{SkipReason, Skipped};
use crate::term;
use crate::term::style::{ColorMode, Style};

/// Checked settings shared by every command.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) lang: String,
    /// The country whose support services the summary shows (ISO 3166-1 alpha-2, in
    /// capitals): `--country`, else `CONFIDE_COUNTRY`, else the region of the locale.
    pub(crate) country: Option<String>,
    pub(crate) style: Style,
    pub(crate) questionnaire_dirs: Vec<PathBuf>,
    pub(crate) config_dir: Option<PathBuf>,
    pub(crate) data_dir: Option<PathBuf>,
    pub(crate) passphrase_file: Option<PathBuf>,
}

impl Settings {
    fn from_cli(cli: &Cli) -> Result<Settings> {
        let g = &cli.global;
        let sub_catalog = match &cli.command {
            Some(Command::Take(t)) => Some(&t.options.catalog),
            Some(Command::List { catalog, .. })
            | Some(Command::Validate { catalog, .. })
            | Some(Command::History { catalog, .. })
            | Some(Command::Show { catalog, .. }) => Some(catalog),
            Some(Command::Report(r)) => Some(&r.catalog),
            Some(Command::Export(e)) => Some(&e.catalog),
            Some(Command::Import(i)) => Some(&i.catalog),
            _ => None,
        };
        if cli.command.is_some() {
            // Options of `take` given before another command are a mistake, not ignored.
            let mut top = cli.take.clone();
            top.catalog = Default::default();
            if top != Default::default() {
                return Err(
                    Error::usage("options of `take` were given before another command")
                        .with_hint("write them after `take`, as in `confide take --plain`"),
                );
            }
        }
        let mut questionnaire_dirs = cli.take.catalog.questionnaire_dirs.clone();
        if let Some(c) = sub_catalog {
            questionnaire_dirs.extend(c.questionnaire_dirs.iter().cloned());
        }
        let lang = match &g.lang {
            Some(l) if is_language_tag(l) => l.clone(),
            Some(l) => {
                return Err(Error::usage(format!("`{l}` is not a language tag"))
                    .with_hint("use a tag such as `en` or `es` with --lang"));
            }
            None => locale_language().unwrap_or_else(|| "en".into()),
        };
        // An empty value (`CONFIDE_COUNTRY=`) counts as not given.
        let country = match g.country.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(resources::country_code(c).ok_or_else(|| {
                Error::usage(format!(
                    "`{}` is not a country code: give two letters, such as GB or US, with --country or CONFIDE_COUNTRY",
                    truncate(c, 20)
                ))
            })?),
            None => locale_country(),
        };
        let mode = match g.color {
            ColorChoice::Auto => ColorMode::Auto,
            ColorChoice::Always => ColorMode::Always,
            ColorChoice::Never => ColorMode::Never,
        };
        Ok(Settings {
            lang,
            country,
            style: Style::decide(mode),
            questionnaire_dirs,
            config_dir: store::paths::config_dir(),
            data_dir: g.data_dir.clone(),
            passphrase_file: g.passphrase_file.clone(),
        })
    }

    /// Bundled and custom questionnaires; a warning for each custom file left out.
    pub(crate) fn catalog(&self) -> Result<Catalog> {
        let mut skipped = Vec::new();
        let catalog = store::questionnaires::catalog(
            &self.questionnaire_dirs,
            self.config_dir.as_deref(),
            &mut skipped,
        );
        for file in &skipped {
            warn_skipped(file);
        }
        catalog
    }
}

/// `skipping FILE: ...`, saying how to see the problems.
fn warn_skipped(file: &Skipped) {
    let name = &file.name;
    term::warn(&match &file.why {
        SkipReason::Problems(n) => format!(
            "skipping {name}: {n} problem{} (run `confide validate {name}`)",
            if *n == 1 { "" } else { "s" }
        ),
        SkipReason::Refused(why) => format!("skipping {name}: {why}"),
    });
}

/// The language of the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), such as `es` from
/// `es_ES.UTF-8`.
fn locale_language() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| {
            let base = v.split(['.', '@']).next()?.replace('_', "-");
            let lang = base.split('-').next()?.to_lowercase();
            (is_language_tag(&lang) && lang != "c" && lang != "posix").then_some(lang)
        })
}

/// The region of the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set), such as
/// `GB` from `en_GB.UTF-8`; `None` for `C`, `POSIX` or a locale without a region.
fn locale_country() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| region_of_locale(&v))
}

fn region_of_locale(locale: &str) -> Option<String> {
    let base = locale.split(['.', '@']).next()?;
    let region = base.split(['_', '-']).nth(1)?;
    resources::country_code(region)
}

/// Parses the command line, runs the command, prints the error that ended it (if any), and
/// returns the exit code.
pub(crate) fn run() -> i32 {
    let parsed = cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    // Run by the completion scripts at each Tab: quiet, quick, and touching nothing.
    if let Some(Command::Complete { words }) = &cli.command {
        return shell::complete(&cli.global, words);
    }
    // Ctrl-C anywhere (a passphrase prompt included) restores the terminal and exits 130.
    term::interrupt::install();
    install_panic_hook();
    let result = dispatch(cli);
    warn_unsynced();
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

/// A file written (or removed) whose folder could not be synced to disk: the change is in
/// place and the command succeeded, but a crash or power cut soon after could undo it.
fn warn_unsynced() {
    for message in store::atomic::take_unsynced() {
        term::warn(&format!(
            "{message}; the change was made, but a crash or power cut in the next moments could undo it"
        ));
    }
}

/// A bug must not leave the terminal without a cursor or echo, print a backtrace, or end
/// without saying where the answers so far are. The release build aborts on panic; the
/// hook runs before that, and ends the run itself with exit 1 either way. It prints where
/// the bug is, never the panic's message (which could hold data).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        term::interrupt::restore_terminal();
        let place = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let mut text =
            format!("\nconfide: error: confide stopped because of a bug{place}; please report it");
        if let Some(kept) = term::interrupt::kept() {
            text.push_str(&format!(
                "\nconfide: {}\nconfide: hint: {}",
                kept.message, kept.hint
            ));
        }
        term::eprintln(&text);
        std::process::exit(1);
    }));
}

/// Prints an error as `confide: error: ...` and an optional `confide: hint: ...`; what the
/// person chose to do (leaving the interview, discarding the answers) as `confide: ...`.
fn report(e: &Error) {
    let label = match e.kind {
        Kind::ClosedPipe => return,
        Kind::Stopped => "",
        _ => "error: ",
    };
    term::eprintln(&format!(
        "confide: {label}{}",
        term::sanitize::line(&e.message)
    ));
    if let Some(hint) = &e.hint {
        term::eprintln(&format!("confide: hint: {}", term::sanitize::line(hint)));
    }
}

/// Runs the command the person asked for.
fn dispatch(cli: Cli) -> Result<()> {
    let settings = Settings::from_cli(&cli)?;
    match cli.command {
        None => take::run(&settings, &[], &cli.take),
        Some(Command::Take(ref args)) => take::run(&settings, &args.ids, &args.options),
        Some(Command::List { format, .. }) => list::run(&settings, format),
        Some(Command::Validate { files, .. }) => validate::run(&settings, &files),
        Some(Command::Schema) => schema::run(),
        Some(Command::Export(ref args)) => export::run(&settings, args),
        Some(Command::Import(ref args)) => import::run(&settings, args),
        Some(Command::History { format, .. }) => history::run(&settings, format),
        Some(Command::Show { id, format, .. }) => show::run(&settings, id.as_deref(), format),
        Some(Command::Delete { id, yes }) => delete::run(&settings, &id, yes),
        Some(Command::Drafts { discard, yes }) => drafts::run(&settings, discard.as_deref(), yes),
        Some(Command::Keys { command }) => keys::run(&settings, &command),
        Some(Command::Invite(ref args)) => invite::run(&settings, args),
        Some(Command::Together(ref args)) => together::run(&settings, args),
        Some(Command::Report(ref args)) => report::run(&settings, args),
        Some(Command::Completions { shell }) => shell::completions(shell),
        Some(Command::Man { command, out }) => shell::man(&command, out.as_deref()),
        // Handled by `run` before anything else.
        Some(Command::Complete { .. }) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::region_of_locale;

    #[test]
    fn the_region_of_a_locale_is_its_country() {
        for (locale, country) in [
            ("en_GB.UTF-8", Some("GB")),
            ("en_US", Some("US")),
            ("fr_CA.UTF-8@euro", Some("CA")),
            ("sr_RS@latin", Some("RS")),
            ("en-au", Some("AU")),
            ("en_UK.UTF-8", Some("GB")),
            ("es_419.UTF-8", None),
            ("C", None),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("en", None),
            ("", None),
        ] {
            assert_eq!(region_of_locale(locale).as_deref(), country, "{locale}");
        }
    }
}
