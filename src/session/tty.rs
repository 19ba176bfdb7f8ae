//! Terminal mode: arrow-key choices (`pick`, which works in a window of any size), `b` to go
//! back, Esc to go back (on the first question: leave), `q` to quit, `?` for the keys (the
//! same letters as plain mode), a review screen
//! where any answer can be changed, yes or no questions with dialoguer. Prompts go to
//! standard error when it is a terminal (so standard output can be redirected), else to
//! standard output.

use std::io;

use console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use super::input::{
    DECLINE_LABEL, choice_labels, describe, instructions, parse_answer, typed_text,
};
use super::pick::{Pick, Picked};
use super::{BEGIN, Confirm, Prompter, Question, Reply, ReviewLine, ReviewReply, Stop};
use crate::model::answer::{Answer, check};
use crate::model::questionnaire::{Item, Questionnaire};
use crate::term::sanitize;
use crate::term::style::Style;

const SKIP_LABEL: &str = "Skip this question";
const NEEDS_AN_ANSWER: &str = "This question needs an answer.";
/// The keys of the interview, as the welcome says them.
pub(crate) const KEYS: &str =
    "Keys: arrows move, Enter chooses, Space marks, b or Esc back, ? hint, q quits.";
/// The keys of the review list, shown after `?`.
const REVIEW_KEYS: &str =
    "Keys: arrows move, Enter chooses, Esc or b goes back to the last question, q quits";

/// A prompter on a real terminal.
pub(crate) struct Tty {
    term: Term,
    lang: String,
    style: Style,
}

impl Tty {
    /// A terminal prompter, or `None` when neither standard error nor standard output is a
    /// terminal.
    pub(crate) fn new(lang: &str, style: Style) -> Option<Tty> {
        let term = if Term::stderr().is_term() {
            Term::stderr()
        } else if Term::stdout().is_term() {
            Term::stdout()
        } else {
            return None;
        };
        Some(Tty {
            term,
            lang: lang.to_owned(),
            style,
        })
    }

    /// The width to wrap to: the window's as it is now (it may have been resized), at most
    /// 100 columns.
    fn width(&self) -> usize {
        self.term
            .size_checked()
            .map_or(80, |(_, w)| (w as usize).saturating_sub(1).clamp(20, 100))
    }

