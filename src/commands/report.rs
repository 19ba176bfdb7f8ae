//! `confide report`: decrypt intake files (with the vault key or `-i` identity files), and
//! print a clinician report per session, a summary grouped by reference, and the files that
//! could not be read.
//!
//! Files are decrypted, checked, scored and rendered in parallel, a chunk at a time, and
//! each session's part is written as soon as its chunk is done: memory stays flat however
//! many files there are. Only a few numbers per session are kept for the summary table.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Settings;
use super::access::Access;
use crate::cli::{ReportArgs, ReportFormat};
use crate::error::{Error, Kind, Result};
use crate::model::catalog::Catalog;
use crate::report::change::ScaleNorms;
use crate::report::clinician::{
    self, Detail, Failure, Grouped, Input, Point, REPORT_FORMAT, SessionReport, ToolInfo,
};
use crate::report::couple::{self, Couple};
use crate::report::html::{self, Scales};
use crate::report::{clinician_text, csv, fhir};
use crate::store::crypto::{self, Identities};
use crate::store::sessions::read_session_file;
use crate::term::{self, sanitize};

/// Files decrypted in parallel before their part of the report is written: CSV rows are
/// small; a session's text, JSON, FHIR or HTML is some 7 to 17 KB, and up to three chunks
/// are held at once (written, waiting, being made), so those chunks are smaller.
const CHUNK: usize = 256;
const CHUNK_LARGE: usize = 32;

pub(super) fn run(settings: &Settings, args: &ReportArgs) -> Result<()> {
    let catalog = settings.catalog()?;
    let files = collect(&args.paths)?;
    let ids = identities(settings, &args.identities)?;
    let generated = crate::clock::now_rfc3339();
    let render = Render {
        format: args.format,
        width: term::width(),
        style: settings.style,
        columns: csv::columns(&catalog),
        scales: match args.format {
            ReportFormat::Html => Scales::of(&catalog, &settings.lang),
            _ => Scales::default(),
        },
        // CSV shows scores, bands and flags; the answers in words are not worked out.
        detail: match args.format {
            ReportFormat::Csv => Detail::Scores,
            _ => Detail::Full,
        },
    };
    let stdout = std::io::stdout();
    let mut out = Output {
        w: BufWriter::with_capacity(1 << 16, stdout.lock()),
        format: args.format,
        width: render.width,
        style: settings.style,
        written: 0,
        items: 0,
    };
    out.begin(&generated, &render.columns)?;
    let work = Work {
        ids: &ids,
        catalog: &catalog,
        lang: &settings.lang,
        render: &render,
    };
    let Collected {
        grouped,
        couple_points,
        held,
        unread,
    } = work.report(&files, &mut out)?;
    let couples = couple::couples(&couple_points);
    out.couples_first(&couples, held, &render, &generated)?;
    let failed: Vec<Failure> = unread.iter().map(Unread::failure).collect();
    let ends = Ends {
        failures: &failed,
        grouped: &grouped,
        norms: &ScaleNorms::of(&catalog),
        scales: &render.scales,
        generated: &generated,
        couples: &couples,
    };
    out.end(&ends)?;
    out.w.flush().map_err(|e| output_error(&e))?;
    drop(out);
    if unread.is_empty() {
        return Ok(());
    }
    // Failures were part of the report; say them on stderr too where the format cannot.
    if matches!(args.format, ReportFormat::Csv | ReportFormat::Fhir) {
        for u in &unread {
            term::eprintln(&format!(
                "confide: {}: {}",
                sanitize::line(&u.file),
                sanitize::line(u.why.text())
            ));
        }
    }
    Err(unread_error(&unread, files.len()))
}

/// What the report's exit says when files could not be read: one file's own error, or how
/// many could not be read, with the most serious kind among them.
fn unread_error(unread: &[Unread], files: usize) -> Error {
    if let [one] = unread
        && files == 1
    {
        return Error::new(one.kind, one.sentence());
    }
    let worst = unread
        .iter()
        .map(|u| u.kind)
        .max_by_key(|k| match k {
            Kind::Decrypt => 2,
            Kind::Damaged => 3,
            _ => 1,
        })
        .unwrap_or(Kind::Failure);
    Error::new(
        worst,
        format!("{} of {files} files could not be read", unread.len()),
    )
    .with_hint(match worst {
        Kind::Decrypt => {
            "a file not encrypted to your key needs the identity it was made for (-i FILE)"
        }
        Kind::Damaged => {
            "damaged or foreign files are listed in the report; ask for them to be sent again"
        }
        _ => "see the files listed in the report",
    })
}

