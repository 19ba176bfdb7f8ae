//! Terminal mode: arrow-key choices (`pick`, which works in a window of any size), Esc to go
//! back, a review screen where any answer can be changed, yes or no questions with
//! dialoguer. Prompts go to standard error when it is a terminal (so standard output can be
//! redirected), else to standard output.

use std::io;

use console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use super::input::{DECLINE_LABEL, choice_labels, describe, instructions, parse_answer};
use super::pick::Pick;
use super::{Prompter, Question, Reply, ReviewLine, ReviewReply, Stop};
use crate::model::answer::Answer;
use crate::model::questionnaire::Item;
use crate::term::sanitize;
use crate::term::style::Style;

const SKIP_LABEL: &str = "Skip this question";

/// A prompter on a real terminal.
pub struct Tty {
    term: Term,
    lang: String,
    style: Style,
}

impl Tty {
    /// A terminal prompter, or `None` when neither standard error nor standard output is a
    /// terminal.
    pub fn new(lang: &str, style: Style) -> Option<Tty> {
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
        textwrap::fill(&sanitize::text(text), self.width())
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
        let mut help = format!("[{}/{}]", question.number, question.total);
        if let Some(h) = question.item.common().hint {
            help.push_str("  ");
            help.push_str(h.resolve(lang, &q.language));
        }
        self.line(&self.style.dim(&self.wrap(&help)))
    }
}

impl Prompter for Tty {
    fn ask(&mut self, question: &Question) -> Result<Reply, Stop> {
        let q = question.q;
        let item = question.item;
        let lang = self.lang.clone();
        let common = item.common();
        let text = sanitize::text(common.text.resolve(&lang, &q.language)).into_owned();
        let back_or_quit = if question.can_go_back {
            Reply::Back
        } else {
            Reply::Quit
        };
        self.header(question)?;
        let mut first = true;
        loop {
            let show_help = std::mem::replace(&mut first, false);
            match item {
                Item::SingleChoice(_) => {
                    let mut labels: Vec<String> = choice_labels(q, item, &lang)
                        .iter()
                        .map(|l| sanitize::line(l).into_owned())
                        .collect();
                    let n_options = q.options_of(item).len();
                    if !common.required {
                        labels.push(SKIP_LABEL.into());
                    }
                    let default = match question.current {
                        Some(Answer::Choice(v)) => {
                            q.options_of(item).iter().position(|o| o.value == *v)
                        }
                        Some(Answer::Declined) => Some(n_options),
                        _ => None,
                    }
                    .unwrap_or(0);
                    self.line(
                        &self
                            .style
                            .dim("Arrow keys to move, Enter to choose, Esc to go back"),
                    )?;
                    let picked = Pick::one(&self.term, self.style, Some(&text), &labels, default)
                        .map_err(Stop::from)?;
                    return Ok(match picked {
                        None => back_or_quit,
                        Some(i) if i < n_options => {
                            Reply::Answer(Answer::Choice(q.options_of(item)[i].value))
                        }
                        Some(i) if common.declinable && i == n_options => {
                            Reply::Answer(Answer::Declined)
                        }
                        Some(_) => Reply::Skip,
                    });
                }
                Item::MultiChoice(_) => {
                    let labels: Vec<String> = choice_labels(q, item, &lang)
                        .iter()
                        .map(|l| sanitize::line(l).into_owned())
                        .collect();
                    let options = q.options_of(item);
                    let checked: Vec<bool> = (0..labels.len())
                        .map(|i| match question.current {
                            Some(Answer::Choices(vs)) => {
                                options.get(i).is_some_and(|o| vs.contains(&o.value))
                            }
                            Some(Answer::Declined) => i == options.len(),
                            _ => false,
                        })
                        .collect();
                    let skip = if common.required {
                        ""
                    } else {
                        ", Enter with nothing marked to skip"
                    };
                    if show_help {
                        self.line(&self.style.dim(&format!(
                            "Space to mark each that applies, Enter to confirm{skip}, Esc to go back"
                        )))?;
                    }
                    let picked = Pick::many(&self.term, self.style, Some(&text), &labels, &checked)
                        .map_err(Stop::from)?;
                    let Some(picked) = picked else {
                        return Ok(back_or_quit);
                    };
                    if picked.is_empty() {
                        if common.required {
                            self.notice("This question needs an answer.");
                            continue;
                        }
                        return Ok(Reply::Skip);
                    }
                    let answer = if picked.contains(&options.len()) {
                        if picked.len() > 1 {
                            self.notice(&format!(
                                "\"{DECLINE_LABEL}\" cannot be combined with other options."
                            ));
                            continue;
                        }
                        Answer::Declined
                    } else {
                        Answer::Choices(picked.iter().map(|&i| options[i].value).collect())
                    };
                    match crate::model::answer::check(q, item, &answer) {
                        Ok(()) => return Ok(Reply::Answer(answer)),
                        Err(why) => self.notice(&why),
                    }
                }
                Item::Number(_) | Item::Text(_) => {
                    self.line(&self.wrap(&text))?;
                    self.line(
                        &self
                            .style
                            .dim(&format!("{}; Esc to go back", instructions(q, item, &lang))),
                    )?;
                    let initial = match question.current {
                        Some(Answer::Declined) => "-".to_string(),
                        Some(a) => describe(q, item, Some(a), &lang)
                            .split(' ')
                            .next()
                            .filter(|_| matches!(item, Item::Number(_)))
                            .map(str::to_owned)
                            .unwrap_or_else(|| describe(q, item, Some(a), &lang)),
                        None => String::new(),
                    };
                    let typed = self.read_text("> ", &initial).map_err(Stop::from)?;
                    let Some(typed) = typed else {
                        return Ok(back_or_quit);
                    };
                    if typed.trim().is_empty() {
                        if common.required {
                            self.notice("This question needs an answer.");
                            continue;
                        }
                        return Ok(Reply::Skip);
                    }
                    match parse_answer(q, item, typed.trim()) {
                        Ok(a) => return Ok(Reply::Answer(a)),
                        Err(why) => self.notice(&why),
                    }
                }
                Item::Display(_) => return Ok(Reply::Skip),
            }
        }
    }

    fn review(&mut self, lines: &[ReviewLine], saving: bool) -> Result<ReviewReply, Stop> {
        let lang = self.lang.clone();
        self.line("")?;
        self.line(&self.style.bold("Review your answers"))?;
        self.line(
            &self
                .style
                .dim("Choose an answer to change it, or choose what to do at the end of the list."),
        )?;
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
        items.push(if saving {
            "Save these answers".into()
        } else {
            "Show my summary (nothing is saved)".into()
        });
        items.push("Discard these answers".into());
        let default = lines.len();
        loop {
            let picked =
                Pick::one(&self.term, self.style, None, &items, default).map_err(Stop::from)?;
            match picked {
                Some(i) if i < lines.len() => return Ok(ReviewReply::Change(lines[i].pos)),
                Some(i) if i == lines.len() => return Ok(ReviewReply::Save),
                Some(_) => return Ok(ReviewReply::Discard),
                None => continue,
            }
        }
    }

    fn intro(&mut self, text: &str) {
        let _ = self.term.write_line(&self.wrap(text));
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
        loop {
            let picked = Pick::one(&self.term, self.style, Some(&question), &items, 0)
                .map_err(Stop::from)?;
            if let Some(i) = picked {
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
        let mut m = message.to_owned();
        if let Some(first) = m.get(0..1) {
            m.replace_range(0..1, &first.to_uppercase());
        }
        let _ = self.term.write_line(&self.style.yellow(&m));
    }
}
