//! A list to choose from on the terminal: one item (arrow keys and Enter) or several (Space
//! marks, Enter confirms). It is redrawn after every key to fit the window as it is then, so
//! a window of one or two rows, or one made smaller while a question is shown, still works:
//! the list scrolls to keep the highlighted item in view, and lines are cut to the width.
//! (dialoguer's lists panic in a window of fewer than three rows.)
//!
//! Keys: Up/Down (also Tab, Shift-Tab, `k`, `j`) move, wrapping around; PageUp/PageDown
//! (also Left/Right, `h`, `l`) move a screen; Home/End; Enter chooses; Space chooses one
//! item or marks one of several; Esc, `b` and `q` leave the list without choosing (the
//! caller says what each means); `?` shows or hides the line of keys the caller gives.
//!
//! A list of several can refuse what is marked (nothing marked at a question that needs an
//! answer, for instance): the reason is shown once, below the list, and the list stays.

use std::io;

use console::{Key, Term, truncate_str};

use crate::term::style::Style;

/// How a list ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Picked<T> {
    /// Enter (or Space on a list of one choice).
    Chosen(T),
    /// `b`.
    Back,
    /// Esc.
    Escape,
    /// `q`.
    Quit,
}

/// Why the items marked cannot be taken, or `None` when they can.
pub(crate) type Check<'a> = &'a dyn Fn(&[usize]) -> Option<String>;

/// A list on the terminal.
pub(crate) struct Pick<'a> {
    term: &'a Term,
    style: Style,
    prompt: Option<&'a str>,
    items: &'a [String],
    /// The keys, shown below the list after `?`.
    help: &'a str,
    show_help: bool,
    /// Which items are marked, for a list where several can be chosen.
    marked: Option<Vec<bool>>,
    /// Whether what is marked can be taken.
    check: Option<Check<'a>>,
    /// Why Enter was refused, shown below the list until the next Enter.
    refusal: Option<String>,
    cursor: usize,
    /// The first item shown.
    top: usize,
    /// Lines drawn by the last draw (to clear them before the next).
    drawn: usize,
    /// Lines of the prompt above the list.
    prompt_lines: usize,
}

impl<'a> Pick<'a> {
    /// Asks for one item, starting at `default`; `help` is the line of keys `?` shows.
    pub(crate) fn one(
        term: &'a Term,
        style: Style,
        prompt: Option<&'a str>,
        items: &'a [String],
        default: usize,
        help: &'a str,
    ) -> io::Result<Picked<usize>> {
        let mut pick = Pick::new(term, style, prompt, items, None, default, help);
        Ok(match pick.run()? {
            Picked::Chosen(marked) => Picked::Chosen(marked.first().copied().unwrap_or(0)),
            Picked::Back => Picked::Back,
            Picked::Escape => Picked::Escape,
            Picked::Quit => Picked::Quit,
        })
    }

    /// Asks for any number of items (`marked` says which start marked); `help` is the line
    /// of keys `?` shows. Enter is refused, with the reason `check` gives, until what is
    /// marked can be taken.
    pub(crate) fn many(
        term: &'a Term,
        style: Style,
        prompt: Option<&'a str>,
        items: &'a [String],
        marked: &[bool],
        help: &'a str,
        check: Check<'a>,
    ) -> io::Result<Picked<Vec<usize>>> {
        let marked = (0..items.len())
            .map(|i| marked.get(i).copied().unwrap_or(false))
            .collect();
        let mut pick = Pick::new(term, style, prompt, items, Some(marked), 0, help);
        pick.check = Some(check);
        pick.run()
    }

