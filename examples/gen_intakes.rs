//! Makes encrypted intake (or vault session) files for `scripts/bench.sh`: realistic records
//! built through the library from the reviewed answer profiles in
//! `tests/fixtures/profiles/`, with answers varied at random (each variant checked exactly
//! as `take --answers` checks it), a reference code per client and a time per session, then
//! encrypted to one age recipient. Files are made in parallel.
//!
//! ```text
//! cargo run --release --example gen_intakes -- --to age1... --count 10000 --out DIR [--sessions]
//! ```
//!
//! `--sessions` names the files as the vault does (`<utc-compact>-<id8>.age`), for
//! `confide history`; otherwise as `take` names intakes (`confide-intake-<date>-<id8>.age`).
//! The generator is seeded, so the same count gives the same answers (ids differ).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use confide::model::answers_file::{self, AnswersFile};
use confide::model::catalog::Catalog;
use confide::model::questionnaire::{Item, Questionnaire};
use confide::scoring::{self, record};
use confide::store::crypto::{self, Recipients};
use confide::store::sessions::session_stem;
use confide::store::vault::to_json_zeroizing;
use rayon::prelude::*;
use serde_json::Value;

/// Free text some clients add (the bundled `context.notes` item).
const NOTES: &[&str] = &[
    "We have been together eleven years and things changed after our second child.",
    "I would like to talk about this with a professional but I am not sure where to start.",
    "Pain started after a medication change last spring; my doctor said it is nothing.",
    "Mostly curious how I compare. Nothing urgent.",
];

struct Args {
    to: String,
    count: usize,
    out: PathBuf,
    sessions: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut to = None;
    let mut count = 10_000;
    let mut out = None;
    let mut sessions = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--to" => to = it.next(),
            "--count" => {
                count = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--count takes a number")?;
            }
            "--out" => out = it.next().map(PathBuf::from),
            "--sessions" => sessions = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        to: to.ok_or("--to RECIPIENT is required")?,
        count,
        out: out.ok_or("--out DIR is required")?,
        sessions,
    })
}

/// A small deterministic generator (xorshift64*), enough to vary answers.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Changes about a third of the single-choice answers to another option of the item, and
/// sometimes adds a note.
fn vary(base: &AnswersFile, catalog: &Catalog, rng: &mut Rng) -> AnswersFile {
    let mut answers: BTreeMap<String, BTreeMap<String, Value>> = base.answers.clone();
    for (qid, items) in answers.iter_mut() {
        let Some(entry) = catalog.get(qid) else {
            continue;
        };
        let q: &Questionnaire = entry.q();
        for (id, value) in items.iter_mut() {
            let Some((_, item)) = q.item(id) else {
                continue;
            };
            if matches!(item, Item::SingleChoice(_)) && value.is_i64() && rng.below(3) == 0 {
                let options = q.options_of(item);
                if !options.is_empty() {
                    *value = Value::from(options[rng.below(options.len())].value);
                }
            }
        }
        if qid == "context" && rng.below(3) == 0 {
            items.insert("notes".into(), Value::from(NOTES[rng.below(NOTES.len())]));
        }
    }
    AnswersFile {
        format: base.format.clone(),
        reference: None,
        answers,
    }
}

fn make_one(
    i: usize,
    profiles: &[AnswersFile],
    catalog: &Catalog,
    recipients: &Recipients,
    args: &Args,
) -> Result<u64, String> {
    let mut rng = Rng::new(i as u64 + 1);
    let base = &profiles[i % profiles.len()];
    let ids: Vec<&str> = base.answers.keys().map(String::as_str).collect();
    let parts: Vec<&confide::model::catalog::Entry> = catalog
        .entries
        .iter()
        .filter(|e| ids.contains(&e.q().id.as_str()))
        .collect();
    let qs: Vec<&Questionnaire> = parts.iter().map(|e| e.q()).collect();
    // A varied copy that passes the checks of `take --answers`, else the profile itself.
    let answers = (0..8)
        .find_map(|_| scoring::answers::resolve(&qs, &vary(base, catalog, &mut rng)).ok())
        .map_or_else(|| scoring::answers::resolve(&qs, base), Ok)
        .map_err(|p| format!("profile {}: {:?}", i % profiles.len(), p))?;
    let scored = scoring::score_session(&qs, &answers);
    let defs: Vec<(&Questionnaire, &str)> =
        parts.iter().map(|e| (e.q(), e.loaded.sha256())).collect();
    // Sessions a few hours apart over the past years; clients come back a few times.
    let created = time::OffsetDateTime::UNIX_EPOCH
        + time::Duration::seconds(1_700_000_000 + i as i64 * 7_919 + rng.below(3_600) as i64);
    let created = created
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let reference = (!args.sessions).then(|| format!("C-{:04}", i % 2_500));
    let response = record::response(
        &defs,
        &scored,
        uuid::Uuid::new_v4().to_string(),
        created,
        reference,
        "en",
    );
    let plaintext = to_json_zeroizing(&response).map_err(|e| e.message)?;
    let bytes = crypto::encrypt(&plaintext, recipients, false).map_err(|e| e.message)?;
    let name = if args.sessions {
        format!("{}.age", session_stem(&response).map_err(|e| e.message)?)
    } else {
        format!(
            "confide-intake-{}-{}.age",
            &response.created[..10],
            response.id8()
        )
    };
    write_new(&args.out.join(name), &bytes)?;
    Ok(plaintext.len() as u64)
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    std::fs::File::create_new(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let catalog = Catalog::bundled().map_err(|(n, p)| format!("{n}: {p:?}"))?;
    let mut recipients = Recipients::new();
    recipients
        .add_str(&args.to, "--to")
        .map_err(|e| e.message)?;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/profiles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let profiles = files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            answers_file::parse(&bytes).map_err(|e| format!("{}: {e:?}", p.display()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if profiles.is_empty() {
        return Err(format!("no answer profiles in {}", dir.display()));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let sizes = (0..args.count)
        .into_par_iter()
        .map(|i| make_one(i, &profiles, &catalog, &recipients, &args))
        .collect::<Result<Vec<u64>, String>>()?;
    let total: u64 = sizes.iter().sum();
    eprintln!(
        "wrote {} files to {} (plaintext records {} bytes on average)",
        sizes.len(),
        args.out.display(),
        total / sizes.len().max(1) as u64
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_intakes: {e}");
            ExitCode::FAILURE
        }
    }
}
