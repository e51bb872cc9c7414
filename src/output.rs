//! Writing a result directory safely: everything goes to a temporary
//! directory beside the target and is renamed into place only when complete,
//! so an earlier result is never half-overwritten and a failed or
//! interrupted run leaves no partial files.

pub mod contract;

use crate::error::Error;
use std::path::{Path, PathBuf};

/// A result directory being written.
pub struct PendingDir {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    committed: bool,
}

impl PendingDir {
    /// Checks that `target` may be written (it must not exist unless
    /// `force`) and creates the temporary directory beside it.
    pub fn create(target: &Path, force: bool) -> Result<PendingDir, Error> {
        if target.exists() && !force {
            return Err(Error::Usage(format!(
                "{}: results already exist; pass --force to replace them (the old results are kept until the new run completes) or --out to write elsewhere",
                target.display()
            )));
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::Usage(format!("{}: cannot create directory: {e}", parent.display())))?;
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "results".into());
        let temp = target.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(|e| Error::Other(e.into()))?;
        }
        std::fs::create_dir_all(&temp).map_err(|e| Error::Usage(format!("{}: cannot create output directory: {e}", temp.display())))?;
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
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let io = |e: std::io::Error| Error::Other(anyhow::anyhow!("{}: {e}", self.target.display()));
        if self.target.exists() {
            if !self.force {
                return Err(Error::Usage(format!(
                    "{}: results appeared during the run; pass --force to replace them",
                    self.target.display()
                )));
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
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: not a file path", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}
