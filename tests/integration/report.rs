//! Charts and report.html from the synthetic results in
//! `tests/fixtures/report_sample/` (issue 5).

use std::fs;
use std::path::{Path, PathBuf};

use signpost::report::charts::{self, Figure};
use signpost::report::html;
use signpost::report::results::Results;

use crate::support::CONTRACT_FILES;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report_sample")
}

/// A fresh copy of the fixture's contract files in the test scratch area,
/// so tests never write into the source tree. Set `SIGNPOST_KEEP_REPORT=1`
/// to find it afterwards under the target's `tmp/` directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for f in CONTRACT_FILES {
        fs::copy(fixture().join(f), dir.join(f)).unwrap();
    }
    dir
}

fn png_pixels(path: &Path) -> (u32, u32, Vec<u8>, png::ColorType) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type)
}

#[test]
fn fixture_reads_back() {
    let res = Results::load(&fixture()).unwrap();
    assert_eq!(
        res.arms,
        ["counterfactual", "untrained", "trained", "trained_capacity_aware", "whole_system"]
    );
    assert_eq!(res.replications(), 10);
    assert_eq!(
        res.metric_suffixes("vcse_occupancy_mean."),
        ["befriending", "activity_groups", "advice"]
    );
    assert_eq!(res.series("trained", "gp_demand").map(<[_]>::len), Some(52));
    // An empty cell is "not defined", not zero.
    assert_eq!(res.mean("counterfactual", "bounce_back_rate"), None);
    assert!(res.assumptions().len() > 20);
}

#[test]
fn draws_every_chart_as_svg_and_png() {
    let dir = scratch("report_charts");
    let written = charts::draw_all(&dir).unwrap();
    assert_eq!(written.len(), 2 * Figure::ALL.len());
    for fig in Figure::ALL {
        let svg_path = dir.join("charts").join(format!("{}.svg", fig.stem()));
        let png_path = dir.join("charts").join(format!("{}.png", fig.stem()));
        assert!(written.contains(&svg_path) && written.contains(&png_path));

        let svg = fs::read_to_string(&svg_path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", svg_path.display()));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        assert!(texts.contains(&fig.title()), "{}: title missing", fig.stem());
        // The caption names the (hostile) scenario, as text.
        assert!(
            texts
                .iter()
                .any(|t| t.contains("<script>alert(1)</script>") && t.contains("10 replications")),
            "{}: caption missing",
            fig.stem()
        );

        let (w, h, px, colour) = png_pixels(&png_path);
        assert_eq!((w, h), fig.size(), "{}", fig.stem());
        assert_eq!(colour, png::ColorType::Rgb);
        let n = px.len() as f64;
        let mean = px.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = px.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        assert!(var > 200.0, "{}: PNG looks blank (variance {var})", fig.stem());
        let dark = px.chunks(3).filter(|p| p.iter().all(|&c| c < 80)).count();
        assert!(dark > 2000, "{}: too little dark ink ({dark} px): is text rendering?", fig.stem());
    }
    // No temporary files left behind by the atomic writes.
    for entry in fs::read_dir(dir.join("charts")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "leftover temporary file {name}");
    }
}

#[test]
fn report_is_self_contained_and_escaped() {
    let dir = scratch("report_html");
    let path = html::write_report(&dir).unwrap();
    assert_eq!(path, dir.join("report.html"));
    let page = fs::read_to_string(&path).unwrap();

    // Every chart inline.
    assert_eq!(page.matches("<svg ").count(), Figure::ALL.len());
    for fig in Figure::ALL {
        assert!(page.contains(&format!("<figure id=\"{}\">", fig.stem())));
    }
    // Hostile text appears as text.
    assert!(!page.to_lowercase().contains("<script"), "a script tag got through");
    assert!(!page.contains("<img"), "markup from run.json got through");
    assert!(!page.contains("<b>MDT</b>"), "markup from an arm description got through");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;MDT&lt;/b&gt;"));
    // Nothing is loaded from anywhere: no URL at all, and no tag that
    // could fetch (every '<' left in the page opens a real tag, since text
    // is escaped).
    let lower = page.to_lowercase();
    for bad in ["http://", "https://", "url(", "@import"] {
        assert!(!lower.contains(bad), "report contains {bad:?}");
    }
    for tag in lower.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name = tag.split_whitespace().next().unwrap_or("");
        let fetching = [
            "script", "img", "image", "link", "iframe", "object", "embed", "use", "audio", "video", "source",
        ];
        assert!(!fetching.contains(&name), "tag <{tag}> may load something");
        assert!(
            !tag.contains(" src=") && !tag.contains("xlink:href"),
            "tag <{tag}> may load something"
        );
        if let Some(href) = tag.split("href=\"").nth(1) {
            assert!(href.starts_with('#'), "tag <{tag}> links outside the page");
        }
    }
    // The parts a board needs.
    assert!(page.contains("GP appointments a year"));
    assert!(page.contains("lost to bounce-back"));
    for id in ["summary", "tables", "assumptions", "reproducibility", "scenario"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id} section missing");
    }
    assert!(page.contains("20261121"), "seed missing");
    assert!(page.contains("STRESS-DES"));
    assert!(page.contains("caseload_per_fte = 45.0"), "scenario text missing");
}