/// A file left out of the report, and why.
#[derive(Clone)]
struct Unread {
    file: String,
    why: Why,
    kind: Kind,
}

/// Why a file could not be read, worded to follow its name.
#[derive(Clone)]
enum Why {
    /// What the file is or was, to follow its name in a sentence: `is a folder, not a
    /// file`, `was written by a newer version of confide`.
    About(String),
    /// A message of its own, which follows the name after a colon: `cannot read session
    /// file x.age: permission denied`.
    Message(String),
}

impl Why {
    fn text(&self) -> &str {
        match self {
            Why::About(s) | Why::Message(s) => s,
        }
    }
}

impl Unread {
    /// The file as the report lists it.
    fn failure(&self) -> Failure {
        Failure {
            file: self.file.clone(),
            error: self.why.text().to_owned(),
            exit_code: self.kind.exit_code(),
        }
    }

    /// One sentence about the file: `x.age is damaged: ...`, `x.age: cannot read ...`.
    fn sentence(&self) -> String {
        match &self.why {
            Why::About(what) => format!("{} {what}", self.file),
            Why::Message(message) => format!("{}: {message}", self.file),
        }
    }
}

/// What reading every file leaves for the end of the report.
struct Collected {
    /// The summary table's points, packed.
    grouped: Grouped,
    /// Whole points of partners' intakes, for the couple view.
    couple_points: Vec<Point>,
    /// Partners' intakes kept back (every format with a summary table).
    held: Vec<Held>,
    /// The files that could not be read.
    unread: Vec<Unread>,
}

/// A partner's intake, kept back to be written after its couple's view.
struct Held {
    reference: String,
    /// Oldest first within a reference.
    key: (String, String),
    report: Box<SessionReport>,
}

/// What became of one file: its part of the report, or why it could not be read.
type Done = std::result::Result<Part, Unread>;

/// One session's part of the report, made on a worker thread.
struct Part {
    body: Body,
    /// What the summary table needs, for the formats that end with one.
    point: Option<Point>,
}

/// A session's part as rendered, or, for a partner of a couple, its report kept whole: it
/// is rendered at the end, once it is known whether the other partner raised the safety
/// screen.
enum Body {
    Rendered(Result<Rendered>),
    Partner(Box<SessionReport>),
}

/// What every file of the report is read, reported and rendered with.
struct Work<'a> {
    ids: &'a Identities,
    catalog: &'a Catalog,
    lang: &'a str,
    render: &'a Render,
}

