//! One module per subcommand. The only layer that prints results and chooses exit codes.
//!
//! Arguments go through two stages: clap's types (`cli`), then `Settings`, a checked plain
//! configuration built before any side effect.

pub mod access;
mod delete;
mod drafts;
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
use crate::model::validate::{is_language_tag, truncate};
use crate::report::resources;
use crate::store;
use crate::term::style::{ColorMode, Style};

/// Checked settings shared by every command.
#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: String,
    /// The country whose support services the summary shows (ISO 3166-1 alpha-2, in
    /// capitals): `--country`, else `CONFIDE_COUNTRY`, else the region of the locale.
    pub country: Option<String>,
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
        Some(Command::Drafts { discard, yes }) => drafts::run(&settings, discard.as_deref(), yes),
        Some(Command::Keys { command }) => keys::run(&settings, &command),
        Some(Command::Invite(ref args)) => invite::run(&settings, args),
        Some(Command::Report(ref args)) => report::run(&settings, args),
        Some(Command::Completions { shell }) => shell::completions(shell),
        Some(Command::Man { out }) => shell::man(out.as_deref()),
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
