//! `journeys.csv` streamed to disk as replications finish, instead of held
//! in memory until the end.
//!
//! The file lists every arm's steps in arm order, each arm's replications
//! in order; replications arrive all arms at a time, so each arm's rows go
//! to its own part file and the parts are joined at the end. Everything is
//! written inside the run's pending directory, so an interrupted or failed
//! run leaves nothing at the final location.

use crate::experiment::{ReplicationSink, SinkError};
use crate::model::ReplicationOutput;
use crate::output::OutputError;
use crate::report::tables::{journey_rows, JOURNEYS_HEADER};
use crate::scenario::load::LoadedScenario;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

/// The part files of `journeys.csv` being written, one per arm.
pub(super) struct JourneyFiles<'a> {
    loaded: &'a LoadedScenario,
    dir: PathBuf,
    parts: Vec<(PathBuf, BufWriter<File>)>,
    /// One arm-replication's rows, reused.
    rows: String,
}

fn io_error(path: &Path, e: std::io::Error) -> OutputError {
    OutputError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

impl<'a> JourneyFiles<'a> {
    /// Opens one part file per arm of `loaded` in the pending directory
    /// `dir`.
    pub fn create(dir: &Path, loaded: &'a LoadedScenario) -> Result<JourneyFiles<'a>, OutputError> {
        let parts = (0..loaded.arms.len())
            .map(|a| {
                let path = dir.join(format!(".journeys-{a}.part"));
                let file = File::create(&path).map_err(|e| io_error(&path, e))?;
                Ok((path, BufWriter::new(file)))
            })
            .collect::<Result<_, OutputError>>()?;
        Ok(JourneyFiles {
            loaded,
            dir: dir.to_path_buf(),
            parts,
            rows: String::new(),
        })
    }

    /// Joins the parts into `journeys.csv` and removes them.
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.dir.join("journeys.csv");
        let mut out = BufWriter::new(File::create(&path).map_err(|e| io_error(&path, e))?);
        out.write_all(JOURNEYS_HEADER.as_bytes()).map_err(|e| io_error(&path, e))?;
        for (part, writer) in self.parts {
            writer.into_inner().map_err(|e| io_error(&part, e.into_error()))?;
            let mut input = File::open(&part).map_err(|e| io_error(&part, e))?;
            std::io::copy(&mut input, &mut out).map_err(|e| io_error(&path, e))?;
            std::fs::remove_file(&part).map_err(|e| io_error(&part, e))?;
        }
        out.flush().map_err(|e| io_error(&path, e))
    }
}

impl ReplicationSink for JourneyFiles<'_> {
    fn replication(&mut self, r: u64, outputs: &[ReplicationOutput]) -> Result<(), SinkError> {
        for ((arm, out), (path, writer)) in self.loaded.arms.iter().zip(outputs).zip(&mut self.parts) {
            self.rows.clear();
            journey_rows(&mut self.rows, self.loaded, &arm.name, r, &out.journeys);
            writer
                .write_all(self.rows.as_bytes())
                .map_err(|e| Box::new(io_error(path, e)) as SinkError)?;
        }
        Ok(())
    }
}
