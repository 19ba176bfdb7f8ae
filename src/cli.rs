//! The command line, as clap types only. Checked and turned into plain settings by
//! `commands` before anything happens.
//!
//! Short flags follow age where they mean the same: `-r` (`--to`), `-R`
//! (`--recipients-file`), `-a` (`--armor`), `-o` (`--out`), `-i` (`--identity`). A flag that
//! was renamed keeps its old spelling as a hidden alias, so scripts keep working.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// The exit codes of every command, as the README lists them: the help and the manual
/// pages are written from this table.
pub(crate) const EXIT_CODES: &[(i32, &str)] = &[
    (0, "success"),
    (1, "failure not listed below (I/O, disk full, ...)"),
    (
        2,
        "invalid usage or input: bad flags, invalid questionnaire, invalid answers file",
    ),
    (
        3,
        "cannot decrypt: wrong passphrase, or no identity matches the file",
    ),
    (4, "damaged, truncated or unsupported file"),
    (
        130,
        "cancelled: Ctrl-C, quit, answers discarded at the review, or input ended early; nothing was saved, except the encrypted draft of the interview when there is one (`confide drafts`)",
    ),
];

/// The environment variables confide reads, for the manual pages.
pub(crate) const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "CONFIDE_DATA_DIR",
        "Where sessions and your key are kept (same as --data-dir).",
    ),
    (
        "CONFIDE_PASSPHRASE_FILE",
        "Read the passphrase from the first line of this file (same as --passphrase-file).",
    ),
    (
        "CONFIDE_PASSPHRASE",
        "The passphrase itself, for automation only: other programs running as you can read it.",
    ),
    (
        "CONFIDE_LANG",
        "Language of questions and summaries (same as --lang).",
    ),
    (
        "CONFIDE_COUNTRY",
        "Country whose support services the summary lists, such as GB (same as --country).",
    ),
    (
        "LC_ALL, LC_MESSAGES, LANG",
        "The first one set gives the language and, from its region, the country, when neither is given.",
    ),
    ("NO_COLOR", "No colours (with --color auto)."),
    (
        "XDG_DATA_HOME, XDG_CONFIG_HOME",
        "Where the data folder and the config folder are, when set.",
    ),
];

/// The files confide reads and writes, for the manual pages.
pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "~/.local/share/confide/",
        "The data folder (--data-dir, CONFIDE_DATA_DIR; ~/Library/Application Support/confide on macOS), mode 0700.",
    ),
    (
        "~/.local/share/confide/identity.age",
        "Your key, encrypted with your passphrase.",
    ),
    (
        "~/.local/share/confide/recipient.txt",
        "Its public half, one age1... line; saving encrypts to it without a passphrase.",
    ),
    (
        "~/.local/share/confide/sessions/*.age",
        "One encrypted file per saved session, named by the time it was saved and its id.",
    ),
    (
        "~/.local/share/confide/drafts/*.age",
        "One encrypted draft per interview not finished yet.",
    ),
    (
        "~/.config/confide/questionnaires/*.json",
        "Your own questionnaires, read by every command that reads questionnaires.",
    ),
    (
        "~/.config/confide/support.json",
        "Support services that replace the bundled list.",
    ),
];

/// A command line shown in the help and the manual page, and what it does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Example {
    pub(crate) command: &'static str,
    pub(crate) what: &'static str,
}

const TAKE_EXAMPLES: &[Example] = &[
    Example {
        command: "confide take",
        what: "every bundled questionnaire, in order",
    },
    Example {
        command: "confide take desire pain",
        what: "only these two (and `context`, whose answers they use)",
    },
    Example {
        command: "confide take --plain",
        what: "numbered choices on plain lines, for screen readers",
    },
    Example {
        command: "confide take --resume",
        what: "continue the newest unfinished interview",
    },
    Example {
        command: "confide take --invite invitation.json",
        what: "an intake for your therapist, from their invitation",
    },
    Example {
        command: "confide take -r age1... --reference A-1042 -o intake.age",
        what: "an intake encrypted to your therapist's key",
    },
    Example {
        command: "confide take --no-save --answers answers.json",
        what: "a summary from an answers file, nothing stored",
    },
];

const INVITE_EXAMPLES: &[Example] = &[
    Example {
        command: "confide invite -r age1... desire pain --reference A-1042 -o invitation.json",
        what: "an invitation to two questionnaires (and those they rely on)",
    },
    Example {
        command: "confide invite -r \"$(confide keys recipient)\" --practice \"Riverside Therapy\"",
        what: "every bundled questionnaire; intakes come back encrypted to your key",
    },
    Example {
        command: "confide invite -r age1... --questionnaire-file mine.json",
        what: "embed your own questionnaire in full",
    },
];

