//! The support services shown with urgent flags (`take` and `show`): the config folder's
//! `support.json` when it is there and valid, else the bundled list, with a warning that
//! says why a file there was passed over.

use std::io::Read;
use std::path::Path;

use super::Settings;
use crate::report::resources::{self, Resources};
use crate::store::regular::{NotOpened, open};
use crate::term;

/// The support resources to show.
pub(super) fn resources(settings: &Settings) -> Resources {
    let Some(path) = settings
        .config_dir
        .as_deref()
        .map(|c| c.join("support.json"))
    else {
        return resources::bundled();
    };
    let loaded = resources::from_file(&path, read(&path));
    if let Some(ignored) = &loaded.ignored {
        term::warn(&ignored.to_string());
    }
    loaded.resources
}

/// At most [`resources::MAX_BYTES`] (and one byte more, to tell a larger file) of
/// `support.json`, which must be a regular file: a named pipe there would otherwise hang
/// every summary.
fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = open(path).map_err(|e| match e {
        NotOpened::Io(e) => e,
        NotOpened::Folder => std::io::Error::from(std::io::ErrorKind::IsADirectory),
        NotOpened::Special(kind) => {
            std::io::Error::other(format!("it is {kind}, not a regular file"))
        }
    })?;
    let mut buf = Vec::new();
    file.take(resources::MAX_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}
