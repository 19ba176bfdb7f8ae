//! Rules for option sets and items.

use std::collections::{HashMap, HashSet};

use super::Validator;
use crate::model::problem::join;
use crate::model::questionnaire::{
    BOTHER_TAG, ChoiceOption, Item, MultiChoiceItem, NumberItem, SAFETY_TAG,
};

/// Which item kind a list of options belongs to, when known.
#[derive(Clone, Copy, PartialEq)]
enum OptionsFor {
    Set,
    Single,
    Multi,
}

impl Validator<'_> {
    pub(super) fn option_sets(&mut self) {
        let q = self.q;
        if q.option_sets.len() > self.limits.max_option_sets {
            self.problem(
                "/option_sets",
                format!(
                    "{} option sets; the limit is {}",
                    q.option_sets.len(),
                    self.limits.max_option_sets
                ),
            );
            return;
        }
        let used: HashSet<&str> = q
            .items
            .iter()
            .filter_map(|i| match i {
                Item::SingleChoice(c) => c.option_set.as_deref(),
                Item::MultiChoice(c) => c.option_set.as_deref(),
                _ => None,
            })
            .collect();
        for (name, options) in &q.option_sets {
            let base = join("/option_sets", name);
            self.id(&base, name, "option set name");
            self.options(&base, options, OptionsFor::Set);
            if !used.contains(name.as_str()) {
                self.problem(
                    &base,
                    format!(
                        "option set `{name}` is never used; remove it or use it with `option_set`"
                    ),
                );
            }
        }
    }

    fn options(&mut self, base: &str, options: &[ChoiceOption], kind: OptionsFor) {
        if options.is_empty() {
            self.problem(base, "there are no options");
            return;
        }
        if kind == OptionsFor::Single && options.len() < 2 {
            self.problem(base, "a single_choice item needs at least two options");
        }
        if options.len() > self.limits.max_options {
            self.problem(
                base,
                format!(
                    "{} options; the limit is {}",
                    options.len(),
                    self.limits.max_options
                ),
            );
            return;
        }
        let mut values: HashMap<i64, usize> = HashMap::new();
        let mut labels: HashMap<String, usize> = HashMap::new();
        for (j, opt) in options.iter().enumerate() {
            let path = join(base, j);
            if let Some(first) = values.insert(opt.value, j) {
                self.problem(
                    join(&path, "value"),
                    format!("duplicate option value {} (also option {first})", opt.value),
                );
            }
            let label = opt
                .label
                .resolve(&self.q.language, &self.q.language)
                .trim()
                .to_lowercase();
            if !label.is_empty()
                && let Some(first) = labels.insert(label, j)
            {
                self.problem(
                    join(&path, "label"),
                    format!("two options have the same label (options {first} and {j})"),
                );
            }
            self.text(&join(&path, "label"), &opt.label);
            if opt.exclusive && kind == OptionsFor::Single {
                self.problem(
                    join(&path, "exclusive"),
                    "`exclusive` only applies to multi_choice items",
                );
            }
        }
        if kind == OptionsFor::Multi && options.iter().all(|o| o.exclusive) && options.len() > 1 {
            self.problem(
                base,
                "every option is exclusive, so only one can ever be chosen; use single_choice",
            );
        }
    }

    pub(super) fn items(&mut self) {
        let q = self.q;
        if q.items.is_empty() {
            self.problem("/items", "the questionnaire has no items");
            return;
        }
        if q.items.len() > self.limits.max_items {
            self.problem(
                "/items",
                format!(
                    "{} items; the limit is {}",
                    q.items.len(),
                    self.limits.max_items
                ),
            );
            return;
        }
        if !q.items.iter().any(Item::is_question) {
            self.problem(
                "/items",
                "the questionnaire has only display items and asks nothing",
            );
        }
        let mut seen = HashMap::new();
        for (i, item) in q.items.iter().enumerate() {
            self.item(i, item, &mut seen);
        }
    }

    /// The rules of one item: those every kind shares, then those of its kind.
    fn item(&mut self, i: usize, item: &Item, seen: &mut HashMap<String, String>) {
        let base = join("/items", i);
        let common = item.common();
        self.id(&join(&base, "id"), common.id, "item id");
        self.duplicate(seen, common.id, &base, "item id");
        self.text(&join(&base, "text"), common.text);
        if let Some(h) = common.hint {
            self.text(&join(&base, "hint"), h);
        }
        match item {
            Item::SingleChoice(c) => {
                self.choice_options(&base, item, &c.option_set, &c.options, OptionsFor::Single)
            }
            Item::MultiChoice(c) => {
                self.choice_options(&base, item, &c.option_set, &c.options, OptionsFor::Multi);
                self.choice_counts(&base, self.q.options_of(item).len(), c);
            }
            Item::Number(n) => self.number(&base, n),
            Item::Text(t) => {
                if t.max_length == 0 || t.max_length > self.limits.max_text_answer {
                    self.problem(
                        join(&base, "max_length"),
                        format!(
                            "max_length must be between 1 and {}",
                            self.limits.max_text_answer
                        ),
                    );
                }
            }
            Item::Display(_) => {}
        }
        if let Some(cond) = common.enable_when {
            self.condition(&join(&base, "enable_when"), cond, Some(i));
        }
        self.item_tags(&base, item);
    }

    /// `min_choices` and `max_choices` of a multi_choice item with `n` options.
    fn choice_counts(&mut self, base: &str, n: usize, c: &MultiChoiceItem) {
        if let Some(min) = c.min_choices {
            if min == 0 {
                self.problem(
                    join(base, "min_choices"),
                    "min_choices must be at least 1 (leave an item unanswered to choose nothing)",
                );
            } else if n > 0 && min > n {
                self.problem(
                    join(base, "min_choices"),
                    format!("min_choices is {min} but there are only {n} options"),
                );
            }
        }
        if let Some(max) = c.max_choices {
            if max < c.min_choices.unwrap_or(1) {
                self.problem(
                    join(base, "max_choices"),
                    format!(
                        "max_choices ({max}) is less than min_choices ({})",
                        c.min_choices.unwrap_or(1)
                    ),
                );
            } else if n > 0 && max > n {
                self.problem(
                    join(base, "max_choices"),
                    format!("max_choices is {max} but there are only {n} options"),
                );
            }
        }
    }

    /// The bounds, decimal places and unit of a number item.
    fn number(&mut self, base: &str, n: &NumberItem) {
        for (key, v) in [("min", n.min), ("max", n.max)] {
            if v.abs() > MAX_NUMBER {
                self.problem(
                    join(base, key),
                    format!("{key} must be between -{MAX_NUMBER:e} and {MAX_NUMBER:e}, so that every answer keeps its exact value"),
                );
            }
        }
        if n.min > n.max {
            self.problem(
                base,
                format!("min ({}) is greater than max ({})", n.min, n.max),
            );
        } else if n.min == n.max {
            self.problem(
                base,
                format!("min and max are both {}, so there is nothing to ask", n.min),
            );
        }
        if n.decimals > 6 {
            self.problem(join(base, "decimals"), "decimals must be between 0 and 6");
        } else {
            for (key, v) in [("min", n.min), ("max", n.max)] {
                if decimals_of(v) > n.decimals as usize {
                    self.problem(
                        join(base, key),
                        format!(
                            "{key} {v} has more decimal places than `decimals` ({}) allows",
                            n.decimals
                        ),
                    );
                }
            }
        }
        if let Some(u) = &n.unit {
            self.text(&join(base, "unit"), u);
        }
    }

    /// An item's tags, and the kinds of item that `bother` and `safety` fit.
    fn item_tags(&mut self, base: &str, item: &Item) {
        let tags = item.common().tags;
        self.tags(&join(base, "tags"), tags);
        let tagged = |tag: &str| tags.iter().any(|t| t == tag);
        if tagged(BOTHER_TAG) && !matches!(item, Item::SingleChoice(_)) {
            self.problem(
                join(base, "tags"),
                "only a single_choice item can be tagged `bother` (the person's own rating)",
            );
        }
        if tagged(SAFETY_TAG) && !item.is_question() {
            self.problem(
                join(base, "tags"),
                "a display item asks nothing, so it cannot be a question of the safety screen",
            );
        }
    }

    fn choice_options(
        &mut self,
        base: &str,
        item: &Item,
        set: &Option<String>,
        inline: &Option<Vec<ChoiceOption>>,
        kind: OptionsFor,
    ) {
        match (set, inline) {
            (Some(_), Some(_)) => {
                self.problem(base, "give either `option_set` or `options`, not both")
            }
            (None, None) => self.problem(
                base,
                format!("a {} item needs `options` or an `option_set`", item.kind()),
            ),
            (None, Some(opts)) => self.options(&join(base, "options"), opts, kind),
            (Some(name), None) => match self.q.option_sets.get(name) {
                None => {
                    let known: Vec<&str> = self.q.option_sets.keys().map(String::as_str).collect();
                    let hint = if known.is_empty() {
                        "no option sets are defined".to_string()
                    } else {
                        format!("defined: {}", known.join(", "))
                    };
                    self.problem(
                        join(base, "option_set"),
                        format!("unknown option set `{name}` ({hint})"),
                    );
                }
                Some(opts) => {
                    if kind == OptionsFor::Single && opts.len() == 1 {
                        self.problem(
                            join(base, "option_set"),
                            format!("option set `{name}` has one option; a single_choice item needs at least two"),
                        );
                    }
                }
            },
        }
    }
}

/// Largest magnitude of a number item's `min` and `max`. Far beyond any real question, and
/// small enough that answers, sums and decimal places stay exact in a 64-bit float.
pub(crate) const MAX_NUMBER: f64 = 1e12;

fn decimals_of(v: f64) -> usize {
    let s = format!("{v}");
    s.split_once('.').map_or(0, |(_, f)| f.len())
}
