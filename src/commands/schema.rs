//! `confide schema`: the JSON Schema of the questionnaire format.

use crate::error::Result;
use crate::model::questionnaire::Questionnaire;

pub(crate) fn run() -> Result<()> {
    let schema = schemars::schema_for!(Questionnaire);
    let text = crate::term::json::to_string(&schema).unwrap_or_default();
    crate::term::println(&text)
}
