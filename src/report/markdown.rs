//! Text from files (questionnaires, free-text answers, references, file names) placed in
//! Markdown output. Every piece of such text goes through [`escape`], headings included, so
//! it reads as the same words in any Markdown viewer and never becomes markup: no image
//! that loads a remote address when the report is opened (`![x](http://host/pixel.png)`),
//! no link, no raw HTML, no code, table cell or heading of its own.

use crate::term::sanitize;

/// ASCII punctuation that can start or end Markdown or HTML syntax inline. Each is written
/// with a backslash, which CommonMark and GitHub Flavored Markdown read as the character
/// itself.
const SYNTAX: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '(', ')', '!', '<', '>', '#', '|', '~', '&',
];

/// `s` as literal Markdown text on one line: terminal controls and direction overrides
/// become U+FFFD, line breaks become spaces, leading blanks are dropped (they could make an
/// indented code block), Markdown and HTML syntax is backslash-escaped, and what would
/// begin a list, heading or block quote at the start of a line is escaped too.
pub fn escape(s: &str) -> String {
    let flat = sanitize::line(s);
    let text = flat.trim_start_matches([' ', '\t', '\r']);
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 2);
    // `- x`, `+ x` and `= x` at the start of a line: a list item or a heading underline.
    if text.starts_with(['-', '+', '=']) {
        out.push('\\');
    }
    // `1. x` and `1) x` at the start of a line: an ordered list.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0
        && (text[digits..].starts_with(". ")
            || text[digits..].starts_with(".\t")
            || &text[digits..] == ".");
    for (i, c) in text.char_indices() {
        if SYNTAX.contains(&c) || (numbered && i == digits) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn images_links_html_and_code_are_plain_text() {
        assert_eq!(
            escape("![x](http://host/pixel.png?id=1)"),
            "\\!\\[x\\]\\(http://host/pixel.png?id=1\\)"
        );
        assert_eq!(
            escape("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert\\(1\\)\\>"
        );
        assert_eq!(
            escape("`code` **b** _i_ ~~s~~"),
            "\\`code\\` \\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~"
        );
        assert_eq!(escape("a | b \\ c &amp; #1"), "a \\| b \\\\ c \\&amp; \\#1");
        assert_eq!(escape("[ref]: http://host"), "\\[ref\\]: http://host");
    }

    #[test]
    fn what_would_start_a_block_is_escaped() {
        assert_eq!(escape("# heading"), "\\# heading");
        assert_eq!(escape("> quote"), "\\> quote");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("+ item"), "\\+ item");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("3) item"), "3\\) item");
        assert_eq!(escape("7."), "7\\.");
        assert_eq!(escape("0.1.0"), "0.1.0");
        assert_eq!(escape("     indented code"), "indented code");
        assert_eq!(escape("one\n# two\n    three"), "one \\# two     three");
        // Only at the start: the same characters later on are prose.
        assert_eq!(escape("a - b + c = 1. d"), "a - b + c = 1. d");
    }

    #[test]
    fn controls_are_replaced_and_plain_words_kept() {
        assert_eq!(escape("a\u{1b}[2J\u{202e}b"), "a\u{FFFD}\\[2J\u{FFFD}b");
        assert_eq!(escape("Samaritans: 116 123"), "Samaritans: 116 123");
        assert_eq!(escape("é, ü; 中."), "é, ü; 中.");
    }
}
