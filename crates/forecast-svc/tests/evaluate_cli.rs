//! `forecast-svc evaluate` as a user runs it: the real binary, its exit
//! status, the table on stdout, messages on stderr and the JSON file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Three series of 120 days from 2024-01-01: a weekend peak on levels 3, 6
/// and 9; `bad` replaces one value (given as text) on its row.
fn write_panel(dir: &Path, bad: Option<(usize, &str)>) -> PathBuf {
    let mut text = String::from("date,series,units\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut row = 0;
    for (s, level) in [("A", 3), ("B", 6), ("C", 9)] {
        for d in 0..120u64 {
            row += 1;
            let date = start + chrono::Days::new(d);
            let units = match bad {
                Some((at, value)) if at == row => value.to_owned(),
                _ => (level + if d % 7 >= 5 { level } else { 0 } + (d % 3)).to_string(),
            };
            text.push_str(&format!("{date},{s},{units}\n"));
        }
    }
    let path = dir.join("panel.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn evaluate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forecast-svc"))
        .arg("evaluate")
        .args(args)
        // As many developers have it: an error must still be one line.
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn evaluates_a_panel_prints_the_table_and_writes_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_panel(dir.path(), None);
    let out = dir.path().join("result.json");
    let run = evaluate(&[
        "--data",
        data.to_str().unwrap(),
        "--models",
        "seed,auto",
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("read 360 rows, 3 series"), "{stderr}");
    assert!(
        stdout.starts_with("3 series, horizon 28, holdout 28 (scored days: 28)"),
        "{stdout}"
    );
    let models: Vec<&str> = stdout
        .lines()
        .skip(3)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(models, ["seed", "auto"], "{stdout}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(
        (&json["n_series"], &json["horizon"], &json["holdout"]),
        (&3.into(), &28.into(), &28.into())
    );
    let names: Vec<&String> = json["models"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["seed", "auto"]);
    for name in names {
        let m = &json["models"][name];
        for key in [
            "mae",
            "rmse",
            "smape",
            "mase",
            "mase_median",
            "coverage_80",
            "coverage_95",
            "reorder_service",
            "seconds",
        ] {
            let v = m[key].as_f64().unwrap_or(f64::NAN);
            assert!(v.is_finite() && v >= 0.0, "{name}.{key} = {}", m[key]);
        }
        assert_eq!(m["mase_n_series"], 3, "every series has a MASE scale");
    }
}

#[test]
fn a_bad_row_fails_naming_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Row 130 is B's tenth day, on line 131 of the file (after the header).
    let data = write_panel(dir.path(), Some((130, "-2")));
    let out = dir.path().join("result.json");
    let run = evaluate(&[
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = text(&run.stderr);
    assert!(!run.status.success());
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("forecast-svc: ")
            && last.ends_with("line 131: series B: units -2 are negative"),
        "{stderr}"
    );
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
    assert!(run.stdout.is_empty(), "no table: {}", text(&run.stdout));
    assert!(!out.exists(), "nothing half-evaluated is written");
}

#[test]
fn bad_flags_fail_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_panel(dir.path(), None);
    let data = data.to_str().unwrap();
    for (flags, says) in [
        (
            vec!["--models", "prophet"],
            "--models: unknown model 'prophet'",
        ),
        (
            vec!["--horizon", "0"],
            "--horizon: must be between 1 and 365",
        ),
        (vec!["--holdout", "0"], "--holdout: must be between 1"),
        (
            vec!["--lead-time", "29"],
            "--lead-time: must be between 1 and the 28 scored days",
        ),
    ] {
        let run = evaluate(&[&["--data", data][..], &flags].concat());
        let stderr = text(&run.stderr);
        assert!(!run.status.success(), "{flags:?} was accepted");
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
    }
    let missing = evaluate(&["--data", "/nonexistent/panel.csv"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("/nonexistent/panel.csv"));
}