const REPORT_EXAMPLES: &[Example] = &[
    Example {
        command: "confide report intakes/",
        what: "a report per intake, then a summary by reference",
    },
    Example {
        command: "confide report intakes/ --format csv > intakes.csv",
        what: "one row per intake, safe to open in a spreadsheet",
    },
    Example {
        command: "confide report intakes/ --format fhir > intakes-fhir.json",
        what: "a FHIR R4 Bundle of QuestionnaireResponse resources",
    },
    Example {
        command: "confide report A-1042.age -i key.txt",
        what: "with an identity made by age-keygen (plain or passphrase-protected)",
    },
];

const EXPORT_EXAMPLES: &[Example] = &[
    Example {
        command: "confide export pain --format fhir > pain-questionnaire.json",
        what: "a FHIR R4 Questionnaire, for an EHR or a form filler",
    },
    Example {
        command: "confide export --format fhir -o fhir/",
        what: "every bundled questionnaire, one Questionnaire-ID.json file each",
    },
    Example {
        command: "confide export mine --questionnaires my-questionnaires/",
        what: "a custom questionnaire in confide's own format",
    },
];

const IMPORT_EXAMPLES: &[Example] = &[
    Example {
        command: "confide import phq9.json",
        what: "into your questionnaires folder, where every command finds it",
    },
    Example {
        command: "confide import forms-bundle.json -o imported/",
        what: "every Questionnaire of a Bundle, into a folder of your own",
    },
    Example {
        command: "confide take phq-9 --questionnaires imported/",
        what: "then answer it",
    },
];

const HISTORY_EXAMPLES: &[Example] = &[
    Example {
        command: "confide history",
        what: "every saved session, with scores, bands and trends",
    },
    Example {
        command: "confide history --format csv > history.csv",
        what: "one row per session, for a spreadsheet",
    },
    Example {
        command: "confide history --format json | jq .",
        what: "the same as JSON",
    },
];

const TOGETHER_EXAMPLES: &[Example] = &[
    Example {
        command: "confide together",
        what: "both partners on this computer, in turns",
    },
    Example {
        command: "confide together invite --out invite.json",
        what: "answer first, and write an invitation for your partner's computer",
    },
    Example {
        command: "confide together join invite.json --out reply.json",
        what: "on your partner's computer: answer, and write a reply",
    },
    Example {
        command: "confide together finish reply.json --out result.json",
        what: "see what you both would like, and write the result for your partner",
    },
    Example {
        command: "confide together invite --answers mine.json --save --out invite.json",
        what: "answers from a file, with a copy kept in your own vault",
    },
];

/// The examples of a command (by its name), for its help and its manual page.
pub(crate) fn examples(command: &str) -> &'static [Example] {
    match command {
        "take" => TAKE_EXAMPLES,
        "invite" => INVITE_EXAMPLES,
        "report" => REPORT_EXAMPLES,
        "history" => HISTORY_EXAMPLES,
        "export" => EXPORT_EXAMPLES,
        "import" => IMPORT_EXAMPLES,
        "together" => TOGETHER_EXAMPLES,
        _ => &[],
    }
}

/// The examples as the help shows them: each command line, and what it does below it.
fn examples_help(command: &str) -> String {
    let mut text = String::from("Examples:\n");
    for e in examples(command) {
        text.push_str(&format!("  {}\n      {}\n", e.command, e.what));
    }
    text.trim_end().to_owned()
}

/// The exit codes as the help shows them.
fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:\n");
    for (code, meaning) in EXIT_CODES {
        let lines = textwrap::wrap(meaning, 72);
        for (k, line) in lines.iter().enumerate() {
            if k == 0 {
                text.push_str(&format!("  {code:<4} {line}\n"));
            } else {
                text.push_str(&format!("       {line}\n"));
            }
        }
    }
    text.push_str("\nconfide works offline and never uses the network.");
    text
}

/// The command line definition, as help, completions and manual pages show it. The options
/// of `take` that a bare `confide` accepts are hidden here: they belong to `take`, and
/// `confide take --help` shows them.
pub(crate) fn command() -> clap::Command {
    Cli::command().mut_args(|arg| {
        let shown = arg.is_global_set() || matches!(arg.get_id().as_str(), "help" | "version");
        if shown { arg } else { arg.hide(true) }
    })
}

