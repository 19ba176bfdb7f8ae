//! Wrapping prose to a width with textwrap, with a shortcut for the many lines that fit.

/// `textwrap::fill` with an indent for the first line and one for the rest. A line that
/// plainly fits is returned as textwrap would return it, without splitting it into words
/// and searching for the best breaks, which was most of the time of a text report.
/// Lines break at spaces only, never after a hyphen ("GAD-2", "self-exploration").
pub(crate) fn fill(text: &str, width: usize, first: &str, rest: &str) -> String {
    if fits_on_one_line(text, width, first) {
        let mut out = String::with_capacity(first.len() + text.len());
        out.push_str(first);
        out.push_str(text);
        return out;
    }
    textwrap::fill(
        text,
        textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(rest)
            .word_splitter(textwrap::WordSplitter::NoHyphenation),
    )
}

/// No character takes more columns than it has bytes in UTF-8, so a line shorter in bytes
/// than the width fits. Anything textwrap treats specially (line breaks, tabs, escape
/// sequences, whitespace at either end, an empty line) takes the long way.
fn fits_on_one_line(text: &str, width: usize, first: &str) -> bool {
    first.len() + text.len() < width
        && first.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
        && !text.is_empty()
        && !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::fill;
    use serde_json::Value;

    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }

    /// Every text of the bundled questionnaires and some awkward ones, at several widths
    /// and indents: the shortcut must give exactly what textwrap gives.
    #[test]
    fn the_shortcut_gives_what_textwrap_gives() {
        let mut texts: Vec<String> = Vec::new();
        let catalog = crate::model::catalog::Catalog::bundled().unwrap();
        for e in &catalog.entries {
            strings(e.loaded.value(), &mut texts);
        }
        for awkward in [
            "",
            " ",
            "a",
            "two  spaces",
            " leading",
            "trailing ",
            "trailing\u{a0}",
            "tab\there",
            "line\nbreak",
            "a-very-long-hyphenated-word-that-may-split-across-lines",
            "性的な健康についての質問です",
            "emoji 👩‍❤️‍👨 and accents é ñ",
            "combining e\u{301} marks",
            "zero\u{200b}width",
            "\u{1b}[1mbold\u{1b}[0m",
            "exactly forty characters long, no more.",
        ] {
            texts.push(awkward.to_owned());
        }
        assert!(texts.len() > 500, "{}", texts.len());
        let mut shortcut = 0;
        for width in [12, 20, 40, 41, 72, 80, 100] {
            for (first, rest) in [
                ("", ""),
                ("  ", "    "),
                ("- ", "  "),
                ("      -> ", "         "),
            ] {
                for t in &texts {
                    let expected = textwrap::fill(
                        t,
                        textwrap::Options::new(width)
                            .initial_indent(first)
                            .subsequent_indent(rest)
                            .word_splitter(textwrap::WordSplitter::NoHyphenation),
                    );
                    assert_eq!(fill(t, width, first, rest), expected, "{t:?} at {width}");
                    if super::fits_on_one_line(t, width, first) {
                        shortcut += 1;
                    }
                }
            }
        }
        // The shortcut is taken often enough to matter.
        assert!(shortcut > 1000, "{shortcut}");
    }
}
