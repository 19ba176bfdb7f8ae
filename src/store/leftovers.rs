//! Leftovers of interrupted writes: the `.confide-*.tmp` files that an atomic write
//! (`atomic.rs`) leaves when confide is killed between creating its temp file and renaming
//! it into place. What they mean and what is done with them is in docs/storage.md
//! ("Leftovers of interrupted writes"):
//!
//! - Only leftovers older than [`LEFTOVER_AGE`] are touched: a younger one may be the file
//!   another running confide is writing right now (a write takes milliseconds).
//! - In the data folder itself (a key or `recipient.txt` being written, or `keys passwd`):
//!   removed. The old key is still in place; a new one that was never renamed into place
//!   protected nothing yet.
//! - In `sessions/` and `drafts/`: removed when empty, not an age file, or the same bytes as
//!   a file beside it (an interrupted rename). Otherwise it may be a whole session: kept
//!   until a command that unlocks the key (`history`, `show`, `take --resume`) can decrypt
//!   it. Then a whole session or draft is put into place under its own name (a draft only
//!   when it is newer than the file of the same name), one for another key is put into
//!   place under a new name so that `history` lists it, and a damaged one (a partial
//!   write) is removed.
//!
//! Tidying never fails a command: a leftover that cannot be read or moved stays, and the
//! next command tries again.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::atomic::{self, TEMP_PREFIX};
use super::crypto::{self, Identities};
use super::draft::Draft;
use super::sessions::{list_age_files, session_stem};
use super::vault::Vault;
use crate::clock;
use crate::error::Kind;
use crate::model::response::Response;

/// How old a leftover must be before it is touched.
const LEFTOVER_AGE: Duration = Duration::from_secs(60);

/// What tidying did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tidied {
    /// Leftovers removed: partial or duplicate files, and unfinished key writes.
    pub(crate) removed: usize,
    /// Whole files put into place (the new paths).
    pub(crate) recovered: Vec<PathBuf>,
    /// Leftovers that may be whole sessions, kept until the key is unlocked.
    pub(crate) waiting: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Folder {
    Sessions,
    Drafts,
}

/// `.confide-*.tmp` regular files in `dir` older than `min_age`, with their modification
/// times.
fn leftovers(dir: &Path, min_age: Duration) -> Vec<(PathBuf, SystemTime)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp")) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let Ok(modified) = meta.modified() else {
            continue;
        };
        let old = clock::age(modified).is_some_and(|age| age >= min_age);
        if meta.is_file() && old {
            found.push((entry.path(), modified));
        }
    }
    found.sort();
    found
}

impl Vault {
    /// Acts on leftovers of interrupted writes (see the module documentation). `ids` is the
    /// unlocked key, when the command has it.
    pub(crate) fn tidy(&self, ids: Option<&Identities>) -> Tidied {
        self.tidy_older_than(ids, LEFTOVER_AGE)
    }

    /// [`Vault::tidy`] with another age limit (tests).
    fn tidy_older_than(&self, ids: Option<&Identities>, min_age: Duration) -> Tidied {
        let mut done = Tidied::default();
        for (path, _) in leftovers(self.dir(), min_age) {
            if atomic::remove(&path).is_ok() {
                done.removed += 1;
            }
        }
        for (dir, folder) in [
            (self.sessions_dir(), Folder::Sessions),
            (self.drafts_dir(), Folder::Drafts),
        ] {
            for (path, modified) in leftovers(&dir, min_age) {
                self.tidy_one(&dir, folder, &path, modified, ids, &mut done);
            }
        }
        done
    }

