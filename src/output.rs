//! Writing a result directory safely: everything goes to a temporary
//! directory beside the target and is renamed into place only when complete,
//! so an earlier result is never half-overwritten and a failed or
//! interrupted run leaves no partial files.
//!
//! What a run writes is a list of [`ResultFile`]s made in memory (by
//! `report::files`, `network::NetworkResults::files`, `sensitivity::files`);
//! this module only puts them on disk.

pub mod contract;

use std::path::{Path, PathBuf};

/// Why a result directory or file could not be written. Earlier results at
/// the target are intact in every case.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target already holds results and replacing was not asked for.
    /// Bad input; nothing was touched.
    #[error("{}: results already exist; pass --force to replace them (the old results are kept until the new run completes) or --out to write elsewhere", .target.display())]
    Exists {
        /// The result directory.
        target: PathBuf,
    },
    /// Results appeared at the target while the run was going, and
    /// replacing was not asked for. The new results were discarded.
    #[error("{}: results appeared during the run; pass --force to replace them", .target.display())]
    AppearedDuringRun {
        /// The result directory.
        target: PathBuf,
    },
    /// A directory could not be created (a bad `--out`, no permission).
    /// Bad input; nothing was written.
    #[error("{}: cannot create {what}: {source}", .path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What it is for ("directory", "output directory").
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// A path that names no file (`..`, `/`).
    #[error("{}: not a file path", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Writing, renaming or removing failed (disk full, permissions). The
    /// file or directory concerned is complete or absent, never partial.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl OutputError {
    /// Whether the user must change something (the target, `--force`)
    /// rather than the machine having failed.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            OutputError::Exists { .. }
                | OutputError::AppearedDuringRun { .. }
                | OutputError::CreateDir { .. }
                | OutputError::NotAFile { .. }
        )
    }
}

/// One file of a result directory, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultFile {
    /// Path inside the directory, `/`-separated (`summary.csv`,
    /// `charts/01_gp_appointments_freed.svg`).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl ResultFile {
    /// A file called `name` holding `bytes`.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> ResultFile {
        ResultFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Writes `files` into `dir` (a pending directory: not atomically per
/// file), creating subdirectories such as `charts/`.
pub fn write_files(dir: &Path, files: &[ResultFile]) -> Result<(), OutputError> {
    for file in files {
        let path = dir.join(&file.name);
        if let Some(parent) = path.parent().filter(|p| *p != dir) {
            std::fs::create_dir_all(parent).map_err(|e| OutputError::Io {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| OutputError::Io { path, source: e })?;
    }
    Ok(())
}

/// A result directory being written.
pub struct PendingDir {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    committed: bool,
}

/// Prefix of a pending directory's name before the writer's process id.
fn partial_prefix(name: &str) -> String {
    format!(".{name}.partial-")
}

/// Whether the process `pid` has certainly ended. Only where that can be
/// told (Linux, with `/proc` mounted); elsewhere every process counts as
/// alive. A pid reused by an unrelated process counts as alive too: its
/// directory is then left for a later run to remove.
fn process_has_ended(pid: u32) -> bool {
    let proc = Path::new("/proc");
    cfg!(target_os = "linux") && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Removes pending directories beside `target` left by runs whose process
/// has ended (killed with SIGKILL, a crashed machine): they hold nothing
/// anyone can use. A live run's directory is never touched. Failures to
/// remove are ignored: the stale directory is in nobody's way.
fn remove_stale_partials(target: &Path, name: &str) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefix = partial_prefix(name);
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != own && process_has_ended(pid) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl PendingDir {
    /// Checks that `target` may be written (it must not exist unless
    /// `force`), removes pending directories that ended runs left beside
    /// it, and creates the temporary directory beside it.
    pub fn create(target: &Path, force: bool) -> Result<PendingDir, OutputError> {
        if target.exists() && !force {
            return Err(OutputError::Exists {
                target: target.to_path_buf(),
            });
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| OutputError::CreateDir {
                path: parent.to_path_buf(),
                what: "directory",
                source: e,
            })?;
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        remove_stale_partials(target, &name);
        let temp = target.with_file_name(format!("{}{}", partial_prefix(&name), std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(|e| OutputError::Io {
                path: temp.clone(),
                source: e,
            })?;
        }
        std::fs::create_dir_all(&temp).map_err(|e| OutputError::CreateDir {
            path: temp.clone(),
            what: "output directory",
            source: e,
        })?;
        Ok(PendingDir {
            target: target.to_path_buf(),
            temp,
            force,
            committed: false,
        })
    }

    /// Where files are written until [`PendingDir::commit`].
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// The final location.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the complete results into place, replacing an earlier result
    /// only now (with `--force`).
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let io = |e: std::io::Error| OutputError::Io {
            path: self.target.clone(),
            source: e,
        };
        if self.target.exists() {
            if !self.force {
                return Err(OutputError::AppearedDuringRun {
                    target: self.target.clone(),
                });
            }
            let old = self.temp.with_extension("old");
            std::fs::rename(&self.target, &old).map_err(io)?;
            std::fs::rename(&self.temp, &self.target).map_err(io)?;
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&self.temp, &self.target).map_err(io)?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for PendingDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, synced, then a rename, so a reader never sees half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path.file_name().ok_or_else(|| OutputError::NotAFile { path: path.to_path_buf() })?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(OutputError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(e.kind(), format!("cannot write: {e}")),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_stale_partial_of_an_ended_process_goes_and_a_live_ones_stays() {
        let parent = std::env::temp_dir().join(format!("signpost-stale-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&parent);
        std::fs::create_dir_all(&parent).unwrap();
        let target = parent.join("res");
        // Linux pids stay below 2^22; this one cannot be running.
        let dead = parent.join(".res.partial-4294967294");
        // This test's own parent process (cargo or a shell) is alive.
        let live = parent.join(format!(".res.partial-{}", std::os::unix::process::parent_id()));
        let other = parent.join(".other.partial-4294967294");
        for d in [&dead, &live, &other] {
            std::fs::create_dir_all(d).unwrap();
        }
        let pending = PendingDir::create(&target, false).unwrap();
        if cfg!(target_os = "linux") {
            assert!(!dead.exists(), "an ended run's partial directory is removed");
        }
        assert!(live.exists(), "a live run's partial directory is kept");
        assert!(other.exists(), "another target's partial directory is kept");
        drop(pending);
        let _ = std::fs::remove_dir_all(&parent);
    }
}