    fn new(
        term: &'a Term,
        style: Style,
        prompt: Option<&'a str>,
        items: &'a [String],
        marked: Option<Vec<bool>>,
        default: usize,
        help: &'a str,
    ) -> Pick<'a> {
        Pick {
            term,
            style,
            prompt,
            items,
            help,
            show_help: false,
            marked,
            check: None,
            refusal: None,
            cursor: default.min(items.len().saturating_sub(1)),
            top: 0,
            drawn: 0,
            prompt_lines: 0,
        }
    }

    fn run(&mut self) -> io::Result<Picked<Vec<usize>>> {
        if self.items.is_empty() {
            return Err(io::Error::other("there is nothing to choose from"));
        }
        self.term.hide_cursor()?;
        let result = self.interact();
        let _ = self.term.show_cursor();
        result
    }

    fn interact(&mut self) -> io::Result<Picked<Vec<usize>>> {
        if let Some(prompt) = self.prompt {
            let (_, cols) = self.size();
            let text = textwrap::fill(prompt, cols.saturating_sub(1).max(10));
            self.prompt_lines = text.lines().count();
            self.term.write_line(&text)?;
        }
        let n = self.items.len();
        loop {
            self.draw()?;
            let page = self.capacity().max(1);
            match self.term.read_key()? {
                Key::ArrowDown | Key::Tab | Key::Char('j') => self.cursor = (self.cursor + 1) % n,
                Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                    self.cursor = (self.cursor + n - 1) % n;
                }
                Key::PageDown | Key::ArrowRight | Key::Char('l') => {
                    self.cursor = (self.cursor + page).min(n - 1);
                }
                Key::PageUp | Key::ArrowLeft | Key::Char('h') => {
                    self.cursor = self.cursor.saturating_sub(page);
                }
                Key::Home => self.cursor = 0,
                Key::End => self.cursor = n - 1,
                Key::Char(' ') if self.marked.is_some() => {
                    if let Some(m) = self.marked.as_mut() {
                        m[self.cursor] = !m[self.cursor];
                    }
                }
                Key::Enter | Key::Char(' ') => {
                    let chosen: Vec<usize> = match &self.marked {
                        Some(m) => (0..n).filter(|&i| m[i]).collect(),
                        None => vec![self.cursor],
                    };
                    self.refusal = self.check.and_then(|check| check(&chosen));
                    if self.refusal.is_some() {
                        continue;
                    }
                    self.finish(Some(&chosen))?;
                    return Ok(Picked::Chosen(chosen));
                }
                Key::Escape => {
                    self.finish(None)?;
                    return Ok(Picked::Escape);
                }
                Key::Char('b') => {
                    self.finish(None)?;
                    return Ok(Picked::Back);
                }
                Key::Char('q') => {
                    self.finish(None)?;
                    return Ok(Picked::Quit);
                }
                Key::Char('?') => self.show_help = !self.show_help,
                _ => {}
            }
        }
    }

    /// Rows and columns of the window now (24 x 80 when they cannot be told).
    fn size(&self) -> (usize, usize) {
        let (rows, cols) = self.term.size();
        (usize::from(rows).max(1), usize::from(cols).max(1))
    }

    /// How many items fit below the prompt (and above the keys, when shown), or, in a very
    /// small window, in the window.
    fn capacity(&self) -> usize {
        let (rows, _) = self.size();
        let below_prompt = rows.saturating_sub(
            self.prompt_lines
                + 1
                + usize::from(self.show_help)
                + usize::from(self.refusal.is_some()),
        );
        if below_prompt >= 3 {
            below_prompt
        } else {
            rows.saturating_sub(1).max(1)
        }
    }

    fn clear(&mut self, lines: usize) -> io::Result<()> {
        let (rows, _) = self.size();
        // The cursor cannot go above the top of the window.
        let lines = lines.min(rows.saturating_sub(1));
        if lines > 0 {
            self.term.clear_last_lines(lines)?;
        }
        Ok(())
    }

    fn draw(&mut self) -> io::Result<()> {
        let drawn = std::mem::take(&mut self.drawn);
        self.clear(drawn)?;
        let (_, cols) = self.size();
        let n = self.items.len();
        let cap = self.capacity().min(n);
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + cap {
            self.top = self.cursor + 1 - cap;
        }
        self.top = self.top.min(n - cap);
        let mut lines = Vec::with_capacity(cap);
        for i in self.top..self.top + cap {
            let active = i == self.cursor;
            let mark = match &self.marked {
                Some(m) if m[i] => "[x] ",
                Some(_) => "[ ] ",
                None => "",
            };
            let mut line = format!("{} {mark}{}", if active { ">" } else { " " }, self.items[i]);
            if active && cap < n {
                line.push_str(&format!("  ({}/{n})", i + 1));
            }
            let line = truncate_str(&line, cols.saturating_sub(1).max(1), "…").into_owned();
            lines.push(if active { self.style.cyan(&line) } else { line });
        }
        let (rows, _) = self.size();
        if let Some(why) = &self.refusal
            && lines.len() + 1 < rows
        {
            let why = truncate_str(why, cols.saturating_sub(1).max(1), "…");
            lines.push(self.style.yellow(&why));
        }
        // The keys, when asked for and when the window has a row for them.
        if self.show_help && !self.help.is_empty() && lines.len() + 1 < rows {
            let help = truncate_str(self.help, cols.saturating_sub(1).max(1), "…");
            lines.push(self.style.dim(&help));
        }
        for line in &lines {
            self.term.write_line(line)?;
        }
        self.drawn = lines.len();
        self.term.flush()
    }

    /// Clears the list and the prompt and, after a choice, leaves one line that says what
    /// was chosen.
    fn finish(&mut self, chosen: Option<&[usize]>) -> io::Result<()> {
        let lines = std::mem::take(&mut self.drawn) + self.prompt_lines;
        self.clear(lines)?;
        if let (Some(prompt), Some(chosen)) = (self.prompt, chosen) {
            let labels: Vec<&str> = chosen.iter().map(|&i| self.items[i].as_str()).collect();
            let (_, cols) = self.size();
            // Nothing marked, and taken: the question is skipped.
            let said = if labels.is_empty() {
                "(skipped)".to_owned()
            } else {
                labels.join(", ")
            };
            let line = format!("{prompt}: {said}");
            self.term
                .write_line(&textwrap::fill(&line, cols.saturating_sub(1).max(10)))?;
        }
        self.term.flush()
    }
}