/// Private, offline self-assessment and pre-session intake for sexual health.
///
/// confide asks short questionnaires, encrypts the answers with age before anything
/// touches the disk, and prints a calm, non-diagnostic summary. A bare `confide` runs
/// `confide take`, and accepts its options (`confide take --help`).
#[derive(Debug, Parser)]
#[command(name = "confide", version = env!("CONFIDE_VERSION"), after_help = exit_codes_help())]
pub(crate) struct Cli {
    #[command(flatten, next_help_heading = "Global options")]
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

/// Where custom questionnaires come from. Accepted by every command that reads
/// questionnaires, and before the command. `invite` takes questionnaire ids instead, and
/// keeps `--questionnaires ID,...` as the old spelling of them.
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
    #[command(after_help = examples_help("take"))]
    Take(TakeArgs),
    /// List the available questionnaires
    List {
        /// How to print the list: a table to read, or JSON for programs
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
    /// Write questionnaires in confide's own format or as FHIR R4 Questionnaire resources
    #[command(after_help = examples_help("export"))]
    Export(ExportArgs),
    /// Read FHIR R4 Questionnaire resources into confide questionnaires
    ///
    /// Whatever cannot be carried over is refused item by item, with the linkId and the
    /// reason; what is carried over with a difference is noted. Every questionnaire written
    /// passes `confide validate`.
    #[command(after_help = examples_help("import"))]
    Import(ImportArgs),
    /// Show your saved sessions with scores, bands and trends (asks for your passphrase)
    #[command(after_help = examples_help("history"))]
    History {
        /// How to print the sessions: text to read, JSON, or CSV with one row per session
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
        /// How to print the session: text to read, JSON, Markdown, or a FHIR
        /// QuestionnaireResponse
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Delete one saved session (or a draft, by its id)
    Delete {
        /// The session to delete: its id as `confide history` lists it, its 8 hex digits,
        /// or a unique prefix; or the id of a draft, as `confide drafts` lists it
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
    #[command(after_help = examples_help("invite"))]
    Invite(InviteArgs),
    /// For couples: find out what you both would like, without showing what only one wants
    ///
    /// With no subcommand, both partners answer on this computer, in turns. On two
    /// computers, one partner runs `invite`, the other `join`, and `finish` shows each of
    /// them the result. Only the wishes both answered yes or maybe are ever shown. Nothing
    /// is saved unless a partner chooses to keep their own answers in their own vault.
    #[command(after_help = examples_help("together"))]
    Together(TogetherArgs),
    /// Open intake files and print a clinician report (therapists)
    #[command(after_help = examples_help("report"))]
    Report(ReportArgs),
    /// Print a shell completion script
    ///
    /// Besides commands and options, the scripts for bash, zsh and fish complete
    /// questionnaire ids, session ids and draft ids, which they ask confide for as you
    /// press Tab (reading file names only: nothing is decrypted, no passphrase is asked).
    Completions {
        /// The shell to write the script for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page of confide or of one command (roff), or write them all
    Man {
        /// The command whose page to print, such as `take` or `keys init` (default: the
        /// page of confide itself)
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Write one page per command into this folder (confide.1, confide-take.1, ...)
        /// instead of printing one
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The candidates for a value at the end of a command line, for the completion
    /// scripts: WORDS are the words typed so far, the last one being completed
    #[command(hide = true)]
    Complete {
        #[arg(
            value_name = "WORDS",
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        words: Vec<String>,
    },
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
    #[arg(short = 'r', long = "to", value_name = "RECIPIENT")]
    pub(crate) to: Vec<String>,

    /// An age recipients file; may be repeated
    #[arg(short = 'R', long = "recipients-file", value_name = "FILE")]
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
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,

    /// ASCII-armored output, to paste into a secure message
    #[arg(short = 'a', long)]
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
pub(crate) struct TogetherArgs {
    #[command(subcommand)]
    pub(crate) command: Option<TogetherCommand>,
    /// Ask in numbered lines instead of with arrow keys (for screen readers and pipes)
    #[arg(long)]
    pub(crate) plain: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TogetherCommand {
    /// Answer first, and write an invitation for your partner's computer
    Invite {
        /// Where to write the invitation (never over an existing file)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Take your answers from a confide.answers/1 file instead of asking
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Ask in numbered lines instead of with arrow keys
        #[arg(long)]
        plain: bool,
        /// Keep a copy of your own answers in your own vault, without asking
        #[arg(long)]
        save: bool,
    },
    /// Answer your partner's invitation, and write a reply for them
    Join {
        /// The invitation your partner sent
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Where to write the reply (never over an existing file)
        #[arg(long, value_name = "REPLY")]
        out: PathBuf,
        /// Take your answers from a confide.answers/1 file instead of asking
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Ask in numbered lines instead of with arrow keys
        #[arg(long)]
        plain: bool,
        /// Keep a copy of your own answers in your own vault, without asking
        #[arg(long)]
        save: bool,
    },
    /// Read your partner's reply (or the result) and see what you both would like
    Finish {
        /// The reply to your invitation, or the result of your reply
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// After a reply: where to write the result for your partner
        #[arg(long, value_name = "RESULT")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct InviteArgs {
    /// Bundled or custom questionnaires to include, by id (default: every bundled
    /// questionnaire); those they rely on are added
    #[arg(value_name = "QUESTIONNAIRE_ID", value_delimiter = ',')]
    pub(crate) ids: Vec<String>,
    /// The old spelling of the ids above, comma-separated
    #[arg(long, value_name = "ID,...", value_delimiter = ',', hide = true)]
    pub(crate) questionnaires: Vec<String>,
    /// The therapist's age recipient (age1...) that intakes are encrypted to
    #[arg(short = 'r', long, value_name = "RECIPIENT", required = true)]
    pub(crate) to: String,
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
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// For a couple: two invitations, one per partner, with the linked references CODE-1
    /// and CODE-2 (needs --reference and --out; FILE gets -1 and -2 before its extension)
    #[arg(long, requires_all = ["reference", "out"])]
    pub(crate) couple: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Questionnaires to export, by id (default: every bundled questionnaire)
    #[arg(value_name = "QUESTIONNAIRE_ID")]
    pub(crate) ids: Vec<String>,
    /// confide's own JSON (confide.questionnaire/1), or FHIR R4 Questionnaire resources (one
    /// resource, or a Bundle of several)
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub(crate) format: ExportFormat,
    /// Write one file per questionnaire into this folder (ID.json, or Questionnaire-ID.json
    /// for FHIR) instead of printing
    #[arg(short = 'o', long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// FHIR R4 Questionnaire files (JSON); a file may hold a Bundle of Questionnaires
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Where to write the questionnaires, one ID.json each (default: your questionnaires
    /// folder, ~/.config/confide/questionnaires)
    #[arg(short = 'o', long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// The id to give the questionnaire, when one is imported (default: made from its name)
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    #[command(flatten)]
    pub(crate) catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Intake files, or folders of them
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub(crate) paths: Vec<PathBuf>,
    /// An age identity file (plain or passphrase-protected); may be repeated
    #[arg(short = 'i', long = "identity", value_name = "IDENTITY_FILE")]
    pub(crate) identities: Vec<PathBuf>,
    /// How to print the report: text to read, JSON (confide.report/1), CSV with one row
    /// per intake, Markdown, or a FHIR R4 Bundle
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
pub(crate) enum ExportFormat {
    Json,
    Fhir,
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

    #[test]
    fn the_command_line_definition_is_consistent() {
        command().debug_assert();
    }

    /// Every command reachable from `confide`, with its own name path.
    fn every_command(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
            let name = format!("{path} {}", sub.get_name());
            every_command(sub, &name, out);
        }
        out.push((path.to_owned(), cmd.clone()));
    }

    #[test]
    fn every_option_and_argument_shown_in_the_help_says_what_it_is() {
        let mut cmd = command();
        cmd.build();
        let mut all = Vec::new();
        every_command(&cmd, "confide", &mut all);
        for (path, cmd) in all {
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                assert!(
                    arg.get_help().is_some(),
                    "`{path}`: {} has no help text",
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn the_top_level_help_lists_only_what_every_command_accepts() {
        let help = command().render_long_help().to_string();
        for take_only in ["--armor", "--plain", "--to", "--out", "--resume"] {
            assert!(!help.contains(take_only), "{take_only} in:\n{help}");
        }
        for global in ["--data-dir", "--color", "--lang", "--country"] {
            assert!(help.contains(global), "{global} missing:\n{help}");
        }
    }

    #[test]
    fn take_invite_report_and_history_show_examples() {
        let mut cmd = command();
        for name in ["take", "invite", "report", "history"] {
            let help = cmd
                .find_subcommand_mut(name)
                .unwrap()
                .render_long_help()
                .to_string();
            assert!(help.contains("Examples:\n  confide "), "{name}:\n{help}");
            assert!(!examples(name).is_empty());
        }
    }
}
