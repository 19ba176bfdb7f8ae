//! The command line, as clap types only. Checked and turned into plain settings by
//! `commands` before anything happens.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    failure not listed below (I/O, disk full, ...)
  2    invalid usage or input: bad flags, invalid questionnaire, invalid answers file
  3    cannot decrypt: wrong passphrase, or no identity matches the file
  4    damaged, truncated or unsupported file
  130  cancelled: Ctrl-C, quit, or input ended early; nothing was saved, except
       the encrypted draft of the interview when there is one (`confide drafts`)

confide works offline and never uses the network.";

/// Private, offline self-assessment and pre-session intake for sexual health.
///
/// confide asks short questionnaires, encrypts the answers with age before anything
/// touches the disk, and prints a calm, non-diagnostic summary. A bare `confide` runs
/// `confide take`.
#[derive(Debug, Parser)]
#[command(name = "confide", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,

    #[command(subcommand)]
    pub(crate) command: Option<Command>,

    /// Options of `take`, for a bare `confide`.
    #[command(flatten)]
    pub(crate) take: TakeOptions,
}

/// Options that every command accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Where sessions and the identity are kept
    #[arg(long, global = true, value_name = "DIR", env = "CONFIDE_DATA_DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,

    /// Read the passphrase from the first line of this file
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "CONFIDE_PASSPHRASE_FILE"
    )]
    pub(crate) passphrase_file: Option<PathBuf>,

    /// Language of questions and summaries (default: from the locale, then English)
    #[arg(long, global = true, value_name = "LANG", env = "CONFIDE_LANG")]
    pub(crate) lang: Option<String>,

    /// Country whose support services the summary lists, as two letters such as GB or US
    /// (default: from the locale)
    #[arg(long, global = true, value_name = "CODE", env = "CONFIDE_COUNTRY")]
    pub(crate) country: Option<String>,
}