#[test]
fn summary_scales_to_a_year() {
    let res = Results::load(&fixture()).unwrap();
    let net = res.mean("trained", "gp_appointments_saved_net").unwrap();
    let page = html::render(&res, &[]);
    let year = signpost::report::charts::style::thousands(net * 365.0 / 364.0);
    assert!(page.contains(&format!("<strong>{year} GP appointments a year</strong>")), "{year}");
}

#[test]
fn odd_results_fail_clearly_or_degrade() {
    // Missing directory and missing summary.csv name the file.
    let err = charts::draw_all(Path::new("/nonexistent/signpost")).unwrap_err();
    assert!(format!("{err:#}").contains("not a directory"));
    let dir = scratch("report_empty");
    fs::remove_file(dir.join("summary.csv")).unwrap();
    let err = charts::draw_all(&dir).unwrap_err();
    assert!(format!("{err:#}").contains("summary.csv"));

    // Zero replications: a clear error, not empty charts.
    let dir = scratch("report_zero_reps");
    fs::write(
        dir.join("summary.csv"),
        "arm,metric,mean,sd,ci_low,ci_high,n\ncounterfactual,contacts,,,,,0\n",
    )
    .unwrap();
    let run = fs::read_to_string(dir.join("run.json"))
        .unwrap()
        .replace("\"replications\": 10", "\"replications\": 0");
    fs::write(dir.join("run.json"), run).unwrap();
    let err = charts::draw_all(&dir).unwrap_err();
    assert!(format!("{err:#}").contains("zero replications"), "{err:#}");

    // A bad number names the file and line.
    let dir = scratch("report_bad_number");
    fs::write(
        dir.join("summary.csv"),
        "arm,metric,mean,sd,ci_low,ci_high,n\ncounterfactual,contacts,lots,,,,3\n",
    )
    .unwrap();
    let err = format!("{:#}", charts::draw_all(&dir).unwrap_err());
    assert!(err.contains("summary.csv: line 2") && err.contains("lots"), "{err}");

    // One arm, NaN values, no run.json, no timeseries: charts still draw.
    let dir = scratch("report_single_arm");
    for f in ["run.json", "timeseries.csv", "comparison.csv", "scenario.toml"] {
        fs::remove_file(dir.join(f)).unwrap();
    }
    fs::write(
        dir.join("summary.csv"),
        "arm,metric,mean,sd,ci_low,ci_high,n\n\
         counterfactual,gp_appointments,1000,NaN,inf,,2\n\
         counterfactual,bounce_back_rate,,,,,0\n\
         counterfactual,safety_events,NaN,,,,2\n",
    )
    .unwrap();
    let written = charts::draw_all(&dir).unwrap();
    assert_eq!(written.len(), 2 * Figure::ALL.len());
    let page = fs::read_to_string(html::write_report(&dir).unwrap()).unwrap();
    assert!(page.contains("not recorded"));
    assert!(page.contains("Only the counterfactual ran"));
}

#[test]
fn many_arms_long_names_and_negative_savings_still_draw() {
    let dir = scratch("report_many_arms");
    for f in ["run.json", "timeseries.csv", "comparison.csv", "replications.csv"] {
        fs::remove_file(dir.join(f)).unwrap();
    }
    let mut csv = String::from("arm,metric,mean,sd,ci_low,ci_high,n\n");
    csv.push_str("counterfactual,gp_appointments,120000,500,119000,121000,5\n");
    for i in 1..=11 {
        let arm = if i == 3 {
            "an arm with a very long name <b>that</b> goes on and on, past any sensible width for a label".to_owned()
        } else {
            format!("arm_{i}")
        };
        let net = 1000.0 * (i as f64 - 4.0);
        csv.push_str(&format!(
            "\"{arm}\",gp_appointments_saved_net,{net},100,{},{},5\n",
            net - 200.0,
            net + 200.0
        ));
        csv.push_str(&format!("\"{arm}\",gp_appointments_saved_gross,{},,,,5\n", net + 500.0));
        csv.push_str(&format!("\"{arm}\",gp_appointments_from_bounce_back,500,,,,5\n"));
        csv.push_str(&format!(
            "\"{arm}\",cost_per_gp_appointment_freed,{},,,,5\n",
            if net > 0.0 { "12.5" } else { "" }
        ));
    }
    fs::write(dir.join("summary.csv"), csv).unwrap();
    let res = Results::load(&dir).unwrap();
    assert_eq!(res.arms.len(), 12);
    assert_eq!(res.replications(), 5);
    let written = charts::draw_all(&dir).unwrap();
    assert_eq!(written.len(), 2 * Figure::ALL.len());
    let page = fs::read_to_string(html::write_report(&dir).unwrap()).unwrap();
    assert!(page.contains("&lt;b&gt;that&lt;/b&gt;"));
    assert!(page.contains("<strong>adds</strong> GP appointments"));
}

#[test]
fn a_description_ending_in_a_full_stop_gets_one_in_the_header() {
    let dir = scratch("report_full_stop");
    let run_json = dir.join("run.json");
    let text = fs::read_to_string(&run_json).unwrap();
    let hostile = "A 50,000-patient PCN for one year </style><img src=x onerror=alert(2)>";
    assert!(text.contains(hostile), "fixture changed: update this test");
    fs::write(&run_json, text.replace(hostile, "A PCN for one year.")).unwrap();
    let page = fs::read_to_string(html::write_report(&dir).unwrap()).unwrap();
    let header = page.split("</header>").next().unwrap();
    assert!(header.contains(": A PCN for one year. "), "{header}");
    assert!(!header.contains(".."), "{header}");
}
