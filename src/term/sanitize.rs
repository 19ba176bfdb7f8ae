//! Making untrusted text (questionnaire text, free-text answers, file names) safe to print:
//! control characters and direction overrides cannot move the cursor, change colours or
//! reorder what a reader sees.

use std::borrow::Cow;

use crate::model::validate::is_forbidden_char;

/// Replaces control and bidi-override characters with U+FFFD, keeping newlines.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_forbidden_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_forbidden_char(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// Like `text`, and newlines become spaces: for one-line contexts such as tables.
pub(crate) fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\n' || is_forbidden_char(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' => ' ',
                c if is_forbidden_char(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_direction_overrides_are_neutralised() {
        let hostile = "ok\u{1b}[2J\u{202e}evil\u{7}";
        let clean = text(hostile);
        assert!(!clean.contains('\u{1b}'));
        assert!(!clean.contains('\u{202e}'));
        assert!(!clean.contains('\u{7}'));
        assert_eq!(clean, "ok\u{FFFD}[2J\u{FFFD}evil\u{FFFD}");
    }

    #[test]
    fn every_bidi_control_separator_and_c1_control_is_neutralised() {
        let marks = "\u{61c}\u{200e}\u{200f}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}\u{2028}\u{2029}\u{7f}\u{85}\u{8d}\u{9b}";
        let n = marks.chars().count();
        let hostile = format!("a{marks}b\nc");
        assert_eq!(text(&hostile), format!("a{}b\nc", "\u{FFFD}".repeat(n)));
        assert_eq!(line(&hostile), format!("a{}b c", "\u{FFFD}".repeat(n)));
    }

    #[test]
    fn plain_text_and_newlines_pass_unchanged() {
        assert!(matches!(text("a\nb"), Cow::Borrowed("a\nb")));
        assert_eq!(line("a\nb"), "a b");
    }
}
