//! `confide complete -- WORDS...` (hidden): what the completion scripts ask at each Tab. WORDS
//! are the words of the command line up to the one being typed, which comes last (possibly
//! empty). When that word is a value confide knows and a script cannot (a questionnaire id,
//! a session or draft id, a command for `confide man`), the candidates that start with it
//! are printed, one a line, and the exit code is 0; anywhere else nothing is printed and the
//! exit code is 1, and the script completes as it would without confide.
//!
//! Session and draft ids are the names of the files in the data folder: nothing is
//! decrypted and no passphrase is asked. Nothing is written, and nothing is printed to
//! standard error, which would land in the middle of the command line.

use std::path::{Path, PathBuf};

use clap::Arg;

use crate::cli::{self, GlobalArgs};
use crate::store;
use crate::store::vault::Vault;

/// A value confide completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Values {
    Questionnaires,
    Sessions,
    Drafts,
    SessionsAndDrafts,
    /// The commands below the ones already named (for `confide man`).
    Commands,
}

/// Which arguments take which values: the path of the command (`""` for `confide` itself)
/// and the id of the argument in `cli`.
const VALUES: &[(&str, &str, Values)] = &[
    ("", "resume", Values::Drafts),
    ("take", "ids", Values::Questionnaires),
    ("take", "resume", Values::Drafts),
    ("invite", "ids", Values::Questionnaires),
    ("invite", "questionnaires", Values::Questionnaires),
    ("export", "ids", Values::Questionnaires),
    ("show", "id", Values::Sessions),
    ("delete", "id", Values::SessionsAndDrafts),
    ("drafts", "discard", Values::Drafts),
    ("man", "command", Values::Commands),
];

/// The long names of the options whose values confide completes, such as `resume`.
pub(super) fn options_with_values() -> Vec<String> {
    let mut root = cli::command();
    root.build();
    let mut longs: Vec<String> = Vec::new();
    for (path, id, _) in VALUES {
        let long = command_at(&root, path)
            .into_iter()
            .flat_map(clap::Command::get_arguments)
            .find(|a| a.get_id() == *id)
            .and_then(Arg::get_long);
        if let Some(long) = long
            && !longs.iter().any(|l| l == long)
        {
            longs.push(long.to_owned());
        }
    }
    longs
}

/// The command at `path` (names separated by spaces) below `root`.
fn command_at<'a>(root: &'a clap::Command, path: &str) -> Option<&'a clap::Command> {
    let mut cmd = root;
    for name in path.split_whitespace() {
        cmd = cmd.find_subcommand(name)?;
    }
    Some(cmd)
}

/// What the command line says so far.
#[derive(Debug, Default, PartialEq)]
struct Line {
    /// The names of the commands given, such as `["keys", "init"]`.
    path: Vec<String>,
    /// The positional values given to the last command.
    positionals: Vec<String>,
    data_dir: Option<PathBuf>,
    questionnaire_dirs: Vec<PathBuf>,
}

/// The value being typed: which argument, what is typed of it, and what comes before it in
/// the same word (`--resume=`).
#[derive(Debug, PartialEq)]
struct Typing {
    arg: String,
    typed: String,
    prefix: String,
}

/// Prints the candidates for the last of `words` and returns the exit code (0: these are
/// the candidates, 1: not a value confide completes).
pub(crate) fn complete(global: &GlobalArgs, words: &[String]) -> i32 {
    let mut root = cli::command();
    root.build();
    let Some((line, typing)) = read(&root, words) else {
        return 1;
    };
    let path = line.path.join(" ");
    let Some(&(_, _, values)) = VALUES
        .iter()
        .find(|(p, arg, _)| *p == path && *arg == typing.arg)
    else {
        return 1;
    };
    let mut out = String::new();
    for candidate in candidates(values, &root, &line, global) {
        if candidate.starts_with(&typing.typed) {
            out.push_str(&typing.prefix);
            out.push_str(&candidate);
            out.push('\n');
        }
    }
    let _ = crate::term::print(&out);
    0
}

/// Every value of a kind, before filtering by what is typed.
fn candidates(
    values: Values,
    root: &clap::Command,
    line: &Line,
    global: &GlobalArgs,
) -> Vec<String> {
    let data_dir = line.data_dir.as_deref().or(global.data_dir.as_deref());
    match values {
        Values::Questionnaires => questionnaire_ids(&line.questionnaire_dirs),
        Values::Sessions => file_ids(data_dir, Vault::list_sessions),
        Values::Drafts => file_ids(data_dir, Vault::list_drafts),
        Values::SessionsAndDrafts => {
            let mut ids = file_ids(data_dir, Vault::list_sessions);
            ids.extend(file_ids(data_dir, Vault::list_drafts));
            ids
        }
        Values::Commands => {
            let mut cmd = root;
            for name in &line.positionals {
                match cmd.find_subcommand(name) {
                    Some(sub) => cmd = sub,
                    None => return Vec::new(),
                }
            }
            cmd.get_subcommands()
                .filter(|c| !c.is_hide_set() && c.get_name() != "help")
                .map(|c| c.get_name().to_owned())
                .collect()
        }
    }
}