    fn tidy_one(
        &self,
        dir: &Path,
        folder: Folder,
        path: &Path,
        modified: SystemTime,
        ids: Option<&Identities>,
        done: &mut Tidied,
    ) {
        let Ok(bytes) = crypto::read_file(path, "leftover") else {
            return;
        };
        let remove = |done: &mut Tidied| {
            if atomic::remove(path).is_ok() {
                done.removed += 1;
            }
        };
        let duplicate = || {
            list_age_files(dir).unwrap_or_default().iter().any(|f| {
                fs::metadata(&f.path).is_ok_and(|m| m.len() == bytes.len() as u64)
                    && fs::read(&f.path).is_ok_and(|b| b == bytes)
            })
        };
        if bytes.is_empty() || !crypto::is_age_file(&bytes) || duplicate() {
            return remove(done);
        }
        let Some(ids) = ids else {
            done.waiting += 1;
            return;
        };
        let plaintext = match crypto::decrypt(&bytes, ids, path) {
            Ok(p) => p,
            // Whole, perhaps, but for another key: into place, so that it is listed.
            Err(e) if e.kind == Kind::Decrypt => {
                let name = format!("{}-{}.age", clock::compact(modified.into()), random8());
                return self.recover(dir, path, &name, false, done);
            }
            // Truncated or damaged: a write that never finished.
            Err(_) => return remove(done),
        };
        match folder {
            Folder::Sessions => match Response::from_slice(&plaintext)
                .ok()
                .and_then(|r| session_stem(&r).ok())
            {
                // A session of the same name is the same record, already in place.
                Some(stem) if dir.join(format!("{stem}.age")).exists() => remove(done),
                Some(stem) => self.recover(dir, path, &format!("{stem}.age"), false, done),
                None => remove(done),
            },
            Folder::Drafts => match Draft::from_slice(&plaintext) {
                Ok(draft) => {
                    let name = format!("{}.age", draft.stem());
                    let newer = match self.read_draft(&dir.join(&name), ids) {
                        Ok(there) => draft.saved > there.saved,
                        // Missing (or unreadable): the leftover is all there is.
                        Err(_) => true,
                    };
                    if newer {
                        self.recover(dir, path, &name, true, done);
                    } else {
                        remove(done);
                    }
                }
                Err(_) => remove(done),
            },
        }
    }

    /// Renames a leftover into place as `name` (replacing only when `replace`).
    fn recover(&self, dir: &Path, path: &Path, name: &str, replace: bool, done: &mut Tidied) {
        let target = dir.join(name);
        let moved = if replace {
            fs::rename(path, &target).is_ok()
        } else {
            // Never over an existing file: a hard link fails when the name is taken.
            fs::hard_link(path, &target).is_ok() && fs::remove_file(path).is_ok()
        };
        if moved {
            let _ = atomic::sync_dir(dir);
            done.recovered.push(target);
        }
    }
}

