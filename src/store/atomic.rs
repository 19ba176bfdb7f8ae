//! Atomic, private file writes: a temp file in the target's own folder, written, fsynced,
//! renamed into place, then the folder fsynced. Files are 0600, folders 0700.
//!
//! A crash leaves either the old state or the new file, plus at worst a stray
//! `.confide-*.tmp` next to it. Callers only ever pass ciphertext (or public text such as
//! `recipient.txt`): nothing here knows what it writes, so nothing here can log it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, describe_io};

/// Prefix of temp files, so listings can skip them.
pub(crate) const TEMP_PREFIX: &str = ".confide-";

/// Creates `dir` (and missing parents) with mode 0700. An existing folder is left as it is.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("cannot create folder", dir, &e))
}

/// Writes `bytes` to `dir/name`, which must not exist yet: an existing file is never
/// overwritten (an error of kind `Failure` saying so).
pub(crate) fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let target = dir.join(name);
    let temp = write_temp(dir, bytes)?;
    temp.persist_noclobber(&target).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::failure(format!(
                "{} already exists; it was not overwritten",
                target.display()
            ))
        } else {
            Error::io("cannot save", &target, &e.error)
        }
    })?;
    sync_after_change(dir);
    Ok(target)
}

/// Replaces `dir/name` with `bytes` in one rename: readers see the old file or the new one,
/// never a mix, and a failure before the rename leaves the old file untouched.
pub(crate) fn replace(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let target = dir.join(name);
    let temp = write_temp(dir, bytes)?;
    temp.persist(&target)
        .map_err(|e| Error::io("cannot save", &target, &e.error))?;
    sync_after_change(dir);
    Ok(target)
}

/// Removes a file and makes the removal durable.
pub(crate) fn remove(path: &Path) -> Result<()> {
    fs::remove_file(path).map_err(|e| Error::io("cannot delete", path, &e))?;
    if let Some(dir) = path.parent() {
        sync_after_change(dir);
    }
    Ok(())
}

/// Checks that new files can be created in `dir`, by creating and removing an empty temp file.
pub(crate) fn check_writable(dir: &Path) -> Result<()> {
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| Error::io("cannot write in", dir, &e))
}

fn write_temp(dir: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let fail = |e: &std::io::Error| {
        Error::failure(format!(
            "cannot save in {}: {}",
            dir.display(),
            describe_io(e)
        ))
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut temp = builder.tempfile_in(dir).map_err(|e| fail(&e))?;
    temp.write_all(bytes).map_err(|e| fail(&e))?;
    temp.as_file().sync_all().map_err(|e| fail(&e))?;
    Ok(temp)
}

/// Folders whose fsync failed after a change in them, with the reason, not yet reported.
static UNSYNCED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// fsyncs a folder after a rename or removal in it. The change is made by then and a
/// failed fsync does not undo it, so the command goes on and says that it succeeded; the
/// failure is kept for a warning after the command's own messages ([`take_unsynced`]).
fn sync_after_change(dir: &Path) {
    if let Err(e) = sync_dir(dir) {
        let mut unsynced = UNSYNCED.lock().unwrap_or_else(|p| p.into_inner());
        if !unsynced.contains(&e.message) {
            unsynced.push(e.message);
        }
    }
}

/// The folders that could not be synced since the last call, each as a message
/// (`cannot sync folder DIR: ...`).
pub(crate) fn take_unsynced() -> Vec<String> {
    std::mem::take(&mut *UNSYNCED.lock().unwrap_or_else(|p| p.into_inner()))
}

/// fsyncs a folder so a rename or removal in it survives a crash.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("cannot sync folder", dir, &e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_are_private_and_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        private_dir(&dir).unwrap();
        let path = write_new(&dir, "x.age", b"first").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        {
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&tmp.path().join("a")), 0o700);
            assert_eq!(mode(&path), 0o600);
        }
        let e = write_new(&dir, "x.age", b"second").unwrap_err();
        assert!(
            e.message
                .ends_with("x.age already exists; it was not overwritten")
        );
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("x.age")],
            "no temp file is left"
        );
    }

    #[test]
    fn replace_swaps_the_whole_file() {
        let tmp = tempfile::tempdir().unwrap();
        write_new(tmp.path(), "k", b"old").unwrap();
        let p = replace(tmp.path(), "k", b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o600);
        remove(&p).unwrap();
        assert!(!p.exists());
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let e = write_new(&tmp.path().join("nope"), "x", b"1").unwrap_err();
        assert!(e.message.contains("nope"), "{}", e.message);
        assert!(check_writable(&tmp.path().join("nope")).is_err());
        assert!(check_writable(tmp.path()).is_ok());
    }
}