impl Work<'_> {
    /// Reports on every file and writes each session's part to `out` as its chunk is done;
    /// returns what the summary table needs, and the files that could not be read.
    ///
    /// Decrypting, scoring and rendering happen on every core, a chunk at a time; this
    /// thread only writes, one chunk behind, so the cores never wait for the writing.
    fn report<W: Write>(&self, files: &[Entry], out: &mut Output<W>) -> Result<Collected> {
        let mut grouped = Grouped::default();
        // The couple view needs whole points, but only of partners' intakes.
        let mut couple_points: Vec<Point> = Vec::new();
        // Partners' intakes, kept back in the formats read from the top: each couple's
        // come after its couple view, which puts safety first.
        let mut held: Vec<Held> = Vec::new();
        let mut unread: Vec<Unread> = Vec::new();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Done>>(1);
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                let size = match self.render.format {
                    ReportFormat::Csv => CHUNK,
                    _ => CHUNK_LARGE,
                };
                for chunk in files.chunks(size) {
                    let results: Vec<Done> = chunk.par_iter().map(|e| self.part(e)).collect();
                    // The writer stopped (a closed pipe, a full disk): nothing more to do.
                    if tx.send(results).is_err() {
                        break;
                    }
                }
            });
            for results in rx {
                for r in results {
                    match r {
                        Ok(part) => {
                            match part.body {
                                Body::Rendered(text) => out.session(text?)?,
                                Body::Partner(report) => held.push(Held {
                                    reference: report.reference.clone().unwrap_or_default(),
                                    key: (report.created.clone(), report.id.clone()),
                                    report,
                                }),
                            }
                            if let Some(p) = part.point {
                                if couple::is_partner(&p) {
                                    couple_points.push(p.clone());
                                }
                                grouped.add(p);
                            }
                        }
                        Err(u) => unread.push(u),
                    }
                }
            }
            Ok(())
        })?;
        Ok(Collected {
            grouped,
            couple_points,
            held,
            unread,
        })
    }

    /// One entry's part of the report.
    fn part(&self, entry: &Entry) -> Done {
        match entry {
            Entry::File(f) => self.session(f).map(|s| {
                let point = self.render.summary().then(|| clinician::point(&s));
                let body = if point.as_ref().is_some_and(couple::is_partner) {
                    Body::Partner(Box::new(s))
                } else {
                    Body::Rendered(self.render.session(&s))
                };
                Part { body, point }
            }),
            Entry::Skipped(s) => Err(s.unread.clone()),
        }
    }

    /// Reads, decrypts and reports one file.
    fn session(&self, path: &Path) -> std::result::Result<SessionReport, Unread> {
        let name = path.display().to_string();
        match read_session_file(path, self.ids) {
            Ok(response) => Ok(clinician::session_with(
                &Input {
                    file: Some(name),
                    response,
                },
                self.catalog,
                self.lang,
                self.render.detail,
            )),
            Err(e) => {
                // Messages about a file begin with its name; the report names it already.
                let why = match e.message.strip_prefix(&name) {
                    Some(what) => Why::About(what.trim_start().to_owned()),
                    None => Why::Message(e.message),
                };
                Err(Unread {
                    file: name,
                    why,
                    kind: e.kind,
                })
            }
        }
    }
}

/// One path to report on: a file to read, or an entry of a folder that is no regular file,
/// listed among the failures with the reason it was skipped.
enum Entry {
    File(PathBuf),
    /// Boxed: rare, and a list of 100,000 entries is then a third of the size.
    Skipped(Box<Skipped>),
}

/// An entry that is not read: its path and why.
struct Skipped {
    path: PathBuf,
    unread: Unread,
}

impl Entry {
    fn path(&self) -> &Path {
        match self {
            Entry::File(p) => p,
            Entry::Skipped(s) => &s.path,
        }
    }
}

/// The files to report on: files as given, and the `*.age` entries of folders (sorted). An
/// entry that is not a regular file (a folder, a named pipe, a socket, a device, or a link
/// to nothing or to one of those) is never opened: it is listed with its reason.
fn collect(paths: &[PathBuf]) -> Result<Vec<Entry>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            Error::usage(format!(
                "cannot read {}: {}",
                p.display(),
                crate::error::describe_io(&e)
            ))
        })?;
        if meta.is_dir() {
            files.extend(folder(p)?);
        } else {
            files.push(entry_of(p.clone(), &meta.file_type()));
        }
    }
    Ok(files)
}

/// The `*.age` entries of a folder, sorted by name.
fn folder(p: &Path) -> Result<Vec<Entry>> {
    // Each entry's name, looked at once; the folder listing says what an entry is without
    // another system call per file (a link is followed).
    let mut found: Vec<Entry> = std::fs::read_dir(p)
        .map_err(|e| Error::io("cannot list", p, &e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name();
            let bytes = name.as_encoded_bytes();
            // `NAME.age`, not hidden: the same files as `extension() == "age"`.
            if !bytes.ends_with(b".age") || bytes.starts_with(b".") {
                return None;
            }
            Some(folder_entry(&e))
        })
        .collect();
    if found.is_empty() {
        return Err(Error::usage(format!("{} holds no .age files", p.display())));
    }
    // All in one folder: ordering by path is ordering by file name.
    found.sort_unstable_by(|a, b| a.path().cmp(b.path()));
    Ok(found)
}

