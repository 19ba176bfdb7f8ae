//! Saved sessions in the vault: `sessions/<utc-compact>-<id8>.age`, each the age-encrypted
//! `confide.response/1` record of one completed session. The file stem is the session id
//! that `history`, `show` and `delete` use; `show`/`delete` also accept the id8 or any
//! unique prefix of either.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::atomic;
use super::crypto::{self, Identities};
use super::vault::{SESSIONS_DIR, Vault, to_json_zeroizing};
use crate::clock;
use crate::error::{Error, Result};
use crate::model::response::{RecordError, Response};

/// One session file (not yet decrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionFile {
    /// The file stem, such as `20261125T081500Z-1a2b3c4d`.
    pub(crate) id: String,
    pub(crate) path: PathBuf,
}

impl SessionFile {
    /// The 8 hex digits after the time, or the whole id for a file named otherwise.
    pub(crate) fn id8(&self) -> &str {
        match self.id.rsplit_once('-') {
            Some((_, id8)) if id8.len() == 8 => id8,
            _ => &self.id,
        }
    }

    /// The time in the name (`2026-11-25 08:15 UTC`), or `unknown date` for a file named
    /// otherwise.
    pub(crate) fn display_time(&self) -> String {
        self.id
            .split('-')
            .next()
            .and_then(clock::parse_compact)
            .and_then(clock::display)
            .unwrap_or_else(|| "unknown date".into())
    }
}

/// Where a session was saved.
#[derive(Debug, Clone)]
pub struct SavedSession {
    pub id: String,
}

/// A session that could be read, or why not.
pub(crate) type ReadResult = std::result::Result<(SessionFile, Response), (SessionFile, Error)>;

/// `<utc-compact>-<id8>` for a record: its `created` time (or now) and its id.
pub fn session_stem(response: &Response) -> Result<String> {
    let id8 = response.id8();
    if id8.len() != 8 {
        return Err(Error::failure("the record has no usable id"));
    }
    let created = clock::parse_rfc3339(&response.created).unwrap_or_else(clock::now);
    Ok(format!("{}-{id8}", clock::compact(created)))
}

impl Vault {
    /// Encrypts a completed session to `recipient.txt` (no passphrase) and writes it
    /// atomically to `sessions/`; an existing file is never overwritten.
    pub fn save_session(&self, response: &Response) -> Result<SavedSession> {
        let recipients = self.recipients()?;
        let stem = session_stem(response)?;
        let plaintext = to_json_zeroizing(response)?;
        let ciphertext = crypto::encrypt(&plaintext, &recipients, false)?;
        drop(plaintext);
        let dir = self.prepare_dir(SESSIONS_DIR)?;
        atomic::write_new(&dir, &format!("{stem}.age"), &ciphertext)?;
        Ok(SavedSession { id: stem })
    }

    /// Every `*.age` file in `sessions/`, oldest first (names start with the UTC time).
    pub(crate) fn list_sessions(&self) -> Result<Vec<SessionFile>> {
        list_age_files(&self.sessions_dir())
    }

    /// The newest session, if any.
    pub(crate) fn latest_session(&self) -> Result<SessionFile> {
        self.list_sessions()?.pop().ok_or_else(|| {
            Error::usage("there are no saved sessions yet").with_hint("`confide take` saves one")
        })
    }

    /// The session named by `query`: its full id, its id8, or a unique prefix of either
    /// (a trailing `.age` is ignored).
    pub(crate) fn find_session(&self, query: &str) -> Result<SessionFile> {
        let files = self.list_sessions()?;
        find_in(files, query, "session")
    }

    /// Decrypts and parses one session.
    pub(crate) fn read_session(&self, file: &SessionFile, ids: &Identities) -> Result<Response> {
        read_session_file(&file.path, ids).map_err(for_another_key)
    }

    /// Decrypts and parses every file, in parallel, keeping the order; each failure is kept
    /// with its file so the rest can still be shown.
    pub(crate) fn read_sessions(
        &self,
        files: Vec<SessionFile>,
        ids: &Identities,
    ) -> Vec<ReadResult> {
        files
            .into_par_iter()
            .map(|f| match read_session_file(&f.path, ids) {
                Ok(r) => Ok((f, r)),
                Err(e) => Err((f, for_another_key(e))),
            })
            .collect()
    }

    /// Deletes one session file.
    pub(crate) fn delete_session(&self, file: &SessionFile) -> Result<()> {
        atomic::remove(&file.path)
    }
}

/// A saved session encrypted to another key was saved while `recipient.txt` held that key:
/// says so, rather than leaving the person to think the file is damaged.
fn for_another_key(e: Error) -> Error {
    if is_for_another_key(&e) {
        e.with_hint("it was saved while recipient.txt held someone else's key, and only that key can open it (age cannot tell this from a damaged line in the file's header)")
    } else {
        e
    }
}

/// Whether an error says that a file is encrypted to another key (exit 3).
pub(crate) fn is_for_another_key(e: &Error) -> bool {
    e.kind == crate::error::Kind::Decrypt && e.message.ends_with(crypto::ANOTHER_KEY)
}

