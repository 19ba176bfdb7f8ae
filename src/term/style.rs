//! The colour decision, made once from `--color`, `NO_COLOR` and whether output is a
//! terminal, then passed down.

use std::io::IsTerminal;

/// How output is decorated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// The user's choice, as given by `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColorMode {
    Auto,
    Always,
    Never,
}

impl Style {
    pub(crate) fn decide(mode: ColorMode) -> Style {
        let color = match mode {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        };
        Style { color }
    }

    pub fn plain() -> Style {
        Style { color: false }
    }

    pub(crate) fn bold(&self, s: &str) -> String {
        self.paint(s, "1")
    }

    pub(crate) fn dim(&self, s: &str) -> String {
        self.paint(s, "2")
    }

    pub(crate) fn red(&self, s: &str) -> String {
        self.paint(s, "1;31")
    }

    pub(crate) fn yellow(&self, s: &str) -> String {
        self.paint(s, "33")
    }

    pub(crate) fn cyan(&self, s: &str) -> String {
        self.paint(s, "36")
    }

    fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_owned()
        }
    }
}
