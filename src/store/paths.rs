//! Where confide keeps things.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "confide")
}

/// The config folder (`$XDG_CONFIG_HOME/confide` on Linux), if a home folder is known.
pub(crate) fn config_dir() -> Option<PathBuf> {
    project().map(|p| p.config_dir().to_path_buf())
}

/// The platform data folder (`$XDG_DATA_HOME/confide` on Linux), if a home folder is known.
pub(crate) fn default_data_dir() -> Option<PathBuf> {
    project().map(|p| p.data_dir().to_path_buf())
}
