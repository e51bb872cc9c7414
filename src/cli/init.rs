//! `signpost init`: a scenario for one population (a PCN, a list of
//! practices or an area) from NHS England published files. The files are
//! opened here; reading and the figures are library code ([`crate::data`]).
//! Nothing is written unless everything reads and the scenario loads; the
//! file is written atomically and never replaces one without `--force`.

use super::CliError;
use crate::data::appointments::{read_appointments, Appointments};
use crate::data::coverage::{read_coverage, Coverage};
use crate::data::figures::{LocalFigures, Population, Selection};
use crate::data::init::portfolio_text;
use crate::data::init::{scenario_text, InitInput};
use crate::data::mapping::{read_mapping, PcnMapping};
use crate::data::patients::{read_patients, ListSizes};
use crate::data::{detect, DataError, Kind};
use crate::output::{write_files, PendingDir, ResultFile};
use crate::scenario::load;
use clap::Args;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// `signpost init` arguments.
#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// Scenario file to write (.toml); with --by-pcn, a directory to create.
    #[arg(long)]
    out: PathBuf,
    /// Every practice the practice-to-PCN mapping file puts in this PCN.
    #[arg(long)]
    pcn: Option<String>,
    /// These practices (codes, comma-separated).
    #[arg(long, value_delimiter = ',')]
    practices: Vec<String>,
    /// Every practice of this sub-ICB location (or CCG) code.
    #[arg(long)]
    area: Option<String>,
    /// With --area: one scenario per PCN of the area in the --out
    /// directory, and `portfolio.toml` listing them (`signpost run
    /// DIR/portfolio.toml` runs the whole area).
    #[arg(long, requires = "area")]
    by_pcn: bool,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
    /// Published CSV files, each recognised from its header: registered
    /// patients (required), practice-to-PCN mapping, GPAD practice-level,
    /// sub-ICB daily or CCG monthly appointments, GPAD coverage.
    #[arg(required = true, value_name = "DATA_FILES")]
    files: Vec<PathBuf>,
}

fn open(path: &Path) -> Result<BufReader<File>, CliError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| CliError::BadInput(format!("{}: cannot read: {e}", path.display())))
}

fn bad(e: DataError) -> CliError {
    CliError::BadInput(e.to_string())
}

fn selection(args: &InitArgs) -> Result<Selection, CliError> {
    let given = [args.pcn.is_some(), !args.practices.is_empty(), args.area.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(CliError::BadInput(
            "init: give exactly one of --pcn CODE, --practices A,B,… or --area CODE".into(),
        ));
    }
    Ok(match (&args.pcn, &args.area) {
        (Some(pcn), _) => Selection::Pcn(pcn.clone()),
        (_, Some(area)) => Selection::Area(area.clone()),
        _ => Selection::Practices(args.practices.clone()),
    })
}

/// The scenario's name: the output file's stem, in the characters a name
/// allows.
fn scenario_name(out: &Path, fallback: &str) -> String {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        fallback.to_string()
    } else {
        clean
    }
}

/// Writes `bytes` to `path` through a temporary file in the same
/// directory: renamed over the target with `force`, else hard-linked, which
/// fails if the target exists (no check-then-write race).
fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| CliError::BadInput(format!("{}: not a file name", path.display())))?;
    if path.exists() && !force {
        return Err(CliError::BadInput(format!("{}: exists; use --force to replace it", path.display())));
    }
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        if force {
            std::fs::rename(&tmp, path)
        } else {
            std::fs::hard_link(&tmp, path)
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    written.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => CliError::BadInput(format!("{}: exists; use --force to replace it", path.display())),
        _ => CliError::Failed(format!("{}: cannot write: {e}", path.display())),
    })
}

/// The data files, read: every kind but appointments, which are read per
/// population (their rows are filtered while streaming).
struct DataFiles {
    files: Vec<(PathBuf, String, Kind)>,
    lists: ListSizes,
    mapping: Option<PcnMapping>,
    coverage: Option<Coverage>,
}

impl DataFiles {
    fn read(paths: &[PathBuf]) -> Result<DataFiles, CliError> {
        let mut files = Vec::new();
        for path in paths {
            let label = path.display().to_string();
            let kind = detect(open(path)?, &label).map_err(bad)?;
            files.push((path.clone(), label, kind));
        }
        let of = |kind: Kind| files.iter().filter(move |(_, _, k)| *k == kind);
        let mut lists: Option<ListSizes> = None;
        for (path, label, _) in of(Kind::Patients) {
            if lists.is_some() {
                return Err(CliError::BadInput(format!(
                    "{label}: give one registered-patients file (one publication)"
                )));
            }
            lists = Some(read_patients(open(path)?, label).map_err(bad)?);
        }
        let lists = lists.ok_or_else(|| {
            CliError::BadInput("init: no registered-patients file (Patients Registered at a GP Practice) among the data files".into())
        })?;
        let mut mapping: Option<PcnMapping> = None;
        for (path, label, _) in of(Kind::PcnMapping) {
            let m = read_mapping(open(path)?, label).map_err(bad)?;
            match &mut mapping {
                Some(all) => all.practices.extend(m.practices),
                None => mapping = Some(m),
            }
        }
        let mut coverage: Option<Coverage> = None;
        for (path, label, _) in of(Kind::Coverage) {
            let c = read_coverage(open(path)?, label).map_err(bad)?;
            match &mut coverage {
                Some(all) => all.months.extend(c.months),
                None => coverage = Some(c),
            }
        }
        Ok(DataFiles {
            files,
            lists,
            mapping,
            coverage,
        })
    }

