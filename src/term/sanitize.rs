//! Making untrusted text (questionnaire text, free-text answers, file names) safe to print:
//! control characters and direction overrides cannot move the cursor, change colours or
//! reorder what a reader sees.

use std::borrow::Cow;

use crate::model::validate::is_forbidden_char;

/// Replaces control and bidi-override characters with U+FFFD, keeping newlines.
pub fn text(s: &str) -> Cow<'_, str> {
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
pub fn line(s: &str) -> Cow<'_, str> {
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
    fn plain_text_and_newlines_pass_unchanged() {
        assert!(matches!(text("a\nb"), Cow::Borrowed("a\nb")));
        assert_eq!(line("a\nb"), "a b");
    }
}
