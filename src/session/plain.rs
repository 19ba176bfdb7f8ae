//! Plain mode: numbered choices and a `> ` prompt, one line per answer, for screen readers, pipes and
//! scripts. No colours, no cursor movement; every prompt ends with `> ` and reads one line.
//!
//! `b` goes back, `q` leaves, `?` shows the hint; at the review, `y` saves, `n` discards
//! (after asking), `b` goes back to the last question and `q` leaves.

use std::io::{BufRead, Read, Write};

use super::input::{Typed, choice_labels, describe, instructions, parse_line};
use super::{BEGIN, Confirm, Prompter, Question, Reply, ReviewLine, ReviewReply, Stop};
use crate::model::questionnaire::Item;
use crate::term::sanitize;

/// The keys of the interview, as the welcome says them.
pub(crate) const KEYS: &str = "Type the number of your answer and press Enter (where \
several apply, their numbers separated by commas). Enter alone skips; b goes back, ? gives \
a hint, q quits.";

/// Longest line read at a prompt, in bytes: above the longest text answer a questionnaire may
/// allow (10,000 characters of up to 4 bytes each).
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// A prompter reading lines from `input` and writing to `output`.
pub(crate) struct Plain<R, W> {
    input: R,
    output: W,
    lang: String,
    width: usize,
}