/// A folder's entry: a file to read, or why it is skipped; a link is followed.
fn folder_entry(e: &std::fs::DirEntry) -> Entry {
    match e.file_type() {
        Ok(t) if t.is_file() => Entry::File(e.path()),
        Ok(t) if t.is_symlink() => match std::fs::metadata(e.path()) {
            Ok(m) => entry_of(e.path(), &m.file_type()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => skipped(
                e.path(),
                Why::About("is a link to a file that does not exist".into()),
                Kind::Failure,
            ),
            Err(err) => skipped(
                e.path(),
                Why::About(format!(
                    "is a link that cannot be followed: {}",
                    crate::error::describe_io(&err)
                )),
                Kind::Failure,
            ),
        },
        Ok(t) => entry_of(e.path(), &t),
        Err(err) => skipped(
            e.path(),
            Why::Message(format!(
                "cannot be read: {}",
                crate::error::describe_io(&err)
            )),
            Kind::Failure,
        ),
    }
}

/// A file to read, or why an entry of this type is skipped (exit 4: not a file confide can
/// read). The type is checked again when the file is opened.
fn entry_of(path: PathBuf, t: &std::fs::FileType) -> Entry {
    if t.is_file() {
        Entry::File(path)
    } else if t.is_dir() {
        skipped(
            path,
            Why::About("is a folder, not a file".into()),
            Kind::Damaged,
        )
    } else {
        let what = crate::store::regular::special(t).unwrap_or("not a regular file");
        skipped(
            path,
            Why::About(format!("is {what}, not a regular file")),
            Kind::Damaged,
        )
    }
}

fn skipped(path: PathBuf, why: Why, kind: Kind) -> Entry {
    let unread = Unread {
        file: path.display().to_string(),
        why,
        kind,
    };
    Entry::Skipped(Box::new(Skipped { path, unread }))
}

/// `-i` identity files (asking for a passphrase only for protected ones), or the vault key.
fn identities(settings: &Settings, files: &[PathBuf]) -> Result<Identities> {
    let access = Access::new(settings)?;
    if files.is_empty() {
        if !access.vault.has_identity() {
            return Err(Error::usage(format!(
                "there is no key in {} to open intake files with",
                access.vault.dir().display()
            ))
            .with_hint("pass the identity file the intakes were encrypted to with -i FILE, or create your key with `confide keys init`"));
        }
        return access.unlock();
    }
    let mut ids = Identities::new();
    for f in files {
        let prompt = format!("Passphrase for {}: ", f.display());
        let one = crypto::read_identity_file(f, || {
            access
                .passphrases
                .existing(&prompt, "open the identity file")
        })?;
        ids.extend(one);
    }
    Ok(ids)
}

fn output_error(e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::closed_pipe()
    } else {
        Error::failure(format!(
            "cannot write the report: {}",
            crate::error::describe_io(e)
        ))
    }
}

/// A session rendered in the report's format, ready to be written.
struct Rendered {
    text: String,
    /// JSON array elements in `text` (one session, or its FHIR entries).
    items: usize,
}

/// Renders each session's part; shared by the worker threads.
struct Render {
    format: ReportFormat,
    width: usize,
    style: crate::term::style::Style,
    columns: csv::Columns,
    /// Titles, ranges and bands of the scales, for the charts of HTML.
    scales: Scales,
    detail: Detail,
}

impl Render {
    /// Whether the report ends with a summary table: not CSV, which has one row per
    /// session, nor FHIR, a bundle of resources.
    fn summary(&self) -> bool {
        !matches!(self.format, ReportFormat::Csv | ReportFormat::Fhir)
    }

    fn session(&self, s: &SessionReport) -> Result<Rendered> {
        // Parts wait in memory for up to two chunks; templates grow their text by
        // doubling, so each keeps only what it holds.
        let one = |mut text: String| {
            text.shrink_to_fit();
            Rendered { text, items: 1 }
        };
        Ok(match self.format {
            ReportFormat::Text => one(clinician_text::session(s, self.width, self.style)),
            ReportFormat::Markdown => one(clinician_text::markdown_session(s)),
            ReportFormat::Json => one(json(s)?),
            ReportFormat::Csv => one(csv::row(s, &self.columns)),
            ReportFormat::Html => one(html::clinician::session(s, &self.scales)),
            ReportFormat::Fhir => {
                let entries = fhir::entries(s)
                    .iter()
                    .map(json)
                    .collect::<Result<Vec<String>>>()?;
                Rendered {
                    items: entries.len(),
                    text: entries.join(",\n"),
                }
            }
        })
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    term::json::to_string(v).map_err(|e| Error::failure(format!("cannot write JSON: {e}")))
}

/// What the end of a report is written from.
struct Ends<'a> {
    failures: &'a [Failure],
    grouped: &'a Grouped,
    norms: &'a ScaleNorms,
    scales: &'a Scales,
    generated: &'a str,
    /// The couples whose two partners are both in the report.
    couples: &'a [Couple],
}

