//! Rules for conditions (`enable_when`, flag `when`, band variants), and for references to
//! other questionnaires, which can only be checked against the set of available ones.

use serde_json::Value;

use super::{Validator, is_id, truncate};
use crate::model::condition::{Clause, Comparison, Condition, MAX_DEPTH, Op};
use crate::model::problem::{Problem, join};
use crate::model::questionnaire::{Item, Questionnaire};
use crate::model::range::{ScaleRange, scale_range};

/// What a clause compares against.
enum Target<'a> {
    Item(&'a Questionnaire, &'a Item),
    Scale(Option<ScaleRange>),
}

/// A reference of the form `questionnaire_id.name`, or a local name.
pub(crate) fn split_ref(r: &str) -> (Option<&str>, &str) {
    match r.split_once('.') {
        Some((q, name)) => (Some(q), name),
        None => (None, r),
    }
}

impl Validator<'_> {
    /// Checks a condition. `owner` is the index of the item whose `enable_when` this is:
    /// such a condition may only look at earlier items.
    pub(super) fn condition(&mut self, path: &str, cond: &Condition, owner: Option<usize>) {
        self.condition_at(path, cond, owner, 1);
    }

    fn condition_at(&mut self, path: &str, cond: &Condition, owner: Option<usize>, depth: usize) {
        let path = join(path, cond.key());
        let clauses = cond.clauses();
        if clauses.is_empty() {
            self.problem(&path, "the condition has no clauses");
            return;
        }
        if clauses.len() > self.limits.max_clauses {
            self.problem(
                &path,
                format!(
                    "{} clauses; the limit is {}",
                    clauses.len(),
                    self.limits.max_clauses
                ),
            );
            return;
        }
        for (k, clause) in clauses.iter().enumerate() {
            let p = join(&path, k);
            match clause {
                Clause::Compare(c) => self.clause(&p, c, owner),
                Clause::Nested(_) if depth >= MAX_DEPTH => self.problem(
                    &p,
                    format!("conditions nest at most {MAX_DEPTH} levels deep"),
                ),
                Clause::Nested(inner) => self.condition_at(&p, inner, owner, depth + 1),
            }
        }
    }

    fn clause(&mut self, path: &str, clause: &Comparison, owner: Option<usize>) {
        if let Op::Unknown(op) = &clause.op {
            self.problem(
                join(path, "op"),
                format!(
                    "unknown op `{}`; expected one of {}",
                    truncate(op, 20),
                    Op::KNOWN.join(", ")
                ),
            );
        }
        let target = match (&clause.item, &clause.scale) {
            (Some(_), Some(_)) => {
                self.problem(path, "a clause names either `item` or `scale`, not both");
                return;
            }
            (None, None) => {
                self.problem(path, "a clause needs `item` or `scale`");
                return;
            }
            (Some(r), None) => self.item_target(&join(path, "item"), r, owner),
            (None, Some(r)) => self.scale_target(&join(path, "scale"), r, owner),
        };
        let Some(target) = target else { return };
        for problem in check_clause(path, clause, &target) {
            let path = problem.path().unwrap_or("").to_owned();
            self.problem(path, problem.message);
        }
    }

    /// The item of this questionnaire a clause names at `p`, if it is one a condition of
    /// the item `owner` can look at.
    fn item_target(&mut self, p: &str, r: &str, owner: Option<usize>) -> Option<Target<'_>> {
        let q = self.q;
        let id = self.resolve_local(p, r, "item")?;
        let Some((idx, item)) = q.item(id) else {
            self.problem(p, format!("unknown item `{}`", truncate(id, 70)));
            return None;
        };
        if !item.is_question() {
            self.problem(
                p,
                format!("item `{id}` is a display item and has no answer"),
            );
            return None;
        }
        match owner {
            Some(me) if idx == me => {
                self.problem(p, "an item cannot depend on itself");
                None
            }
            Some(me) if idx > me => {
                self.problem(
                    p,
                    format!("depends on item `{id}`, which comes later; an item may depend only on earlier items"),
                );
                None
            }
            _ => Some(Target::Item(q, item)),
        }
    }

    /// The scale of this questionnaire a clause names at `p`, if it is one a condition of
    /// the item `owner` can look at.
    fn scale_target(&mut self, p: &str, r: &str, owner: Option<usize>) -> Option<Target<'_>> {
        let q = self.q;
        let id = self.resolve_local(p, r, "scale")?;
        let Some((si, _)) = q.scale(id) else {
            self.problem(p, format!("unknown scale `{}`", truncate(id, 70)));
            return None;
        };
        if let Some(me) = owner {
            let items = self.scale_items.get(si).cloned().unwrap_or_default();
            if items.contains(&me) {
                self.problem(
                    p,
                    format!(
                        "cyclic: scale `{id}` includes this item, so the item cannot depend on it"
                    ),
                );
                return None;
            }
            if let Some(&later) = items.iter().find(|&&i| i > me) {
                self.problem(
                    p,
                    format!(
                        "depends on scale `{id}`, which includes the later item `{}`; an item may depend only on earlier items",
                        q.items[later].id()
                    ),
                );
                return None;
            }
        }
        Some(Target::Scale(self.ranges.get(si).copied().flatten()))
    }

    /// Returns the local id of a reference, or `None` when it points into another
    /// questionnaire (checked later against the catalog) or is malformed.
    fn resolve_local<'r>(&mut self, path: &str, r: &'r str, what: &str) -> Option<&'r str> {
        match split_ref(r) {
            (None, id) => Some(id),
            (Some(qid), id) => {
                if qid == self.q.id {
                    self.problem(
                        path,
                        format!("refers to its own questionnaire as `{r}`; write `{id}`"),
                    );
                } else if !is_id(qid) || !is_id(id) {
                    self.problem(
                        path,
                        format!(
                            "`{}` is not a valid reference; write `questionnaire_id.{what}_id`",
                            truncate(r, 70)
                        ),
                    );
                }
                None
            }
        }
    }
}