    fn theme(&self) -> Box<dyn Theme> {
        if self.style.color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        }
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text).map_err(Stop::from)
    }

    fn wrap(&self, text: &str) -> String {
        crate::term::wrap::fill(&sanitize::text(text), self.width(), "", "")
    }

    /// Reads a line with simple editing. `None` means Esc.
    fn read_text(&self, prompt: &str, initial: &str) -> io::Result<Option<String>> {
        let mut buf: Vec<char> = initial.chars().collect();
        self.term.write_str(prompt)?;
        self.term.write_str(initial)?;
        self.term.show_cursor()?;
        loop {
            match self.term.read_key()? {
                Key::Enter => {
                    self.term.write_line("")?;
                    return Ok(Some(buf.iter().collect()));
                }
                Key::Escape => {
                    self.term.write_line("")?;
                    return Ok(None);
                }
                Key::Backspace if !buf.is_empty() => {
                    buf.pop();
                    self.term.clear_chars(1)?;
                }
                Key::Char(c) if !c.is_control() && buf.len() < 10_000 => {
                    buf.push(c);
                    let mut tmp = [0u8; 4];
                    self.term.write_str(c.encode_utf8(&mut tmp))?;
                }
                _ => {}
            }
        }
    }

    fn header(&self, question: &Question) -> Result<(), Stop> {
        let q = question.q;
        let lang = &self.lang;
        if question.first_of_questionnaire {
            self.line("")?;
            self.line(
                &self
                    .style
                    .bold(&sanitize::line(q.title.resolve(lang, &q.language))),
            )?;
            if let Some(intro) = &q.intro {
                self.line(&self.wrap(intro.resolve(lang, &q.language)))?;
            }
        }
        for note in &question.notes {
            self.line("")?;
            self.line(&self.wrap(note.resolve(lang, &q.language)))?;
        }
        self.line("")?;
        self.line(&self.style.dim(&self.wrap(&progress(question, lang))))?;
        if let Some(h) = question.item.common().hint {
            self.line(&self.style.dim(&self.wrap(h.resolve(lang, &q.language))))?;
        }
        Ok(())
    }

    /// The question's text, made safe to show.
    fn text_of(&self, question: &Question) -> String {
        let text = question.item.common().text;
        sanitize::text(text.resolve(&self.lang, &question.q.language)).into_owned()
    }

    /// The line `?` shows below a list: every key, then the question's hint.
    fn keys_help(&self, question: &Question, many: bool) -> String {
        let choose = if many {
            "Space marks, Enter confirms"
        } else {
            "Enter chooses"
        };
        let leave = if question.can_go_back {
            "Esc or b goes back, q quits"
        } else {
            "Esc or q leaves"
        };
        let mut help = format!("Keys: arrows move, {choose}, {leave}");
        if let Some(hint) = question.item.common().hint {
            help.push_str(" | Hint: ");
            help.push_str(&sanitize::line(
                hint.resolve(&self.lang, &question.q.language),
            ));
        }
        help
    }

    /// A single choice: one of the options, "Prefer not to answer" or "Skip this question",
    /// starting at the answer given before.
    fn ask_one(&mut self, question: &Question) -> Result<Reply, Stop> {
        let item = question.item;
        let skip = !item.common().required;
        let (entries, labels) = choice_entries(question.q, item, &self.lang, skip);
        let default = entries
            .iter()
            .position(|e| e.is_in(question.current))
            .unwrap_or(0);
        self.line(&self.style.dim(&self.wrap(&format!(
            "Arrow keys to move, Enter to choose, {}",
            leaving_keys(question)
        ))))?;
        let text = self.text_of(question);
        let help = self.keys_help(question, false);
        let picked = Pick::one(&self.term, self.style, Some(&text), &labels, default, &help)?;
        Ok(match picked {
            Picked::Back => Reply::Back,
            Picked::Escape => back_or_quit(question),
            Picked::Quit => Reply::Quit,
            Picked::Chosen(i) => match entries[i] {
                Entry::Option(value) => Reply::Answer(Answer::Choice(value)),
                Entry::Decline => Reply::Answer(Answer::Declined),
                Entry::Skip => Reply::Skip,
            },
        })
    }

    /// A multiple choice: every option that applies, or "Prefer not to answer" alone;
    /// nothing marked skips the question when it may be skipped.
    fn ask_many(&mut self, question: &Question) -> Result<Reply, Stop> {
        let (q, item) = (question.q, question.item);
        let required = item.common().required;
        let (entries, labels) = choice_entries(q, item, &self.lang, false);
        let marked: Vec<bool> = entries.iter().map(|e| e.is_in(question.current)).collect();
        let skip = if required {
            ""
        } else {
            ", Enter with nothing marked to skip"
        };
        self.line(&self.style.dim(&self.wrap(&format!(
            "Space to mark each that applies, Enter to confirm{skip}, {}",
            leaving_keys(question)
        ))))?;
        let text = self.text_of(question);
        let help = self.keys_help(question, true);
        let answer_of = |picked: &[usize]| {
            marked_answer(&entries, picked)
                .and_then(|answer| check(q, item, &answer).map(|()| answer))
        };
        // Refused markings are said below the list, once, and the list stays.
        let refusal = |picked: &[usize]| match answer_of(picked) {
            _ if picked.is_empty() && !required => None,
            Ok(_) => None,
            Err(why) => Some(capitalised(&why)),
        };
        loop {
            let picked = Pick::many(
                &self.term,
                self.style,
                Some(&text),
                &labels,
                &marked,
                &help,
                &refusal,
            )?;
            return Ok(match picked {
                Picked::Chosen(picked) if picked.is_empty() && !required => Reply::Skip,
                Picked::Chosen(picked) => match answer_of(&picked) {
                    Ok(answer) => Reply::Answer(answer),
                    // The list refuses what `refusal` refuses: not reached.
                    Err(why) => {
                        self.notice(&why);
                        continue;
                    }
                },
                Picked::Back => Reply::Back,
                Picked::Escape => back_or_quit(question),
                Picked::Quit => Reply::Quit,
            });
        }
    }

    /// A number or a text, typed on one line, starting from the answer given before. A
    /// refused line is typed again in place, with the reason shown once above it.
    fn ask_typed(&mut self, question: &Question) -> Result<Reply, Stop> {
        let (q, item) = (question.q, question.item);
        let text = self.text_of(question);
        let mut initial = question
            .current
            .map(|answer| typed_text(q, item, answer))
            .unwrap_or_default();
        self.line(&self.wrap(&text))?;
        let esc = if question.can_go_back {
            "Esc to go back"
        } else {
            "Esc to leave"
        };
        self.line(
            &self
                .style
                .dim(&self.wrap(&format!("{}; {esc}", instructions(q, item, &self.lang)))),
        )?;
        // Lines of the reason shown for the last refused line.
        let mut shown = 0;
        loop {
            let Some(typed) = self.read_text("> ", &initial)? else {
                return Ok(back_or_quit(question));
            };
            let trimmed = typed.trim();
            let why = if trimmed.is_empty() {
                if !item.common().required {
                    return Ok(Reply::Skip);
                }
                NEEDS_AN_ANSWER.to_owned()
            } else {
                match parse_answer(q, item, trimmed) {
                    Ok(answer) => return Ok(Reply::Answer(answer)),
                    Err(why) => capitalised(&why),
                }
            };
            let typed_lines = self.rows_of(&format!("> {typed}"));
            self.term.clear_last_lines(typed_lines + shown)?;
            let why = self.wrap(&why);
            shown = why.lines().count();
            self.line(&self.style.yellow(&why))?;
            initial = typed;
        }
    }

    /// How many rows a line takes in the window as it is now.
    fn rows_of(&self, line: &str) -> usize {
        let cols = usize::from(self.term.size().1).max(1);
        console::measure_text_width(line).div_ceil(cols).max(1)
    }
}