/// Writes the report in one format, a session at a time.
struct Output<W: Write> {
    w: W,
    format: ReportFormat,
    width: usize,
    style: crate::term::style::Style,
    /// Sessions written so far.
    written: usize,
    /// JSON array elements written so far (sessions, or FHIR entries).
    items: usize,
}

impl<W: Write> Output<W> {
    fn put(&mut self, s: &str) -> Result<()> {
        self.w.write_all(s.as_bytes()).map_err(|e| output_error(&e))
    }

    fn json<T: serde::Serialize>(&mut self, v: &T) -> Result<()> {
        let text = json(v)?;
        self.put(&text)
    }

    fn begin(&mut self, generated: &str, columns: &csv::Columns) -> Result<()> {
        match self.format {
            ReportFormat::Json => {
                let tool = ToolInfo::this();
                let head = format!(
                    "{{\n\"format\": {},\n\"generated\": {},\n\"tool\": {},\n\"sessions\": [\n",
                    term::json::to_string_compact(REPORT_FORMAT).unwrap_or_default(),
                    term::json::to_string_compact(generated).unwrap_or_default(),
                    term::json::to_string_compact(&tool).unwrap_or_default()
                );
                self.put(&head)
            }
            ReportFormat::Csv => {
                let header = csv::header(columns);
                self.put(&header)
            }
            ReportFormat::Fhir => {
                let head = format!(
                    "{{\n\"resourceType\": \"Bundle\",\n\"type\": \"collection\",\n\"timestamp\": {},\n\"entry\": [\n",
                    term::json::to_string_compact(generated).unwrap_or_default()
                );
                self.put(&head)
            }
            ReportFormat::Html => {
                let head = html::clinician::begin(generated);
                self.put(&head)
            }
            ReportFormat::Text | ReportFormat::Markdown => Ok(()),
        }
    }