/// The ids of the bundled questionnaires and the custom ones (from `dirs` and the config
/// folder); files left out are left out quietly.
fn questionnaire_ids(dirs: &[PathBuf]) -> Vec<String> {
    let config = store::paths::config_dir();
    let dirs: Vec<PathBuf> = dirs.iter().filter(|d| d.is_dir()).cloned().collect();
    let mut skipped = Vec::new();
    match store::questionnaires::catalog(&dirs, config.as_deref(), &mut skipped) {
        Ok(catalog) => catalog.ids().into_iter().map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    }
}

/// The ids of the files a vault lists, by their names only.
fn file_ids(
    data_dir: Option<&Path>,
    list: fn(&Vault) -> crate::error::Result<Vec<store::sessions::SessionFile>>,
) -> Vec<String> {
    Vault::locate(data_dir)
        .and_then(|vault| list(&vault))
        .map(|files| files.into_iter().map(|f| f.id).collect())
        .unwrap_or_default()
}

/// Reads the command line: the words before the last, then what the last one is. `None`
/// when the last word is not a value (an option, a command name).
fn read(root: &clap::Command, words: &[String]) -> Option<(Line, Typing)> {
    let (current, before) = words.split_last()?;
    // The first word is the program.
    let before = before.get(1..).unwrap_or_default();
    let mut line = Line::default();
    let mut cmd = root;
    let mut i = 0;
    let mut positional_only = false;
    while i < before.len() {
        let word = before[i].as_str();
        i += 1;
        if positional_only || word == "-" || !word.starts_with('-') {
            if line.positionals.is_empty()
                && !positional_only
                && let Some(sub) = cmd.find_subcommand(word)
            {
                cmd = sub;
                line.path.push(sub.get_name().to_owned());
            } else {
                line.positionals.push(word.to_owned());
            }
            continue;
        }
        if word == "--" {
            positional_only = true;
            continue;
        }
        let Some((arg, inline)) = option(cmd, word) else {
            continue;
        };
        if !takes_value(arg) {
            continue;
        }
        if let Some(value) = inline {
            keep(&mut line, arg, value);
            continue;
        }
        // bash splits `--resume=ID` into `--resume`, `=` and `ID`.
        if before.get(i).map(String::as_str) == Some("=") {
            match before.get(i + 1) {
                Some(value) => {
                    keep(&mut line, arg, value);
                    i += 2;
                    continue;
                }
                None => return Some((line, typing(arg, current, ""))),
            }
        }
        if arg.is_require_equals_set() {
            continue;
        }
        match before.get(i) {
            Some(value) => {
                keep(&mut line, arg, value);
                i += 1;
            }
            // The option's value is the word being typed.
            None => return Some((line, typing(arg, current, ""))),
        }
    }
    if !positional_only && current.starts_with('-') {
        let (arg, inline) = option(cmd, current)?;
        let typed = inline?;
        let prefix = &current[..current.len() - typed.len()];
        return Some((line, typing(arg, typed, prefix)));
    }
    let arg = positional(cmd, line.positionals.len())?;
    Some((line, typing(arg, current, "")))
}

fn typing(arg: &Arg, typed: &str, prefix: &str) -> Typing {
    Typing {
        arg: arg.get_id().to_string(),
        typed: typed.to_owned(),
        prefix: prefix.to_owned(),
    }
}

/// The option a word names (`--long`, `--long=value`, `-s`, `-svalue`, or several short
/// flags at once), and the value given in the same word.
fn option<'c, 'w>(cmd: &'c clap::Command, word: &'w str) -> Option<(&'c Arg, Option<&'w str>)> {
    if let Some(long) = word.strip_prefix("--") {
        let (name, value) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (long, None),
        };
        let arg = cmd.get_arguments().find(|a| {
            a.get_long() == Some(name)
                || a.get_all_aliases()
                    .is_some_and(|aliases| aliases.contains(&name))
        })?;
        return Some((arg, value));
    }
    let shorts = word.strip_prefix('-')?;
    for (at, c) in shorts.char_indices() {
        let arg = cmd.get_arguments().find(|a| a.get_short() == Some(c))?;
        if takes_value(arg) {
            let rest = &shorts[at + c.len_utf8()..];
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            return Some((arg, (!rest.is_empty()).then_some(rest)));
        }
    }
    None
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_num_args().is_some_and(|n| n.takes_values())
}