/// The indexes of the items each scale combines, directly or through the scales it
/// combines, worked out once for all scales with an index of items by id.
pub(super) fn all_scale_items(q: &Questionnaire) -> Vec<Vec<usize>> {
    let mut index: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(q.items.len());
    for (i, item) in q.items.iter().enumerate() {
        index.entry(item.id()).or_insert(i);
    }
    (0..q.scales.len())
        .map(|si| scale_items(q, si, &index))
        .collect()
}

/// The items a scale draws on, following scales of scales.
fn scale_items(
    q: &Questionnaire,
    si: usize,
    index: &std::collections::HashMap<&str, usize>,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![si];
    let mut visited = vec![false; q.scales.len()];
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut visited[s], true) {
            continue;
        }
        let scale = &q.scales[s];
        out.extend(scale.items.iter().filter_map(|id| index.get(id.as_str())));
        stack.extend(
            scale
                .scales
                .iter()
                .filter_map(|id| q.scale(id).map(|(j, _)| j)),
        );
    }
    out
}

/// Checks an operator and value against what they compare with.
fn check_clause(path: &str, clause: &Comparison, target: &Target) -> Vec<Problem> {
    let mut out = Vec::new();
    let op = &clause.op;
    if matches!(op, Op::Unknown(_)) {
        return out;
    }
    if op.is_presence() {
        if clause.value.is_some() {
            out.push(Problem::at(
                join(path, "value"),
                format!("`{op}` takes no value"),
            ));
        }
        return out;
    }
    let Some(value) = &clause.value else {
        out.push(Problem::at(path, format!("op `{op}` needs a value")));
        return out;
    };
    let compared = match target {
        Target::Item(q, item) => Compared {
            kind: item.kind(),
            options: q.options_of(item).iter().map(|o| o.value).collect(),
            range: q.item_range(item),
        },
        Target::Scale(r) => Compared {
            kind: "scale",
            options: Vec::new(),
            range: r.map(|r| (r.min, r.max)),
        },
    };
    let problem = match compared.kind {
        "multi_choice" => check_includes(op, value, &compared.options),
        "text" => check_text(op, value),
        _ => return check_number(path, op, value, &compared),
    };
    out.extend(problem.map(|(key, message)| Problem::at(join(path, key), message)));
    out
}

/// What a clause compares with: the kind of item (or `scale`), its option values and the
/// values it can take.
struct Compared {
    kind: &'static str,
    options: Vec<i64>,
    range: Option<(f64, f64)>,
}

/// A multi_choice item is compared with `includes` and one of its option values. A problem
/// is given with the key of the clause it is at.
fn check_includes(op: &Op, value: &Value, options: &[i64]) -> Option<(&'static str, String)> {
    if *op != Op::Includes {
        return Some((
            "op",
            format!("compare a multi_choice item with `includes`, not `{op}`"),
        ));
    }
    match value.as_i64() {
        None => Some((
            "value",
            "`includes` needs an option value (a whole number)".into(),
        )),
        Some(v) if !options.contains(&v) => Some((
            "value",
            format!("{v} is not an option value of this item, so the clause can never be true"),
        )),
        Some(_) => None,
    }
}

/// A text item is compared with `=` or `!=` and a string.
fn check_text(op: &Op, value: &Value) -> Option<(&'static str, String)> {
    if !matches!(op, Op::Eq | Op::Ne) {
        Some((
            "op",
            format!("text items can only be compared with exists, = and !=, not `{op}`"),
        ))
    } else if !value.is_string() {
        Some(("value", "a text item is compared with a string".into()))
    } else {
        None
    }
}

