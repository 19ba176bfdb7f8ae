//! Opening files that must be regular files (age files, keys, recipients, `support.json`)
//! without ever blocking: a named pipe put where a file is expected would otherwise hang
//! confide until something writes to it, and a device such as `/dev/zero` would be read
//! without end.
//!
//! The file is opened with `O_NONBLOCK` (opening a pipe then returns at once) and its type
//! is checked on the open file (`fstat`), so a file swapped for a pipe between a listing and
//! the open is caught too.

use std::fs::{File, FileType};
use std::path::Path;

/// Why a path could not be opened as a regular file.
#[derive(Debug)]
pub(crate) enum NotOpened {
    /// The open itself failed (no such file, permission denied, ...).
    Io(std::io::Error),
    /// A folder.
    Folder,
    /// A named pipe, socket or device: what it is, in words (`a named pipe (FIFO)`).
    Special(&'static str),
}

/// Opens `path` (following symbolic links) for reading if it is a regular file.
pub(crate) fn open(path: &Path) -> Result<File, NotOpened> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // On a regular file O_NONBLOCK changes nothing; on a pipe it makes `open` return
        // instead of waiting for a writer.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) => {
            // A socket cannot be opened at all: say what it is rather than the errno.
            if let Ok(meta) = std::fs::metadata(path)
                && let Some(what) = special(&meta.file_type())
            {
                return Err(NotOpened::Special(what));
            }
            return Err(NotOpened::Io(e));
        }
    };
    let meta = file.metadata().map_err(NotOpened::Io)?;
    if meta.is_file() {
        Ok(file)
    } else if meta.is_dir() {
        Err(NotOpened::Folder)
    } else {
        Err(NotOpened::Special(
            special(&meta.file_type()).unwrap_or("not a regular file"),
        ))
    }
}

/// What a file that is neither a regular file nor a folder is, in words; `None` for
/// regular files and folders.
pub(crate) fn special(t: &FileType) -> Option<&'static str> {
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn regular_files_open_and_pipes_devices_and_folders_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert!(open(&file).is_ok());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(open(&link).is_ok());

        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // No writer: a blocking open would wait for ever.
        assert!(matches!(
            open(&fifo),
            Err(NotOpened::Special("a named pipe (FIFO)"))
        ));
        assert!(matches!(
            open(Path::new("/dev/zero")),
            Err(NotOpened::Special("a device"))
        ));
        let socket = dir.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        assert!(matches!(open(&socket), Err(NotOpened::Special("a socket"))));
        assert!(matches!(open(dir.path()), Err(NotOpened::Folder)));
        assert!(matches!(
            open(&dir.path().join("missing")),
            Err(NotOpened::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
    }
}