/// Where the question stands in its questionnaire: "Desire, 3 of 9".
fn progress(question: &Question, lang: &str) -> String {
    let q = question.q;
    format!(
        "{}, {} of {}",
        sanitize::line(q.title.resolve(lang, &q.language)),
        question.number,
        question.total
    )
}

/// A message with its first letter capitalised, as notices are shown.
fn capitalised(message: &str) -> String {
    let mut m = message.to_owned();
    if let Some(first) = m.get(0..1) {
        m.replace_range(0..1, &first.to_uppercase());
    }
    m
}

/// The keys that go back and leave, as the line above a list says them.
fn leaving_keys(question: &Question) -> &'static str {
    if question.can_go_back {
        "Esc or b to go back, q to quit, ? for help"
    } else {
        "Esc or q to leave, ? for help"
    }
}

/// Esc goes back to the previous question; at the first, it leaves.
fn back_or_quit(question: &Question) -> Reply {
    if question.can_go_back {
        Reply::Back
    } else {
        Reply::Quit
    }
}

/// What an entry of a choice list stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Option(i64),
    Decline,
    Skip,
}

impl Entry {
    /// Whether `answer` chose this entry.
    fn is_in(self, answer: Option<&Answer>) -> bool {
        match (self, answer) {
            (Entry::Option(v), Some(Answer::Choice(chosen))) => v == *chosen,
            (Entry::Option(v), Some(Answer::Choices(chosen))) => chosen.contains(&v),
            (Entry::Decline, Some(Answer::Declined)) => true,
            _ => false,
        }
    }
}

/// The entries of a choice item and their labels, made safe to show: its options, then
/// "Prefer not to answer" when it is declinable, then, with `skip`, "Skip this question".
fn choice_entries(
    q: &Questionnaire,
    item: &Item,
    lang: &str,
    skip: bool,
) -> (Vec<Entry>, Vec<String>) {
    let mut entries: Vec<Entry> = q
        .options_of(item)
        .iter()
        .map(|o| Entry::Option(o.value))
        .collect();
    if item.common().declinable {
        entries.push(Entry::Decline);
    }
    let mut labels: Vec<String> = choice_labels(q, item, lang)
        .iter()
        .map(|l| sanitize::line(l).into_owned())
        .collect();
    if skip {
        entries.push(Entry::Skip);
        labels.push(SKIP_LABEL.into());
    }
    (entries, labels)
}

/// The answer of the entries marked in a multiple choice: the values of the options, or
/// "Prefer not to answer" alone.
fn marked_answer(entries: &[Entry], marked: &[usize]) -> Result<Answer, String> {
    if marked.is_empty() {
        return Err(NEEDS_AN_ANSWER.into());
    }
    let marked: Vec<Entry> = marked.iter().map(|&i| entries[i]).collect();
    if marked.contains(&Entry::Decline) {
        return if marked.len() > 1 {
            Err(format!(
                "\"{DECLINE_LABEL}\" cannot be combined with other options."
            ))
        } else {
            Ok(Answer::Declined)
        };
    }
    let values = marked.iter().filter_map(|e| match e {
        Entry::Option(v) => Some(*v),
        Entry::Decline | Entry::Skip => None,
    });
    Ok(Answer::Choices(values.collect()))
}

