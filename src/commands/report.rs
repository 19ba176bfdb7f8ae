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
use crate::report::clinician::{
    self, Detail, Failure, Input, Point, REPORT_FORMAT, ReferenceGroup, SessionReport, ToolInfo,
};
use crate::report::{clinician_text, csv, fhir};
use crate::store::crypto::{self, Identities};
use crate::store::sessions::read_session_file;
use crate::term::{self, sanitize};

/// Files decrypted in parallel before their part of the report is written.
const CHUNK: usize = 256;

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
    let (points, unread) = work.report(&files, &mut out)?;
    let couples = crate::report::couple::couples(&points);
    let groups = clinician::group(points);
    let failed: Vec<Failure> = unread.iter().map(Unread::failure).collect();
    out.end(&failed, &groups)?;
    out.couples(&couples)?;
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

/// What became of one file: its part of the report, or why it could not be read.
type Done = std::result::Result<Part, Unread>;

/// One session's part of the report, made on a worker thread.
struct Part {
    text: Result<Rendered>,
    /// What the summary table needs, for the formats that end with one.
    point: Option<Point>,
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
    fn report<W: Write>(
        &self,
        files: &[Entry],
        out: &mut Output<W>,
    ) -> Result<(Vec<Point>, Vec<Unread>)> {
        let mut points: Vec<Point> = Vec::new();
        let mut unread: Vec<Unread> = Vec::new();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Done>>(1);
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                for chunk in files.chunks(CHUNK) {
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
                            out.session(part.text?)?;
                            points.extend(part.point);
                        }
                        Err(u) => unread.push(u),
                    }
                }
            }
            Ok(())
        })?;
        Ok((points, unread))
    }

    /// One entry's part of the report.
    fn part(&self, entry: &Entry) -> Done {
        match entry {
            Entry::File(f) => self.session(f).map(|s| Part {
                text: self.render.session(&s),
                point: self.render.summary().then(|| clinician::point(&s)),
            }),
            Entry::Skipped(u) => Err(u.clone()),
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
    Skipped(Unread),
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
    let mut found: Vec<(std::ffi::OsString, Entry)> = std::fs::read_dir(p)
        .map_err(|e| Error::io("cannot list", p, &e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name();
            let bytes = name.as_encoded_bytes();
            // `NAME.age`, not hidden: the same files as `extension() == "age"`.
            if !bytes.ends_with(b".age") || bytes.starts_with(b".") {
                return None;
            }
            Some((name, folder_entry(&e)))
        })
        .collect();
    if found.is_empty() {
        return Err(Error::usage(format!("{} holds no .age files", p.display())));
    }
    // All in one folder: ordering by file name is ordering by path.
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(found.into_iter().map(|(_, entry)| entry).collect())
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
    Entry::Skipped(Unread {
        file: path.display().to_string(),
        why,
        kind,
    })
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
    detail: Detail,
}

impl Render {
    /// Whether the report ends with a summary table: every format but CSV, which has one
    /// row per session.
    fn summary(&self) -> bool {
        self.format != ReportFormat::Csv
    }

    fn session(&self, s: &SessionReport) -> Result<Rendered> {
        let one = |text: String| Rendered { text, items: 1 };
        Ok(match self.format {
            ReportFormat::Text => one(clinician_text::session(s, self.width, self.style)),
            ReportFormat::Markdown => one(clinician_text::markdown_session(s)),
            ReportFormat::Json => one(json(s)?),
            ReportFormat::Csv => one(csv::row(s, &self.columns)),
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

    /// The couple view, after everything else (JSON: before the closing brace, which
    /// `end` leaves open when there are couples).
    fn couples(&mut self, couples: &[crate::report::couple::Couple]) -> Result<()> {
        use crate::report::couple;
        match self.format {
            ReportFormat::Text if !couples.is_empty() => {
                self.put(&couple::text(couples, self.style))
            }
            ReportFormat::Markdown if !couples.is_empty() => self.put(&couple::markdown(couples)),
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

    fn end(&mut self, failures: &[Failure], groups: &[ReferenceGroup]) -> Result<()> {
        let sessions: usize = groups.iter().map(|g| g.sessions.len()).sum();
        match self.format {
            ReportFormat::Text => {
                let text = clinician_text::failures(failures, self.width, self.style);
                self.put(&text)?;
                if sessions > 1 {
                    let table = clinician_text::summary_text(groups, self.style);
                    self.put(&format!("\n{table}"))?;
                }
                if sessions > 0 {
                    self.put(&clinician_text::footer(self.width))?;
                }
                Ok(())
            }
            ReportFormat::Markdown => {
                self.put(&clinician_text::markdown_failures(failures))?;
                if sessions > 1 {
                    self.put(&clinician_text::markdown_summary(groups))?;
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
                self.json(&groups)
            }
            ReportFormat::Csv => Ok(()),
            ReportFormat::Fhir => self.put("\n]\n}\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, Unread, Why, collect, unread_error};
    use crate::error::Kind;

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
                Entry::Skipped(u) => (
                    std::path::Path::new(&u.file)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    Some(u.kind.exit_code()),
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