    /// The scenario text for `chosen`, named `name` (checked to load), with
    /// the population and its figures.
    fn scenario(&self, chosen: &Selection, name: &str, label: &str) -> Result<(String, Population, Option<LocalFigures>), CliError> {
        let population = Population::resolve(chosen, &self.lists, self.mapping.as_ref()).map_err(bad)?;
        let mut appointments: Option<Appointments> = None;
        for (path, label, kind) in self
            .files
            .iter()
            .filter(|(_, _, k)| matches!(k, Kind::GpadPractice | Kind::GpadAreaDaily | Kind::GpadAreaMonthly))
        {
            let scope = population.scope(*kind != Kind::GpadPractice);
            let a = read_appointments(open(path)?, label, *kind, &scope).map_err(bad)?;
            match &mut appointments {
                Some(all) => all.merge(a).map_err(bad)?,
                None => appointments = Some(a),
            }
        }
        let figures = match &appointments {
            Some(a) => Some(LocalFigures::compute(&population, a, self.coverage.as_ref()).map_err(bad)?),
            None => None,
        };
        let default = load::load_default()?;
        let kinds: Vec<(String, Kind)> = self.files.iter().map(|(_, label, kind)| (label.clone(), *kind)).collect();
        let text = scenario_text(
            &InitInput {
                name,
                population: &population,
                figures: figures.as_ref(),
                files: &kinds,
            },
            &default.base,
        );
        // What is written must load as any scenario does.
        load::load_str(&text, label).map_err(|e| CliError::Failed(format!("the generated scenario does not load (a bug): {e}")))?;
        Ok((text, population, figures))
    }
}

/// Prints what a scenario was made of.
fn describe(label: &str, population: &Population, figures: Option<&LocalFigures>) {
    say!(
        "{}: {} — {} practices, {} registered patients",
        label,
        population.label,
        population.practices.len(),
        population.list_size
    );
    if let Some(f) = figures {
        say!(
            "  from {}: GP {:.2} and other staff {:.2} appointments per patient-year, {:.1}% same day, {:.1}% DNA",
            f.source,
            f.gp_per_patient_year,
            f.other_per_patient_year,
            f.gp_same_day_share * 100.0,
            f.gp_dna_rate * 100.0
        );
        if let Some(note) = &f.area_note {
            say!("  note: {note}");
        }
    }
}

/// `signpost init`.
pub(super) fn init(args: &InitArgs) -> Result<(), CliError> {
    let chosen = selection(args)?;
    let data = DataFiles::read(&args.files)?;
    if args.by_pcn {
        return init_by_pcn(args, &data);
    }
    let out_label = args.out.display().to_string();
    let fallback = Population::resolve(&chosen, &data.lists, data.mapping.as_ref()).map_err(bad)?.code;
    let name = scenario_name(&args.out, &fallback);
    let (text, population, figures) = data.scenario(&chosen, &name, &out_label)?;
    write_new(&args.out, text.as_bytes(), args.force)?;
    describe(&out_label, &population, figures.as_ref());
    say!("  next: signpost check {out_label}; signpost calibrate {out_label}");
    Ok(())
}

/// `signpost init --area CODE --by-pcn --out DIR`: a scenario per PCN with
/// a practice in the area, and the portfolio of them; DIR appears only
/// when every file is made.
fn init_by_pcn(args: &InitArgs, data: &DataFiles) -> Result<(), CliError> {
    let area = args.area.as_deref().unwrap_or_default();
    let mapping = data
        .mapping
        .as_ref()
        .ok_or_else(|| CliError::BadInput("init: --by-pcn needs the practice to PCN mapping file among the data files".into()))?;
    let in_area = Population::resolve(&Selection::Area(area.to_string()), &data.lists, Some(mapping)).map_err(bad)?;
    let mut pcns: Vec<String> = Vec::new();
    for practice in &in_area.practices {
        let pcn = mapping
            .practices
            .get(practice)
            .map(|m| m.pcn.to_ascii_uppercase())
            .filter(|p| !p.is_empty());
        let pcn = pcn.ok_or_else(|| {
            CliError::BadInput(format!(
                "{}: practice {practice} of area {} is not mapped to a PCN, so --by-pcn cannot place it",
                mapping.file, in_area.code
            ))
        })?;
        if !pcns.contains(&pcn) {
            pcns.push(pcn);
        }
    }
    pcns.sort();
    let pending = PendingDir::create(&args.out, args.force)?;
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for pcn in &pcns {
        let file = format!("{pcn}.toml");
        let label = args.out.join(&file).display().to_string();
        let (text, population, figures) = data.scenario(&Selection::Pcn(pcn.clone()), &scenario_name(Path::new(&file), pcn), &label)?;
        describe(&label, &population, figures.as_ref());
        files.push(ResultFile::new(file.clone(), text));
        listed.push(file);
    }
    let name = scenario_name(&args.out, &in_area.code);
    files.push(ResultFile::new("portfolio.toml", portfolio_text(&name, &in_area.label, &listed)));
    write_files(pending.path(), &files)?;
    let dir = pending.commit()?;
    let portfolio = dir.join("portfolio.toml");
    // What is written must load as any portfolio does.
    let label = portfolio.display().to_string();
    crate::portfolio::load_file(&portfolio, None)
        .map_err(|e| CliError::Failed(format!("the generated portfolio does not load (a bug): {e}")))?;
    say!("{label}: {} PCNs of {}", pcns.len(), in_area.label);
    say!("  next: signpost run {label}");
    Ok(())
}