impl Prompter for Tty {
    fn ask(&mut self, question: &Question) -> Result<Reply, Stop> {
        self.header(question)?;
        match question.item {
            Item::SingleChoice(_) => self.ask_one(question),
            Item::MultiChoice(_) => self.ask_many(question),
            Item::Number(_) | Item::Text(_) => self.ask_typed(question),
            Item::Display(_) => Ok(Reply::Skip),
        }
    }

    fn review(&mut self, lines: &[ReviewLine], confirm: Confirm) -> Result<ReviewReply, Stop> {
        let lang = self.lang.clone();
        self.line("")?;
        self.line(&self.style.bold("Review your answers"))?;
        self.line(&self.style.dim(
            "Choose an answer to change it, or choose what to do at the end of the list (Esc or b to go back, q to quit).",
        ))?;
        let mut items: Vec<String> = lines
            .iter()
            .map(|l| {
                let question = l.item.common().text.resolve(&lang, &l.q.language);
                let answer = describe(l.q, l.item, l.answer, &lang);
                let short: String = sanitize::line(question)
                    .chars()
                    .take(self.width().saturating_sub(30).max(20))
                    .collect();
                format!("{short}  →  {}", sanitize::line(&answer))
            })
            .collect();
        items.push(
            match confirm {
                Confirm::Save => "Save these answers",
                Confirm::Summary => "Show my summary (nothing is saved)",
                Confirm::Together => "These are my answers",
            }
            .into(),
        );
        items.push("Discard these answers".into());
        let default = lines.len();
        let picked = Pick::one(&self.term, self.style, None, &items, default, REVIEW_KEYS)
            .map_err(Stop::from)?;
        Ok(match picked {
            Picked::Chosen(i) if i < lines.len() => ReviewReply::Change(lines[i].pos),
            Picked::Chosen(i) if i == lines.len() => ReviewReply::Save,
            Picked::Chosen(_) => ReviewReply::Discard,
            Picked::Back | Picked::Escape => ReviewReply::Back,
            Picked::Quit => ReviewReply::Quit,
        })
    }

    fn intro(&mut self, text: &str) {
        let _ = self.term.write_line(&self.wrap(text));
    }

    fn welcome(&mut self, title: &str, text: &str) {
        // No blank line below the title, so that an intake's welcome fits 24 rows too.
        let _ = self
            .line(&self.style.bold(&sanitize::line(title)))
            .and_then(|()| self.line(&self.wrap(text)));
    }

    fn begin(&mut self) -> Result<bool, Stop> {
        self.line("")?;
        self.line(&self.wrap(BEGIN))?;
        loop {
            match self.term.read_key()? {
                Key::Enter => return Ok(true),
                Key::Escape | Key::Char('q' | 'Q') => return Ok(false),
                _ => {}
            }
        }
    }

    fn confirm(&mut self, question: &str) -> Result<bool, Stop> {
        self.line("")?;
        let theme = self.theme();
        dialoguer::Confirm::with_theme(&*theme)
            .with_prompt(sanitize::line(question).into_owned())
            .default(false)
            .interact_on(&self.term)
            .map_err(|dialoguer::Error::IO(e)| Stop::from(e))
    }

    fn choose(&mut self, question: &str, choices: &[&str]) -> Result<usize, Stop> {
        let items: Vec<String> = choices
            .iter()
            .map(|c| sanitize::line(c).into_owned())
            .collect();
        self.line("")?;
        self.line(&self.style.dim("Arrow keys to move, Enter to choose"))?;
        let question = sanitize::line(question).into_owned();
        // Every choice here is an answer: going back or quitting means nothing yet.
        loop {
            let picked = Pick::one(
                &self.term,
                self.style,
                Some(&question),
                &items,
                0,
                "Keys: arrows move, Enter chooses",
            )
            .map_err(Stop::from)?;
            if let Picked::Chosen(i) = picked {
                return Ok(i);
            }
        }
    }

    fn text(&mut self, question: &str) -> Result<Option<String>, Stop> {
        self.line("")?;
        self.line(&self.wrap(question))?;
        self.line(&self.style.dim("Enter to confirm, Esc to go back"))?;
        self.read_text("> ", "").map_err(Stop::from)
    }

    fn notice(&mut self, message: &str) {
        let _ = self
            .term
            .write_line(&self.style.yellow(&self.wrap(&capitalised(message))));
    }
}
