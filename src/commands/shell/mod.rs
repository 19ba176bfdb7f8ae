//! `confide completions SHELL`, `confide man` and the hidden `confide complete`, all
//! generated from the command definition (`cli::command`).
//!
//! Completion scripts are clap_complete's static scripts, as `confide completions` has always
//! printed them: a file to install once, with a stable interface. Commands, options and the
//! values clap knows (formats, shells) come from them. Values that change on disk
//! (questionnaire ids, session and draft ids) cannot be written into a script, so the
//! scripts for bash, zsh and fish gain a few lines that ask `confide complete` for them as
//! Tab is pressed, and hand over to the static completion everywhere else. clap_complete's
//! own dynamic engine would do this too, but it sits behind its `unstable-dynamic` feature,
//! outside the crate's compatibility promise, and replaces the script with a call to
//! confide for every word; a small, tested addition to the stable scripts is easier to keep.

mod complete;
mod man;

pub(crate) use complete::complete;
pub(crate) use man::man;

use clap_complete::Shell;

use crate::cli;
use crate::error::Result;

/// The name clap_complete gives the completion function in bash and zsh; ours takes it, and
/// clap's becomes `_confide_static`.
const FUNCTION: &str = "_confide() {\n";
const STATIC_FUNCTION: &str = "_confide_static() {\n";

/// Added to the bash script: `_confide` asks confide for values, else completes as before.
const BASH_VALUES: &str = r#"
# Values that change (questionnaire ids, session and draft ids, commands of `confide man`)
# come from `confide complete` at each Tab; everything else from _confide_static above.
_confide() {
    local words=("${COMP_WORDS[@]:0:COMP_CWORD}") cur="${COMP_WORDS[COMP_CWORD]}" out
    # bash splits `--resume=ID` at `=`: keep the `=` so that confide sees the option.
    if [[ $cur == "=" ]]; then
        words+=("=")
        cur=""
    fi
    if out=$("${COMP_WORDS[0]}" complete -- "${words[@]}" "$cur" 2>/dev/null); then
        local IFS=$'\n'
        COMPREPLY=($out)
        return 0
    fi
    _confide_static "$@"
}
"#;

/// Added to the zsh script, before the lines that register `_confide`.
const ZSH_VALUES: &str = r#"# Values that change (questionnaire ids, session and draft ids, commands of `confide man`)
# come from `confide complete` at each Tab; everything else from _confide_static above.
_confide() {
    local out
    if out=$("${words[1]}" complete -- "${(@)words[1,CURRENT-1]}" "$PREFIX" 2>/dev/null); then
        local -a values
        values=(${(f)out})
        compadd -Q -- $values
        return 0
    fi
    _confide_static "$@"
}

"#;

/// Where the zsh script registers its function.
const ZSH_REGISTER: &str = "if [ \"$funcstack[1]\" = \"_confide\" ]; then";

/// Added to the fish script: one more source of candidates, used only where confide says a
/// value of its own is typed. fish completes the value of an option (`--resume=`) from
/// that option's entries alone and puts `--resume=` back itself, so each such option gets
/// an entry (`fish_option_entries`) and the candidates lose that prefix.
const FISH_VALUES: &str = r#"
# Values that change (questionnaire ids, session and draft ids, commands of `confide man`)
# come from `confide complete` at each Tab.
function __fish_confide_values
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l values (command $tokens[1] complete -- $tokens "$current" 2>/dev/null)
    or return 1
    string replace -r -- '^--[^=]*=' '' $values
    return 0
end
complete -c confide -f -n '__fish_confide_values >/dev/null' -a '(__fish_confide_values)'
"#;

pub(crate) fn completions(shell: Shell) -> Result<()> {
    crate::term::print(&script(shell))
}

/// The completion script for `shell`: clap_complete's, with the completion of values for
/// bash, zsh and fish.
fn script(shell: Shell) -> String {
    let mut cmd = cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "confide", &mut buf);
    let generated = String::from_utf8_lossy(&buf).into_owned();
    with_values(shell, &generated).unwrap_or(generated)
}

/// `generated` with the lines that complete values; `None` when the script is not shaped as
/// expected (then it is printed as it is, and completes everything but those values).
fn with_values(shell: Shell, generated: &str) -> Option<String> {
    match shell {
        Shell::Bash => {
            let renamed = rename_function(generated)?;
            Some(format!("{renamed}{BASH_VALUES}"))
        }
        Shell::Zsh => {
            let renamed = rename_function(generated)?;
            let at = renamed.rfind(ZSH_REGISTER)?;
            Some(format!("{}{ZSH_VALUES}{}", &renamed[..at], &renamed[at..]))
        }
        Shell::Fish => {
            let mut text = format!("{generated}{FISH_VALUES}");
            for long in complete::options_with_values() {
                text.push_str(&format!(
                    "complete -c confide -x -n '__fish_confide_values >/dev/null' -l {long} -a '(__fish_confide_values)'\n"
                ));
            }
            Some(text)
        }
        _ => None,
    }
}

/// The script with clap's `_confide` function named `_confide_static`.
fn rename_function(generated: &str) -> Option<String> {
    let at = generated
        .match_indices(FUNCTION)
        .find(|(i, _)| *i == 0 || generated[..*i].ends_with('\n'))?
        .0;
    Some(format!(
        "{}{STATIC_FUNCTION}{}",
        &generated[..at],
        &generated[at + FUNCTION.len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_zsh_and_fish_scripts_gain_the_completion_of_values() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut cmd = cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "confide", &mut buf);
            let generated = String::from_utf8(buf).unwrap();
            assert!(
                with_values(shell, &generated).is_some(),
                "{shell}: the generated script changed shape"
            );
            let text = script(shell);
            assert!(text.contains("complete -- "), "{shell}");
        }
    }

    #[test]
    fn bash_and_zsh_define_the_completion_function_once() {
        for shell in [Shell::Bash, Shell::Zsh] {
            let text = script(shell);
            assert_eq!(text.matches("\n_confide() {\n").count(), 1, "{shell}");
            assert_eq!(text.matches("_confide_static() {\n").count(), 1, "{shell}");
        }
        let zsh = script(Shell::Zsh);
        assert!(
            zsh.find("\n_confide() {\n").unwrap() < zsh.rfind(ZSH_REGISTER).unwrap(),
            "defined before it is registered"
        );
    }
}