/// Decrypts and parses a session or intake file, naming it in every error.
pub(crate) fn read_session_file(path: &Path, ids: &Identities) -> Result<Response> {
    let ciphertext = crypto::read_file(path, "session file")?;
    let plaintext = crypto::decrypt(&ciphertext, ids, path)?;
    Response::from_slice(&plaintext).map_err(|e| record_error(&e, path))
}

/// A record problem as an exit-4 error naming the file.
fn record_error(e: &RecordError, path: &Path) -> Error {
    let f = path.display();
    match e {
        RecordError::Newer(v) => Error::damaged(format!(
            "{f} was written by a newer version of confide (format `{v}`)"
        ))
        .with_hint("update confide to read it"),
        RecordError::Foreign(why) => Error::damaged(format!("{f} is not a confide record: {why}")),
        RecordError::Damaged(why) => Error::damaged(format!("{f} is damaged: {why}")),
    }
}

/// The `*.age` files of a folder (not temp files), sorted by name. A missing folder is
/// empty.
pub(crate) fn list_age_files(dir: &Path) -> Result<Vec<SessionFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("cannot list", dir, &e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot list", dir, &e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".age") else {
            continue;
        };
        if stem.is_empty() || name.starts_with('.') {
            continue;
        }
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            continue;
        }
        files.push(SessionFile {
            id: stem.to_owned(),
            path: entry.path(),
        });
    }
    files.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(files)
}

/// The file named by `query` among `files` (`what` is "session" or "draft", for messages).
pub(crate) fn find_in(files: Vec<SessionFile>, query: &str, what: &str) -> Result<SessionFile> {
    let q = query.trim();
    let q = q.strip_suffix(".age").unwrap_or(q);
    if q.is_empty() {
        return Err(Error::usage(format!("the {what} id is empty"))
            .with_hint("`confide history` lists your sessions"));
    }
    if let Some(f) = files.iter().find(|f| f.id == q) {
        return Ok(f.clone());
    }
    let exact_id8: Vec<&SessionFile> = files.iter().filter(|f| f.id8() == q).collect();
    let matches: Vec<&SessionFile> = if exact_id8.is_empty() {
        files
            .iter()
            .filter(|f| f.id.starts_with(q) || f.id8().starts_with(q))
            .collect()
    } else {
        exact_id8
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::usage(format!(
            "no {}{what} matches `{q}`",
            if what == "session" { "saved " } else { "" }
        ))
        .with_hint("`confide history` lists your sessions")),
        many => {
            let shown: Vec<&str> = many.iter().take(5).map(|f| f.id.as_str()).collect();
            let more = if many.len() > 5 { ", ..." } else { "" };
            Err(Error::usage(format!(
                "`{q}` matches {} {what}s: {}{more}",
                many.len(),
                shown.join(", ")
            ))
            .with_hint(format!("give more of the {what} id")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(ids: &[&str]) -> Vec<SessionFile> {
        ids.iter()
            .map(|id| SessionFile {
                id: (*id).into(),
                path: PathBuf::from(format!("{id}.age")),
            })
            .collect()
    }

    #[test]
    fn a_session_is_found_by_full_id_id8_or_unique_prefix() {
        let all = files(&[
            "20261101T090000Z-1a2b3c4d",
            "20261125T081500Z-1a2bffff",
            "20261201T120000Z-9e8d7c6b",
        ]);
        let find = |q: &str| find_in(all.clone(), q, "session").map(|f| f.id);
        assert_eq!(
            find("20261125T081500Z-1a2bffff").unwrap(),
            "20261125T081500Z-1a2bffff"
        );
        assert_eq!(
            find("20261125T081500Z-1a2bffff.age").unwrap(),
            "20261125T081500Z-1a2bffff"
        );
        assert_eq!(find("1a2b3c4d").unwrap(), "20261101T090000Z-1a2b3c4d");
        assert_eq!(find("9e").unwrap(), "20261201T120000Z-9e8d7c6b");
        assert_eq!(find("202612").unwrap(), "20261201T120000Z-9e8d7c6b");
        let e = find("1a2b").unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Usage);
        assert!(
            e.message.starts_with(
                "`1a2b` matches 2 sessions: 20261101T090000Z-1a2b3c4d, 20261125T081500Z-1a2bffff"
            ),
            "{}",
            e.message
        );
        let e = find("ffff0000").unwrap_err();
        assert_eq!(e.message, "no saved session matches `ffff0000`");
        assert!(find(" ").is_err());
    }

    #[test]
    fn names_carry_the_utc_time_and_id8() {
        let f = &files(&["20261125T081500Z-1a2b3c4d"])[0];
        assert_eq!(f.id8(), "1a2b3c4d");
        assert_eq!(f.display_time(), "2026-11-25 08:15 UTC");
        let odd = &files(&["my-copy"])[0];
        assert_eq!(odd.id8(), "my-copy");
        assert_eq!(odd.display_time(), "unknown date");
    }

    #[test]
    fn listing_skips_temp_files_other_names_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "20261125T081500Z-1a2b3c4d.age",
            "20261101T090000Z-00000000.age",
            ".confide-x.tmp",
            ".hidden.age",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("dir.age")).unwrap();
        let ids: Vec<String> = list_age_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(
            ids,
            ["20261101T090000Z-00000000", "20261125T081500Z-1a2b3c4d"]
        );
        assert!(
            list_age_files(&dir.path().join("missing"))
                .unwrap()
                .is_empty()
        );
    }
}