fn random8() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::crypto::Recipients;
    use crate::store::vault::SESSIONS_DIR;

    fn vault_with_key() -> (tempfile::TempDir, Vault, Identities, Recipients) {
        let tmp = tempfile::tempdir().unwrap();
        let vault = Vault::at(tmp.path().join("data"));
        let key = age::x25519::Identity::generate();
        let mut r = Recipients::new();
        r.add_x25519(key.to_public());
        let mut ids = Identities::new();
        ids.push(key);
        vault.prepare_dir(SESSIONS_DIR).unwrap();
        vault.prepare_dir(crate::store::vault::DRAFTS_DIR).unwrap();
        (tmp, vault, ids, r)
    }

    fn record(id: &str) -> Vec<u8> {
        format!(
            r#"{{"format": "confide.response/1", "id": "{id}", "created": "2026-11-25T08:15:00Z",
               "tool": {{"name": "confide", "version": "0.1.0"}}, "language": "en", "questionnaires": []}}"#
        )
        .into_bytes()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn young_leftovers_are_never_touched() {
        let (_tmp, vault, ids, _) = vault_with_key();
        fs::write(vault.sessions_dir().join(".confide-abc.tmp"), b"").unwrap();
        let done = vault.tidy(Some(&ids));
        assert_eq!(done, Tidied::default());
        assert_eq!(names(&vault.sessions_dir()), [".confide-abc.tmp"]);
    }

    #[test]
    fn without_the_key_only_what_is_clearly_not_a_session_is_removed() {
        let (_tmp, vault, _, r) = vault_with_key();
        let s = vault.sessions_dir();
        let whole =
            crypto::encrypt(&record("1a2b3c4d-0000-4000-8000-000000000000"), &r, false).unwrap();
        fs::write(s.join("20261125T081500Z-1a2b3c4d.age"), &whole).unwrap();
        fs::write(s.join(".confide-empty.tmp"), b"").unwrap();
        fs::write(s.join(".confide-text.tmp"), b"age1notafile\n").unwrap();
        fs::write(s.join(".confide-dup.tmp"), &whole).unwrap();
        fs::write(s.join(".confide-maybe.tmp"), &whole[..whole.len() - 3]).unwrap();
        fs::write(
            vault.dir().join(".confide-key.tmp"),
            b"age-encryption.org/v1\n",
        )
        .unwrap();
        let done = vault.tidy_older_than(None, Duration::ZERO);
        assert_eq!(done.removed, 4);
        assert_eq!(done.waiting, 1);
        assert_eq!(
            names(&s),
            [".confide-maybe.tmp", "20261125T081500Z-1a2b3c4d.age"]
        );
        assert!(!vault.dir().join(".confide-key.tmp").exists());
    }

    #[test]
    fn with_the_key_a_whole_session_is_recovered_and_a_partial_one_removed() {
        let (_tmp, vault, ids, r) = vault_with_key();
        let s = vault.sessions_dir();
        let whole =
            crypto::encrypt(&record("9e8d7c6b-0000-4000-8000-000000000000"), &r, false).unwrap();
        let other =
            crypto::encrypt(&record("1a2b3c4d-0000-4000-8000-000000000000"), &r, false).unwrap();
        fs::write(s.join(".confide-whole.tmp"), &whole).unwrap();
        fs::write(s.join(".confide-part.tmp"), &other[..other.len() - 5]).unwrap();
        let done = vault.tidy_older_than(Some(&ids), Duration::ZERO);
        assert_eq!(done.removed, 1);
        assert_eq!(done.recovered, [s.join("20261125T081500Z-9e8d7c6b.age")]);
        assert_eq!(names(&s), ["20261125T081500Z-9e8d7c6b.age"]);
        assert_eq!(fs::read(&done.recovered[0]).unwrap(), whole);
    }

    #[test]
    fn a_newer_draft_replaces_its_older_save_and_an_older_one_is_removed() {
        let (_tmp, vault, ids, _) = vault_with_key();
        fs::write(vault.recipient_path(), format!("{}\n", ids.recipients()[0])).unwrap();
        let mut d = Draft::new(vec!["x".into()], "en");
        let path = vault.save_draft(&d).unwrap();
        let older = fs::read(&path).unwrap();
        std::thread::sleep(Duration::from_millis(1100));
        d.resume_at = Some("x.y".into());
        vault.save_draft(&d).unwrap();
        let newer = fs::read(&path).unwrap();
        let dir = vault.drafts_dir();
        fs::write(dir.join(".confide-old.tmp"), &older).unwrap();
        let done = vault.tidy_older_than(Some(&ids), Duration::ZERO);
        assert_eq!((done.removed, done.recovered.len()), (1, 0));
        assert_eq!(fs::read(&path).unwrap(), newer);
        // The other way round: the file in place is the older save.
        fs::write(&path, &older).unwrap();
        fs::write(dir.join(".confide-new.tmp"), &newer).unwrap();
        let done = vault.tidy_older_than(Some(&ids), Duration::ZERO);
        assert_eq!(done.recovered, std::slice::from_ref(&path));
        assert_eq!(fs::read(&path).unwrap(), newer);
        assert_eq!(names(&dir).len(), 1);
    }
}
