//! One module per subcommand. The only layer that prints results and chooses exit codes.
//!
//! Arguments go through two stages: clap's types (`cli`), then `Settings`, a checked plain
//! configuration built before any side effect.

pub mod access;
mod delete;
mod history;
mod invite;
mod keys;
mod list;
mod report;
mod schema;
mod shell;
mod show;
mod take;
mod validate;

use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command};
use crate::error::{Error, Result};
use crate::model::catalog::Catalog;
use crate::model::validate::is_language_tag;
use crate::store;
use crate::term::style::{ColorMode, Style};

/// Checked settings shared by every command.
#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: String,
    pub style: Style,
    pub questionnaire_dirs: Vec<PathBuf>,
    pub config_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub passphrase_file: Option<PathBuf>,
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
        let mode = match g.color {
            ColorChoice::Auto => ColorMode::Auto,
            ColorChoice::Always => ColorMode::Always,
            ColorChoice::Never => ColorMode::Never,
        };
        Ok(Settings {
            lang,
            style: Style::decide(mode),
            questionnaire_dirs,
            config_dir: store::paths::config_dir(),
            data_dir: g.data_dir.clone(),
            passphrase_file: g.passphrase_file.clone(),
        })
    }

    /// Bundled and custom questionnaires.
    pub fn catalog(&self) -> Result<Catalog> {
        store::questionnaires::catalog(&self.questionnaire_dirs, self.config_dir.as_deref())
    }
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

/// Runs the command the person asked for.
pub fn dispatch(cli: Cli) -> Result<()> {
    let settings = Settings::from_cli(&cli)?;
    match cli.command {
        None => take::run(&settings, &[], &cli.take),
        Some(Command::Take(ref args)) => take::run(&settings, &args.ids, &args.options),
        Some(Command::List { format, .. }) => list::run(&settings, format),
        Some(Command::Validate { files, .. }) => validate::run(&settings, &files),
        Some(Command::Schema) => schema::run(),
        Some(Command::History { format, .. }) => history::run(&settings, format),
        Some(Command::Show { id, format, .. }) => show::run(&settings, id.as_deref(), format),
        Some(Command::Delete { id, yes }) => delete::run(&settings, &id, yes),
        Some(Command::Keys { command }) => keys::run(&settings, &command),
        Some(Command::Invite(ref args)) => invite::run(&settings, args),
        Some(Command::Report(ref args)) => report::run(&settings, args),
        Some(Command::Completions { shell }) => shell::completions(shell),
        Some(Command::Man) => shell::man(),
    }
}
