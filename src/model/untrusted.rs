//! Text read from files (questionnaires, records, resources) that others show or check:
//! which characters it may never carry, and how it is shortened when a message quotes it.
//! Validation refuses these characters, `term` neutralises them for the terminal and CSV
//! cells drop them: every layer uses this one definition.

/// Characters that could move the cursor, change colours or reorder text on screen: the
/// C0 controls but newline, DEL and the C1 controls (U+009B is a one-byte CSI), every
/// bidirectional control (the marks U+061C, U+200E and U+200F, the embeddings and overrides
/// U+202A to U+202E, the isolates U+2066 to U+2069), and the line and paragraph separators
/// U+2028 and U+2029, which some terminals and viewers take as line breaks.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// At most `n` characters of `s`, with `…` after a cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}