/// Where custom questionnaires come from. Accepted before the command and by every command
/// that reads questionnaires (`invite` uses `--questionnaires` for ids instead).
#[derive(Debug, Default, Clone, PartialEq, Args)]
pub(crate) struct CatalogArgs {
    /// A folder of custom questionnaires (*.json); may be repeated
    #[arg(long = "questionnaires", value_name = "DIR")]
    pub(crate) questionnaire_dirs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Answer questionnaires and see a summary (the default)
    Take(TakeArgs),
    /// List the available questionnaires
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Check questionnaire files and print every problem
    Validate {
        /// Questionnaire files to check
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Print the JSON Schema of the questionnaire format
    Schema,
    /// Show your saved sessions with scores, bands and trends (asks for your passphrase)
    History {
        #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
        format: HistoryFormat,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Show one saved session (default: the latest)
    Show {
        /// Session id (or a unique prefix), as listed by `confide history`
        #[arg(value_name = "SESSION_ID")]
        id: Option<String>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Delete one saved session (or a draft, by its id)
    Delete {
        #[arg(value_name = "SESSION_ID")]
        id: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// List your drafts (interviews not finished yet), or discard one
    Drafts {
        /// Remove this draft: its id as listed, its 8 hex digits, or a unique prefix
        #[arg(long, value_name = "ID")]
        discard: Option<String>,
        /// Do not ask for confirmation
        #[arg(long, requires = "discard")]
        yes: bool,
    },
    /// Manage your key: create it, print its public recipient, change its passphrase
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Make an invitation for a client (therapists)
    Invite(InviteArgs),
    /// Open intake files and print a clinician report (therapists)
    Report(ReportArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    Man,
}

#[derive(Debug, Default, Args)]
pub(crate) struct TakeArgs {
    /// Questionnaires to take, by id (default: every bundled questionnaire, in order)
    #[arg(value_name = "QUESTIONNAIRE_ID")]
    pub(crate) ids: Vec<String>,

    #[command(flatten)]
    pub(crate) options: TakeOptions,
}

/// The options of `take`, also accepted by a bare `confide`.
#[derive(Debug, Default, Clone, PartialEq, Args)]
pub(crate) struct TakeOptions {
    /// Line-based prompts for screen readers and pipes (automatic when stdin is not a terminal)
    #[arg(long)]
    pub(crate) plain: bool,

    /// Answer from an answers file (confide.answers/1) instead of asking
    #[arg(long, value_name = "FILE")]
    pub(crate) answers: Option<PathBuf>,

    /// Show the summary and store nothing
    #[arg(long)]
    pub(crate) no_save: bool,

    /// Also encrypt to this age recipient (age1...); may be repeated
    #[arg(long = "to", value_name = "RECIPIENT")]
    pub(crate) to: Vec<String>,

    /// An age recipients file; may be repeated
    #[arg(long = "recipients-file", value_name = "FILE")]
    pub(crate) recipients_files: Vec<PathBuf>,

    /// An invitation made by `confide invite`
    #[arg(long, value_name = "FILE")]
    pub(crate) invite: Option<PathBuf>,

    /// Refuse (exit 2) unless the fingerprint of the key the answers are encrypted to is this
    /// one, as your therapist told you (case, spaces and dashes do not matter); once per
    /// recipient
    #[arg(long = "expect-fingerprint", value_name = "FINGERPRINT")]
    pub(crate) expect_fingerprint: Vec<String>,

    /// Write the encrypted intake here (default with --to/--invite: ./confide-intake-<date>-<id8>.age)
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,

    /// ASCII-armored output, to paste into a secure message
    #[arg(long)]
    pub(crate) armor: bool,

    /// A code your therapist gave you (never a name); stored inside the encrypted record
    #[arg(long, value_name = "CODE")]
    pub(crate) reference: Option<String>,

    /// Continue the unfinished session kept as a draft: the newest, or the one given as
    /// --resume=ID (`confide drafts` lists them)
    #[arg(
        long,
        value_name = "ID",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub(crate) resume: Option<String>,

    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Create your key, protected by a new passphrase
    Init,
    /// Print your public recipient (age1...) and its fingerprint, to share with others
    ///
    /// The recipient goes to standard output; its fingerprint, and whether recipient.txt
    /// was checked against your key, to standard error. It is checked when your key can be
    /// opened without asking (a passphrase file or CONFIDE_PASSPHRASE, or a plain key
    /// file), or with --verify.
    Recipient {
        /// Check recipient.txt against your key, asking for your passphrase if needed
        #[arg(long)]
        verify: bool,
        /// Write recipient.txt again from your key (asks for your passphrase)
        #[arg(long, conflicts_with = "verify")]
        restore: bool,
    },
    /// Change the passphrase that protects your key
    Passwd,
}

#[derive(Debug, Args)]
pub(crate) struct InviteArgs {
    /// The therapist's age recipient (age1...) that intakes are encrypted to
    #[arg(long, value_name = "RECIPIENT", required = true)]
    pub(crate) to: String,
    /// Bundled or custom questionnaires to include, by id (comma-separated)
    #[arg(long, value_name = "ID,...", value_delimiter = ',')]
    pub(crate) questionnaires: Vec<String>,
    /// A questionnaire file to embed in full; may be repeated
    #[arg(long = "questionnaire-file", value_name = "FILE")]
    pub(crate) questionnaire_files: Vec<PathBuf>,
    /// A code that identifies the client to you (never a name)
    #[arg(long, value_name = "CODE")]
    pub(crate) reference: Option<String>,
    /// A message shown to the client before the questions
    #[arg(long, value_name = "TEXT")]
    pub(crate) message: Option<String>,
    /// Your practice's name, shown to the client
    #[arg(long, value_name = "NAME")]
    pub(crate) practice: Option<String>,
    /// Write the invitation here instead of printing it
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Intake files, or folders of them
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub(crate) paths: Vec<PathBuf>,
    /// An age identity file (plain or passphrase-protected); may be repeated
    #[arg(short = 'i', long = "identity", value_name = "IDENTITY_FILE")]
    pub(crate) identities: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HistoryFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ShowFormat {
    Text,
    Json,
    Markdown,
    Fhir,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Text,
    Json,
    Csv,
    Markdown,
    Fhir,
    Html,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