/// A single_choice or number item, or a scale, is compared with a number that it can take
/// (an option value, for `=` and `!=` on a single_choice item).
fn check_number(path: &str, op: &Op, value: &Value, compared: &Compared) -> Vec<Problem> {
    let kind = compared.kind;
    let vpath = join(path, "value");
    if *op == Op::Includes {
        return vec![Problem::at(
            join(path, "op"),
            format!("`includes` only applies to multi_choice items, and this is a {kind}"),
        )];
    }
    let Some(v) = value.as_f64() else {
        return vec![Problem::at(
            vpath,
            format!(
                "a {kind} is compared with a number, not {}",
                describe(value)
            ),
        )];
    };
    let mut out = Vec::new();
    if kind == "single_choice"
        && matches!(op, Op::Eq | Op::Ne)
        && !compared.options.iter().any(|&o| o as f64 == v)
    {
        let never = if *op == Op::Eq { "never" } else { "always" };
        out.push(Problem::at(
            vpath.clone(),
            format!("{v} is not an option value of this item, so the clause is {never} true"),
        ));
    }
    if let Some((lo, hi)) = compared.range {
        let impossible = match op {
            Op::Gt => v >= hi,
            Op::Ge => v > hi,
            Op::Lt => v <= lo,
            Op::Le => v < lo,
            Op::Eq => v < lo || v > hi,
            _ => false,
        };
        if impossible {
            out.push(Problem::at(
                vpath,
                format!("`{op} {v}` can never be true: the {kind} ranges from {lo} to {hi}"),
            ));
        }
    }
    out
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks references to other questionnaires (`other.item`, `other.scale`) against the ones
/// available. `lookup` finds a questionnaire by id.
pub(crate) fn check_references<'a>(
    q: &Questionnaire,
    lookup: &dyn Fn(&str) -> Option<&'a Questionnaire>,
    available: &[&str],
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (path, cond) in conditions_of(q) {
        for (rel, clause) in cond.comparisons() {
            let cpath = format!("{path}{rel}");
            match foreign_target(q, clause, lookup, available) {
                Ok(Some(target)) => out.extend(check_clause(&cpath, clause, &target)),
                Ok(None) => {}
                Err((key, message)) => out.push(Problem::at(join(&cpath, key), message)),
            }
        }
    }
    out
}

/// Every condition of a questionnaire, with its JSON path.
fn conditions_of(q: &Questionnaire) -> Vec<(String, &Condition)> {
    let mut out = Vec::new();
    if let Some(c) = &q.applies_when {
        out.push(("/applies_when".to_string(), c));
    }
    for (i, item) in q.items.iter().enumerate() {
        if let Some(c) = item.common().enable_when {
            out.push((join(&join("/items", i), "enable_when"), c));
        }
    }
    for (i, scale) in q.scales.iter().enumerate() {
        for (b, band) in scale.bands.iter().enumerate() {
            for (v, variant) in band.variants.iter().enumerate() {
                let p = format!("/scales/{i}/bands/{b}/variants/{v}/when");
                out.push((p, &variant.when));
            }
        }
    }
    for (i, flag) in q.flags.iter().enumerate() {
        out.push((join(&join("/flags", i), "when"), &flag.when));
    }
    if let Some(g) = &q.guidance {
        for (key, i, entry) in g.entries() {
            if let Some(when) = entry.when() {
                out.push((format!("/guidance/{key}/{i}/when"), when));
            }
        }
    }
    out
}

/// What a clause that refers to another questionnaire compares with. `None` for a clause
/// that refers to none (or to a malformed reference, which validation reports); an error,
/// with the key it is at, when the reference does not resolve.
fn foreign_target<'a>(
    q: &Questionnaire,
    clause: &Comparison,
    lookup: &dyn Fn(&str) -> Option<&'a Questionnaire>,
    available: &[&str],
) -> Result<Option<Target<'a>>, (&'static str, String)> {
    let (key, r) = match (&clause.item, &clause.scale) {
        (Some(r), None) => ("item", r),
        (None, Some(r)) => ("scale", r),
        _ => return Ok(None),
    };
    let (Some(qid), id) = split_ref(r) else {
        return Ok(None);
    };
    if qid == q.id || !is_id(qid) || !is_id(id) {
        return Ok(None);
    }
    let Some(other) = lookup(qid) else {
        return Err((
            key,
            format!(
                "refers to questionnaire `{qid}`, which is not available (available: {})",
                available.join(", ")
            ),
        ));
    };
    if key == "scale" {
        return match other.scale(id) {
            Some((si, _)) => Ok(Some(Target::Scale(scale_range(other, si)))),
            None => Err((key, format!("questionnaire `{qid}` has no scale `{id}`"))),
        };
    }
    match other.item(id) {
        Some((_, item)) if item.is_question() => Ok(Some(Target::Item(other, item))),
        Some(_) => Err((key, format!("`{r}` is a display item and has no answer"))),
        None => Err((key, format!("questionnaire `{qid}` has no item `{id}`"))),
    }
}