    /// Writes one session's part, with what goes between parts.
    fn session(&mut self, part: Rendered) -> Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            ReportFormat::Text if !first => {
                let sep = clinician_text::separator(self.width);
                self.put(&sep)?;
            }
            ReportFormat::Json | ReportFormat::Fhir if part.items > 0 && self.items > 0 => {
                self.put(",\n")?;
            }
            _ => {}
        }
        self.items += part.items;
        self.put(&part.text)
    }

    /// After the other intakes: each couple's view (safety first; in text, Markdown and
    /// HTML), then both partners' intakes, each with its couple suggestions deferred when
    /// the other partner raised the safety screen; then the intakes of partners whose
    /// partner is not in the report.
    fn couples_first(
        &mut self,
        couples: &[Couple],
        mut held: Vec<Held>,
        render: &Render,
        generated: &str,
    ) -> Result<()> {
        held.sort_by(|a, b| (&a.reference, &a.key).cmp(&(&b.reference, &b.key)));
        let mut held: Vec<Option<Held>> = held.into_iter().map(Some).collect();
        for c in couples {
            let view = match self.format {
                ReportFormat::Text => couple::text(std::slice::from_ref(c), self.style, self.width),
                ReportFormat::Markdown => couple::markdown(std::slice::from_ref(c)),
                ReportFormat::Html => {
                    html::couple::couples(std::slice::from_ref(c), &render.scales, generated)
                }
                _ => String::new(),
            };
            if !view.is_empty() {
                if self.format == ReportFormat::Text && self.written > 0 {
                    let sep = clinician_text::separator(self.width);
                    self.put(&sep)?;
                }
                self.put(&view)?;
                if self.format == ReportFormat::Text && self.written == 0 {
                    let sep = clinician_text::separator(self.width);
                    self.put(&sep)?;
                }
            }
            for (p, other) in [
                (&c.partners[0], &c.partners[1]),
                (&c.partners[1], &c.partners[0]),
            ] {
                for h in held.iter_mut() {
                    if h.as_ref().is_some_and(|h| h.reference == p.reference) {
                        let mut h = h.take().expect("checked");
                        if !other.raised.is_empty() {
                            h.report.defer_for_partner(&other.reference);
                        }
                        self.session(render.session(&h.report)?)?;
                    }
                }
            }
        }
        for mut h in held.into_iter().flatten() {
            h.report.partner_absent = couple::other_partner(&h.reference);
            self.session(render.session(&h.report)?)?;
        }
        Ok(())
    }

    /// The couple view in JSON, after everything else, before the closing brace, which is
    /// written here.
    fn couples(&mut self, couples: &[Couple]) -> Result<()> {
        match self.format {
            ReportFormat::Json => {
                if !couples.is_empty() {
                    self.put(",\n\"couples\": ")?;
                    self.json(&couples)?;
                }
                self.put("\n}\n")
            }
            _ => Ok(()),
        }
    }

    /// Writes what follows the sessions: the files that could not be read, the summary
    /// table (a reference at a time), the closing note and the couple view.
    fn end(&mut self, ends: &Ends) -> Result<()> {
        let Ends {
            failures,
            grouped,
            norms,
            scales,
            generated,
            couples,
        } = *ends;
        let sessions = grouped.sessions();
        match self.format {
            ReportFormat::Text => {
                let text = clinician_text::failures(failures, self.width, self.style);
                self.put(&text)?;
                if sessions > 1 {
                    self.put("\n")?;
                    self.put(&clinician_text::summary_text_head(self.style))?;
                    let mut unjudged = false;
                    for g in grouped.groups(norms) {
                        unjudged |= clinician_text::unjudged(&g);
                        self.put(&clinician_text::summary_text_group(&g))?;
                    }
                    self.put(&clinician_text::summary_text_end(unjudged))?;
                }
                if sessions > 0 {
                    self.put(&clinician_text::footer(self.width))?;
                }
                Ok(())
            }
            ReportFormat::Markdown => {
                self.put(&clinician_text::markdown_failures(failures))?;
                if sessions > 1 {
                    self.put(&clinician_text::markdown_summary_head())?;
                    let mut unjudged = false;
                    for g in grouped.groups(norms) {
                        unjudged |= clinician_text::unjudged(&g);
                        self.put(&clinician_text::markdown_summary_group(&g))?;
                    }
                    self.put(&clinician_text::markdown_summary_end(unjudged))?;
                }
                if sessions > 0 {
                    self.put(&clinician_text::markdown_footer())?;
                }
                Ok(())
            }
            ReportFormat::Json => {
                self.put("\n],\n\"failures\": ")?;
                self.json(&failures)?;
                self.put(",\n\"summary\": ")?;
                self.json_groups(grouped, norms)?;
                self.couples(couples)
            }
            ReportFormat::Csv => Ok(()),
            ReportFormat::Fhir => self.put("\n]\n}\n"),
            ReportFormat::Html => {
                self.put(&html::clinician::failures(failures))?;
                if sessions > 1 {
                    self.put(&html::clinician::summary_begin(generated))?;
                    let mut unjudged = false;
                    for g in grouped.groups(norms) {
                        unjudged |= clinician_text::unjudged(&g);
                        self.put(&html::clinician::summary_group(&g, scales))?;
                    }
                    self.put(&html::clinician::summary_end(unjudged))?;
                }
                self.put(&html::clinician::footer())?;
                self.put(html::end())
            }
        }
    }

    /// The summary groups as one pretty-printed JSON array, written a group at a time:
    /// each group printed alone, every line indented one level, is what printing the whole
    /// array gives (strings never hold a raw line break in JSON).
    fn json_groups(&mut self, grouped: &Grouped, norms: &ScaleNorms) -> Result<()> {
        let mut first = true;
        for g in grouped.groups(norms) {
            self.put(if first { "[\n" } else { ",\n" })?;
            first = false;
            let text = json(&g)?;
            let mut indented = String::with_capacity(text.len() + text.len() / 8);
            for (n, line) in text.lines().enumerate() {
                if n > 0 {
                    indented.push('\n');
                }
                indented.push_str("  ");
                indented.push_str(line);
            }
            self.put(&indented)?;
        }
        self.put(if first { "[]" } else { "\n]" })
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, Output, Unread, Why, collect, json, unread_error};
    use crate::cli::ReportFormat;
    use crate::error::Kind;
    use crate::report::change::ScaleNorms;
    use crate::report::clinician::{Grouped, Point, ReferenceGroup};

    #[test]
    fn the_summary_written_a_group_at_a_time_is_the_whole_array_printed_at_once() {
        let mut grouped = Grouped::default();
        let mut out = Output {
            w: Vec::new(),
            format: ReportFormat::Json,
            width: 80,
            style: crate::term::style::Style::plain(),
            written: 0,
            items: 0,
        };
        out.json_groups(&grouped, &ScaleNorms::default()).unwrap();
        assert_eq!(out.w, b"[]");
        for (reference, created, score) in [
            (Some("B"), "2026-01-02T00:00:00Z", 4.0),
            (Some("B"), "2026-01-01T00:00:00Z", 2.5),
            (None, "2026-01-01T00:00:00Z", 1.0),
            (Some("A\n\"x\u{202e}"), "2026-01-01T00:00:00Z", 7.0),
        ] {
            grouped.add(Point {
                reference: reference.map(String::from),
                id: format!("id-{created}"),
                created: created.into(),
                file: Some(format!("in/{created}.age")),
                scores: [("q.s".to_owned(), Some(score)), ("q.t".to_owned(), None)].into(),
                couple: None,
            });
        }
        out.w.clear();
        out.json_groups(&grouped, &ScaleNorms::default()).unwrap();
        let whole: Vec<ReferenceGroup> = grouped.groups(&ScaleNorms::default()).collect();
        assert_eq!(String::from_utf8(out.w).unwrap(), json(&whole).unwrap());
    }

    #[test]
    fn one_unreadable_file_is_one_sentence_and_several_are_counted() {
        let unread = |why: Why, kind: Kind| Unread {
            file: "x.age".into(),
            why,
            kind,
        };
        let folder = unread(Why::About("is a folder, not a file".into()), Kind::Damaged);
        let e = unread_error(std::slice::from_ref(&folder), 1);
        assert_eq!(e.message, "x.age is a folder, not a file");
        assert_eq!(e.kind, Kind::Damaged);
        let message = unread(
            Why::Message("cannot decrypt the key for x.age".into()),
            Kind::Decrypt,
        );
        let e = unread_error(std::slice::from_ref(&message), 1);
        assert_eq!(e.message, "x.age: cannot decrypt the key for x.age");
        assert_eq!(message.failure().error, "cannot decrypt the key for x.age");
        assert_eq!(message.failure().exit_code, 3);

        let e = unread_error(&[message, folder], 5);
        assert_eq!(e.message, "2 of 5 files could not be read");
        assert_eq!(e.kind, Kind::Damaged);
    }

    #[test]
    fn a_folder_gives_its_age_files_sorted_following_links_and_lists_what_is_not_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("intakes");
        std::fs::create_dir(&dir).unwrap();
        for name in [
            "b.age",
            "a.age",
            ".hidden.age",
            "notes.txt",
            ".confide-x.tmp",
        ] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.join("folder.age")).unwrap();
        let outside = tmp.path().join("outside.age");
        std::fs::write(&outside, b"x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, dir.join("c-link.age")).unwrap();
            std::os::unix::fs::symlink(tmp.path(), dir.join("d-folder-link.age")).unwrap();
            std::os::unix::fs::symlink(tmp.path().join("gone"), dir.join("e-dangling.age"))
                .unwrap();
        }
        let entries: Vec<(String, Option<i32>)> = collect(std::slice::from_ref(&dir))
            .unwrap()
            .iter()
            .map(|e| match e {
                Entry::File(p) => (p.file_name().unwrap().to_string_lossy().into_owned(), None),
                Entry::Skipped(s) => (
                    std::path::Path::new(&s.unread.file)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    Some(s.unread.kind.exit_code()),
                ),
            })
            .collect();
        let mut expected = vec![("a.age", None), ("b.age", None)];
        if cfg!(unix) {
            expected.extend([
                ("c-link.age", None),
                ("d-folder-link.age", Some(4)),
                ("e-dangling.age", Some(1)),
            ]);
        }
        expected.push(("folder.age", Some(4)));
        let expected: Vec<(String, Option<i32>)> = expected
            .into_iter()
            .map(|(n, c)| (n.to_owned(), c))
            .collect();
        assert_eq!(entries, expected);
        let e = collect(&[tmp.path().join("empty")]).err().unwrap();
        assert_eq!(e.kind, crate::error::Kind::Usage);
    }
}