impl<R: BufRead, W: Write> Plain<R, W> {
    pub(crate) fn new(input: R, output: W, lang: &str, width: usize) -> Self {
        Plain {
            input,
            output,
            lang: lang.to_owned(),
            width,
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Stop> {
        self.output
            .write_all(text.as_bytes())
            .and_then(|()| self.output.flush())
            .map_err(Stop::Io)
    }

    fn wrap(&self, text: &str, indent: &str) -> String {
        let options = textwrap::Options::new(self.width)
            .initial_indent(indent)
            .subsequent_indent(indent)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        textwrap::fill(&sanitize::text(text), options)
    }

    /// Prints `> ` and reads one line; end of input is `Stop::Eof`. A line longer than
    /// [`MAX_LINE_BYTES`] is cut there and the rest of it skipped, so that input without a
    /// newline cannot fill memory; what is kept is still far too long for any answer, and is
    /// refused as such.
    fn read_line(&mut self) -> Result<String, Stop> {
        self.say("> ")?;
        let mut bytes = Vec::new();
        let n = (&mut self.input)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut bytes)
            .map_err(Stop::Io)?;
        if n == 0 {
            let _ = self.say("\n");
            return Err(Stop::Eof);
        }
        if !bytes.ends_with(b"\n") && n as u64 == MAX_LINE_BYTES {
            self.skip_rest_of_line()?;
        }
        let line = match String::from_utf8(bytes) {
            Ok(line) => line,
            Err(e) if e.utf8_error().error_len().is_none() && n as u64 == MAX_LINE_BYTES => {
                // Cut inside a character: keep the whole characters before it.
                let valid = e.utf8_error().valid_up_to();
                let mut bytes = e.into_bytes();
                bytes.truncate(valid);
                String::from_utf8(bytes).unwrap_or_default()
            }
            Err(_) => return Ok(String::from("\u{FFFD}")),
        };
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }

    /// Reads and drops input up to and including the next newline, a buffer at a time.
    fn skip_rest_of_line(&mut self) -> Result<(), Stop> {
        loop {
            let buf = self.input.fill_buf().map_err(Stop::Io)?;
            if buf.is_empty() {
                return Ok(());
            }
            let (used, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            self.input.consume(used);
            if done {
                return Ok(());
            }
        }
    }
}

impl<R: BufRead, W: Write> Plain<R, W> {
    /// The title and introduction of a questionnaire at its first question, and the notes
    /// (display items) before this question.
    fn heading(&self, question: &Question) -> String {
        let q = question.q;
        let lang = &self.lang;
        let mut text = String::new();
        if question.first_of_questionnaire {
            text.push('\n');
            let title = q.title.resolve(lang, &q.language);
            text.push_str(&format!(
                "{}\n{}\n",
                sanitize::line(title),
                "=".repeat(title.chars().count().min(self.width))
            ));
            if let Some(intro) = &q.intro {
                text.push_str(&self.wrap(intro.resolve(lang, &q.language), ""));
                text.push('\n');
            }
        }
        for note in &question.notes {
            text.push('\n');
            text.push_str(&self.wrap(note.resolve(lang, &q.language), ""));
            text.push('\n');
        }
        text
    }

    /// The question, with where it stands in its questionnaire ("Desire, 3 of 9: "), its
    /// numbered choices, and what to type.
    fn body(&self, question: &Question) -> String {
        let (q, item) = (question.q, question.item);
        let lang = &self.lang;
        let head = format!(
            "{}, {} of {}: ",
            sanitize::line(q.title.resolve(lang, &q.language)),
            question.number,
            question.total
        );
        let body = item.common().text.resolve(lang, &q.language);
        let mut text = textwrap::fill(
            &format!("{head}{}", sanitize::text(body)),
            textwrap::Options::new(self.width).subsequent_indent("  "),
        );
        text.push('\n');
        if matches!(item, Item::SingleChoice(_) | Item::MultiChoice(_)) {
            for (k, label) in choice_labels(q, item, lang).iter().enumerate() {
                text.push_str(&format!("  {}) {}\n", k + 1, sanitize::line(label)));
            }
        }
        let mut help = instructions(q, item, lang);
        if question.current.is_some() {
            help = format!(
                "Your answer was: {}. Press Enter to keep it; {}",
                sanitize::line(&describe(q, item, question.current, lang)),
                help.replace("; Enter to skip", "")
            );
        }
        text.push_str(&self.wrap(
            &format!("({help}; b to go back; ? for a hint; q to quit)"),
            "",
        ));
        text.push('\n');
        text
    }

    /// What a line typed at `question` means: a reply, or `None` when it is asked again
    /// (after saying why).
    fn reply_to(&mut self, question: &Question, line: &str) -> Result<Option<Reply>, Stop> {
        let (q, item) = (question.q, question.item);
        if line.trim().is_empty()
            && let Some(current) = question.current
        {
            return Ok(Some(Reply::Answer(current.clone())));
        }
        let said = match parse_line(q, item, line) {
            Ok(Typed::Answer(a)) => return Ok(Some(Reply::Answer(a))),
            Ok(Typed::Skip) if !item.common().required => return Ok(Some(Reply::Skip)),
            Ok(Typed::Skip) if item.common().declinable => {
                "This question needs an answer. You can choose \"Prefer not to answer\".".into()
            }
            Ok(Typed::Skip) => "This question needs an answer.".into(),
            Ok(Typed::Back) if question.can_go_back => return Ok(Some(Reply::Back)),
            Ok(Typed::Back) => "This is the first question.".into(),
            Ok(Typed::Hint) => match item.common().hint {
                Some(h) => self.wrap(h.resolve(&self.lang, &q.language), "  "),
                None => "  There is no hint for this question.".into(),
            },
            Ok(Typed::Quit) => return Ok(Some(Reply::Quit)),
            Err(why) => capitalise(&why),
        };
        self.say(&format!("{said}\n"))?;
        Ok(None)
    }
}

impl<R: BufRead, W: Write> Prompter for Plain<R, W> {
    fn ask(&mut self, question: &Question) -> Result<Reply, Stop> {
        let mut text = self.heading(question);
        text.push('\n');
        text.push_str(&self.body(question));
        self.say(&text)?;
        loop {
            let line = self.read_line()?;
            if let Some(reply) = self.reply_to(question, &line)? {
                return Ok(reply);
            }
        }
    }

    fn review(&mut self, lines: &[ReviewLine], confirm: Confirm) -> Result<ReviewReply, Stop> {
        let lang = self.lang.clone();
        let mut text = String::from("\nReview your answers\n===================\n");
        let mut last_q = "";
        for (k, line) in lines.iter().enumerate() {
            if line.q.id != last_q {
                last_q = &line.q.id;
                text.push_str(&format!(
                    "{}\n",
                    sanitize::line(line.q.title.resolve(&lang, &line.q.language))
                ));
            }
            let question = line.item.common().text.resolve(&lang, &line.q.language);
            let answer = describe(line.q, line.item, line.answer, &lang);
            text.push_str(&format!(
                "  {}) {}\n     {}\n",
                k + 1,
                sanitize::line(question),
                sanitize::line(&answer)
            ));
        }
        let action = match confirm {
            Confirm::Save => {
                "Type y to save these answers, n to discard them, or a number to change an answer (b to go back, q to quit)."
            }
            Confirm::Summary => {
                "Type y to see your summary (nothing will be saved), n to discard, or a number to change an answer (b to go back, q to quit)."
            }
            Confirm::Together => {
                "Type y when these are your answers, n to discard them, or a number to change an answer (b to go back, q to quit)."
            }
        };
        text.push_str(&self.wrap(action, ""));
        text.push('\n');
        self.say(&text)?;
        loop {
            let line = self.read_line()?;
            match line.trim() {
                "y" | "Y" | "yes" => return Ok(ReviewReply::Save),
                "n" | "N" | "no" => return Ok(ReviewReply::Discard),
                "b" | "B" => return Ok(ReviewReply::Back),
                "q" | "Q" => return Ok(ReviewReply::Quit),
                other => match other.parse::<usize>() {
                    Ok(k) if (1..=lines.len()).contains(&k) => {
                        return Ok(ReviewReply::Change(lines[k - 1].pos));
                    }
                    _ => self.say(&format!(
                        "Type y, n, b, q, or a number from 1 to {}.\n",
                        lines.len()
                    ))?,
                },
            }
        }
    }

    fn notice(&mut self, message: &str) {
        let _ = self.say(&format!("{}\n", capitalise(message)));
    }

    fn intro(&mut self, text: &str) {
        let wrapped = self.wrap(text, "");
        let _ = self.say(&format!("{wrapped}\n"));
    }

    fn welcome(&mut self, title: &str, text: &str) {
        let text = self.wrap(text, "");
        let _ = self.say(&format!("{}\n\n{text}\n", sanitize::line(title)));
    }

    fn begin(&mut self) -> Result<bool, Stop> {
        self.say(&format!("\n{BEGIN}\n"))?;
        loop {
            match self.read_line()?.trim() {
                "" => return Ok(true),
                "q" | "Q" => return Ok(false),
                _ => self.say("Press Enter to begin, or type q and Enter to leave.\n")?,
            }
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, Stop> {
        let q = self.wrap(question, "");
        self.say(&format!("\n{q}\n(Type y or n; Enter means n.)\n"))?;
        loop {
            match self.read_line()?.trim() {
                "y" | "Y" | "yes" => return Ok(true),
                "n" | "N" | "no" | "" => return Ok(false),
                _ => self.say("Type y or n.\n")?,
            }
        }
    }

    fn text(&mut self, question: &str) -> Result<Option<String>, Stop> {
        let q = self.wrap(question, "");
        self.say(&format!("\n{q}\n(An empty line goes back.)\n"))?;
        let line = self.read_line()?;
        let line = line.trim();
        Ok((!line.is_empty()).then(|| line.to_owned()))
    }

    fn choose(&mut self, question: &str, choices: &[&str]) -> Result<usize, Stop> {
        let mut text = format!("\n{}\n", self.wrap(question, ""));
        for (k, choice) in choices.iter().enumerate() {
            text.push_str(&format!("  {}) {}\n", k + 1, sanitize::line(choice)));
        }
        let again = match choices.len() {
            2 => "Type 1 or 2.".to_owned(),
            n => format!("Type a number from 1 to {n}."),
        };
        text.push_str(&format!(
            "({}; Enter chooses 1.)\n",
            again.trim_end_matches('.')
        ));
        self.say(&text)?;
        loop {
            let line = self.read_line()?;
            match line.trim() {
                "" => return Ok(0),
                other => match other.parse::<usize>() {
                    Ok(k) if (1..=choices.len()).contains(&k) => return Ok(k - 1),
                    _ => self.say(&format!("{again}\n"))?,
                },
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => {
            let mut out: String = f.to_uppercase().collect();
            out.push_str(c.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}
