//! The thin file layer of a plan: its directory, the parts directory
//! (each part written atomically), and a merge that reads one part at a
//! time.

use super::merge::{inventory, Found, MergeFacts, Merged, Merger};
use super::part::{read_header, Part, HEADER_BYTES};
use super::plan::{Loaded, Plan, SETTINGS_FILE};
use super::DistError;
use crate::output::{write_atomic, write_files, PendingDir, ResultFile};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Largest plan file read \[bytes\] (a portfolio's PCN scenarios are a
/// few kilobytes each).
const MAX_PLAN_FILE_BYTES: u64 = 64 << 20;

/// The file name of unit `unit`'s part.
pub fn part_name(unit: usize) -> String {
    format!("unit-{unit:06}.part")
}

fn io(path: &Path, e: impl std::fmt::Display) -> DistError {
    DistError::Io(format!("{}: {e}", path.display()))
}

/// Writes `plan` into the directory `dir`, which appears only when
/// complete (an existing one is replaced only with `force`).
pub fn write_plan(dir: &Path, plan: &Plan, force: bool) -> Result<PathBuf, DistError> {
    let pending = PendingDir::create(dir, force)?;
    write_files(pending.path(), plan.files())?;
    Ok(pending.commit()?)
}

fn read_limited(path: &Path) -> Result<Vec<u8>, DistError> {
    let meta = std::fs::metadata(path).map_err(|e| io(path, format!("cannot read: {e}")))?;
    if meta.len() > MAX_PLAN_FILE_BYTES {
        return Err(io(path, format!("{} bytes, more than a plan file holds", meta.len())));
    }
    std::fs::read(path).map_err(|e| io(path, format!("cannot read: {e}")))
}

/// Reads the plan in `dir`.
pub fn read_plan(dir: &Path) -> Result<Plan, DistError> {
    let settings_path = dir.join(SETTINGS_FILE);
    if !settings_path.is_file() {
        return Err(DistError::Plan(format!(
            "{}: not a signpost plan (no {SETTINGS_FILE})",
            dir.display()
        )));
    }
    let settings_bytes = read_limited(&settings_path)?;
    let settings = Plan::parse_settings(&settings_bytes).map_err(|e| in_dir(dir, e))?;
    let mut files = vec![ResultFile::new(SETTINGS_FILE, settings_bytes)];
    for name in Plan::needed_files(&settings) {
        files.push(ResultFile::new(name.clone(), read_limited(&dir.join(&name))?));
    }
    Plan::from_files(&files).map_err(|e| in_dir(dir, e))
}

/// `e` with the plan directory in front of a message about one of its
/// files.
fn in_dir(dir: &Path, e: DistError) -> DistError {
    match e {
        DistError::Plan(m) => DistError::Plan(format!("{}/{m}", dir.display())),
        other => other,
    }
}

/// Writes `part` into `parts_dir` (created if need be) atomically: a
/// temporary file, synced, renamed to [`part_name`]. A rerun of the unit
/// replaces only its own part.
pub fn write_part(parts_dir: &Path, part: &Part) -> Result<PathBuf, DistError> {
    std::fs::create_dir_all(parts_dir).map_err(|e| io(parts_dir, format!("cannot create: {e}")))?;
    let path = parts_dir.join(part_name(part.unit));
    write_atomic(&path, &part.to_bytes())?;
    Ok(path)
}

/// Merges the parts in `parts_dir` into the files of the single-machine
/// run. Every unit must be present exactly once, of this plan, whole
/// ([`inventory`]); else the error names the unit or file. Parts are read
/// one at a time.
pub fn merge_dir(plan: &Plan, loaded: &Loaded, parts_dir: &Path, facts: MergeFacts, charts: bool) -> Result<Merged, DistError> {
    let here = |path: &Path, m: &dyn std::fmt::Display| DistError::Part(format!("{}: {m}", path.display()));
    let entries = std::fs::read_dir(parts_dir).map_err(|e| here(parts_dir, &format!("cannot read: {e}")))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    let mut found = Vec::new();
    let mut stale = Vec::new();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') && name.contains(".part.tmp-") {
            stale.push(name);
            continue;
        }
        if !name.ends_with(".part") || !path.is_file() {
            continue;
        }
        let mut head = Vec::with_capacity(HEADER_BYTES);
        let mut file = std::fs::File::open(&path).map_err(|e| here(&path, &format!("cannot read: {e}")))?;
        let bytes = file.metadata().map_err(|e| here(&path, &e))?.len();
        file.by_ref()
            .take(HEADER_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| here(&path, &format!("cannot read: {e}")))?;
        let header = read_header(&head).map_err(|e| here(&path, &e))?;
        found.push((
            path.clone(),
            Found {
                label: path.display().to_string(),
                header,
                bytes,
            },
        ));
    }
    let labels: Vec<Found> = found.iter().map(|(_, f)| f.clone()).collect();
    let order = inventory(plan, &labels, &stale, &parts_dir.display().to_string())?;
    let mut merger = Merger::new(plan, loaded);
    for i in order {
        let path = &found[i].0;
        let bytes = std::fs::read(path).map_err(|e| here(path, &format!("cannot read: {e}")))?;
        let part = Part::from_bytes(&bytes).map_err(|e| here(path, &e))?;
        drop(bytes);
        merger.add(part).map_err(|e| here(path, &e))?;
    }
    merger.finish(facts, charts)
}