/// The positional argument that takes the value after `given` others.
fn positional(cmd: &clap::Command, given: usize) -> Option<&Arg> {
    let mut positionals: Vec<&Arg> = cmd.get_positionals().collect();
    positionals.sort_by_key(|a| a.get_index());
    positionals.into_iter().enumerate().find_map(|(k, arg)| {
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        (many || given == k).then_some(arg)
    })
}

/// Notes what an option given before says about where to look.
fn keep(line: &mut Line, arg: &Arg, value: &str) {
    let path = || expand_home(value);
    match arg.get_id().as_str() {
        "data_dir" => line.data_dir = Some(path()),
        "questionnaire_dirs" => line.questionnaire_dirs.push(path()),
        _ => {}
    }
}

/// `~/x` as the shell would read it (the completion scripts receive words unexpanded).
fn expand_home(value: &str) -> PathBuf {
    match (value.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> clap::Command {
        let mut root = cli::command();
        root.build();
        root
    }

    fn words(line: &str) -> Vec<String> {
        let mut w: Vec<String> = line.split(' ').map(str::to_owned).collect();
        if line.ends_with(' ') {
            w.pop();
            w.push(String::new());
        }
        w
    }

    /// Where the last word of `line` is, as (path, argument, typed, prefix).
    fn at(line: &str) -> Option<(String, String, String, String)> {
        let root = root();
        let (l, t) = read(&root, &words(line))?;
        Some((l.path.join(" "), t.arg, t.typed, t.prefix))
    }

    fn owned(p: &str, a: &str, t: &str, x: &str) -> Option<(String, String, String, String)> {
        Some((p.into(), a.into(), t.into(), x.into()))
    }

    #[test]
    fn every_argument_named_in_the_table_exists() {
        let root = root();
        for (path, arg, _) in VALUES {
            let cmd = command_at(&root, path).unwrap();
            assert!(
                cmd.get_arguments().any(|a| a.get_id() == *arg),
                "`{path}` has no argument {arg}"
            );
        }
    }

    #[test]
    fn positional_values_are_found_after_options_and_their_values() {
        assert_eq!(at("confide take de"), owned("take", "ids", "de", ""));
        assert_eq!(at("confide take desire "), owned("take", "ids", "", ""));
        assert_eq!(
            at("confide --data-dir d take --plain -o x.age -a pa"),
            owned("take", "ids", "pa", "")
        );
        assert_eq!(at("confide show 2026"), owned("show", "id", "2026", ""));
        assert_eq!(at("confide delete "), owned("delete", "id", "", ""));
        assert_eq!(
            at("confide invite -r age1x desire,"),
            owned("invite", "ids", "desire,", "")
        );
        assert_eq!(at("confide man keys "), owned("man", "command", "", ""));
    }

    #[test]
    fn option_values_are_found_in_every_spelling() {
        assert_eq!(
            at("confide drafts --discard 20"),
            owned("drafts", "discard", "20", "")
        );
        assert_eq!(
            at("confide drafts --discard=20"),
            owned("drafts", "discard", "20", "--discard=")
        );
        assert_eq!(
            at("confide take --resume=2026"),
            owned("take", "resume", "2026", "--resume=")
        );
        // bash: `--resume=` and `--resume=20` split at the `=`.
        assert_eq!(
            at("confide take --resume = "),
            owned("take", "resume", "", "")
        );
        assert_eq!(
            at("confide take --resume = 20"),
            owned("take", "resume", "20", "")
        );
        // `--resume` takes its value only after `=`: a word after it is an id.
        assert_eq!(
            at("confide take --resume de"),
            owned("take", "ids", "de", "")
        );
    }

    #[test]
    fn options_and_commands_are_left_to_the_script() {
        assert_eq!(at("confide take --pl"), None);
        assert_eq!(at("confide ta"), None);
        assert_eq!(at("confide keys "), None);
        assert_eq!(
            at("confide validate "),
            Some(("validate".into(), "files".into(), "".into(), "".into()))
        );
    }

    #[test]
    fn the_data_folder_and_questionnaire_folders_given_are_used() {
        let root = root();
        let (line, _) = read(
            &root,
            &words("confide --data-dir /d take --questionnaires=/q1 --questionnaires /q2 x"),
        )
        .unwrap();
        assert_eq!(line.data_dir, Some(PathBuf::from("/d")));
        assert_eq!(
            line.questionnaire_dirs,
            vec![PathBuf::from("/q1"), PathBuf::from("/q2")]
        );
    }
}
