use std::io::Write;

use chrono::{Days, NaiveDate};

use super::*;

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

/// `date,series,units` text for named series of values from day0.
fn csv_text(series: &[(&str, Vec<f64>)]) -> String {
    let mut out = String::from("date,series,units\n");
    for (name, values) in series {
        for (i, v) in values.iter().enumerate() {
            let date = day0() + Days::new(i as u64);
            out.push_str(&format!("{date},{name},{v}\n"));
        }
    }
    out
}

/// A: 20 days of 5 units, then 5, 7, 5 held out.
/// B: 1, 2, ..., 21, then 22, 23, 30 held out.
fn tiny_panel() -> Vec<(&'static str, Vec<f64>)> {
    let mut a = vec![5.0; 20];
    a.extend([5.0, 7.0, 5.0]);
    let mut b: Vec<f64> = (1..=21).map(f64::from).collect();
    b.extend([22.0, 23.0, 30.0]);
    vec![("A", a), ("B", b)]
}

fn run_on(text: &str, gzip: bool, models: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("panel.csv.gz");
    let mut file = std::fs::File::create(&data).unwrap();
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
    } else {
        file.write_all(text.as_bytes()).unwrap();
    }
    let out = dir.path().join("out.json");
    let args = EvaluateArgs {
        data,
        horizon: 3,
        holdout: 3,
        models: Some(models.split(',').map(String::from).collect()),
        out: Some(out.clone()),
        series_out: None,
        holidays: None,
        threads: 2,
        lead_time: 2,
        service_level: 0.95,
    };
    run(&args).unwrap();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn close(got: &serde_json::Value, want: f64) {
    let got = got.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

/// Every number below is worked out by hand from the tiny panel.
///
/// naive: A is forecast 5, 5, 5 (errors 0, 2, 0); B is forecast 21, 21, 21
/// (errors 1, 2, 9). seasonal_naive: A the same; B is forecast 15, 16, 17
/// (the same weekday a week earlier; errors 7, 7, 13).
///
/// MASE: A's training part is constant, so its scale is 0 and it is left
/// out; B's in-sample |y_t - y_(t-7)| is always 7.
///
/// Intervals: the backtest has 2 windows of 3 days (origins after day 11
/// and day 18 for B), and errors count in units of √(f + 1), f the
/// forecast. A's naive and seasonal-naive errors are all 0, so its
/// intervals are [5, 5]: 2 of 3 days covered. B's naive errors are 1, 2, 3
/// in both windows, made against 11 and against 18; with 6 errors in all,
/// each step pools all six, whose type-6 10% and 2.5% quantiles are the
/// smallest, 1/√19, and 90% and 97.5% the largest, 3/√12: the interval
/// around 21 is [21 + √22/√19, 21 + 3·√22/√12] = [22.08, 25.06], covering
/// 23 but neither 22 nor 30: 1 of 3. B's seasonal-naive errors are always
/// 7, made against 5, 6, 7 and 12, 13, 14, so the band around f is
/// [f + 7·√(f + 1)/√15, f + 7·√(f + 1)/√6]: [22.23, 26.43] around 15,
/// [23.45, 27.78] around 16, [24.67, 29.12] around 17, covering none of
/// 22, 23 and 30 (errors that do not grow with the level, as they do in
/// sales, are what this toy series has).
///
/// Reorder points (95%) over a 2-day lead time: A forecast 10 with no
/// backtest error, and 12 sold: out. B's running totals over 2 days missed
/// by 3 in both windows, against totals of 22 and 36 (units √24 and √38);
/// naive forecasts a total of 42 (unit √44), seasonal-naive 31 (√33).
#[test]
fn metrics_on_a_tiny_csv_equal_hand_computation() {
    let json = run_on(&csv_text(&tiny_panel()), true, "naive,seasonal_naive");
    assert_eq!(json["n_series"], 2);
    assert_eq!(json["horizon"], 3);
    assert_eq!(json["holdout"], 3);
    let keys: Vec<&String> = json["models"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["naive", "seasonal_naive"]);

    let smape = |pairs: &[(f64, f64)]| {
        pairs
            .iter()
            .map(|&(y, f): &(f64, f64)| {
                if y == 0.0 && f == 0.0 {
                    0.0
                } else {
                    200.0 * (y - f).abs() / (y.abs() + f.abs())
                }
            })
            .sum::<f64>()
            / pairs.len() as f64
    };

    let naive = &json["models"]["naive"];
    let (mae_a, mae_b) = (2.0 / 3.0, (1.0 + 2.0 + 9.0) / 3.0);
    close(&naive["mae"], (mae_a + mae_b) / 2.0);
    let (rmse_a, rmse_b) = ((4.0f64 / 3.0).sqrt(), (86.0f64 / 3.0).sqrt());
    close(&naive["rmse"], (rmse_a + rmse_b) / 2.0);
    let smape_a = smape(&[(5.0, 5.0), (7.0, 5.0), (5.0, 5.0)]);
    let smape_b = smape(&[(22.0, 21.0), (23.0, 21.0), (30.0, 21.0)]);
    close(&naive["smape"], (smape_a + smape_b) / 2.0);
    assert!((smape_a - 200.0 * 2.0 / 12.0 / 3.0).abs() < 1e-12);
    close(&naive["mase"], mae_b / 7.0);
    close(&naive["mase_median"], mae_b / 7.0);
    assert_eq!(naive["mase_n_series"], 1);
    close(&naive["coverage_80"], (2.0 / 3.0 + 1.0 / 3.0) / 2.0);
    close(&naive["coverage_95"], (2.0 / 3.0 + 1.0 / 3.0) / 2.0);
    assert!(naive["seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(json["lead_time"], 2);
    let z = icc_analytics::normal::inverse_cdf(0.95).unwrap();
    // B: the measured 2-day scale is below two independent days' (the
    // floor), each √22 · the RMS of the six pooled scaled errors.
    let measured = ((9.0 / 24.0 + 9.0 / 38.0) / 2.0f64).sqrt() * 44f64.sqrt();
    let daily_rms = ((14.0 / 12.0 + 14.0 / 19.0) / 6.0f64).sqrt();
    let floor = (2.0 * 22.0f64).sqrt() * daily_rms;
    assert!(floor > measured);
    let safety_b = z * floor;
    assert!(
        42.0 + safety_b <= 45.0 + 4.0 && 42.0 + safety_b > 45.0,
        "ROP 49, 45 sold"
    );
    close(&naive["reorder_service"], 0.5);
    close(&naive["safety_stock"], safety_b / 2.0);

    let seasonal = &json["models"]["seasonal_naive"];
    let mae_b = (7.0 + 7.0 + 13.0) / 3.0;
    close(&seasonal["mae"], (mae_a + mae_b) / 2.0);
    let rmse_b = ((49.0 + 49.0 + 169.0) / 3.0f64).sqrt();
    close(&seasonal["rmse"], (rmse_a + rmse_b) / 2.0);
    let smape_b = smape(&[(22.0, 15.0), (23.0, 16.0), (30.0, 17.0)]);
    close(&seasonal["smape"], (smape_a + smape_b) / 2.0);
    close(&seasonal["mase"], mae_b / 7.0);
    close(&seasonal["coverage_80"], (2.0 / 3.0 + 0.0) / 2.0);
    close(&seasonal["coverage_95"], (2.0 / 3.0 + 0.0) / 2.0);
    // B: totals missed by 7 and 14 against 5, 11 and 12, 25; the measured
    // scale is above the floor here. It rests on two windows, fewer than
    // MIN_DOF: Student's t with 4 degrees of freedom (scipy's t.ppf).
    let t4 = 2.131_846_786_326_649_5;
    let measured = ((196.0 / 13.0 + 196.0 / 27.0) / 2.0f64).sqrt() * 33f64.sqrt();
    let pooled: f64 = [6.0, 7.0, 8.0, 13.0, 14.0, 15.0]
        .iter()
        .map(|u| 49.0 / u)
        .sum();
    assert!(measured > 33f64.sqrt() * (pooled / 6.0).sqrt());
    assert!(31.0 + t4 * measured >= 45.0, "B's 45 sold are within");
    close(&seasonal["reorder_service"], 0.5);
    close(&seasonal["safety_stock"], t4 * measured / 2.0);

    // The same file uncompressed gives the same numbers.
    let plain = run_on(&csv_text(&tiny_panel()), false, "naive,seasonal_naive");
    assert_eq!(
        plain["models"]["naive"]["mae"],
        json["models"]["naive"]["mae"]
    );
}

#[test]
fn smape_counts_zero_when_actual_and_forecast_are_both_zero() {
    let intervals = vec![
        Interval {
            lower_80: 0.0,
            upper_80: 1.0,
            lower_95: 0.0,
            upper_95: 2.0,
        };
        4
    ];
    let training = [0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0];
    let scored = ScoredDays {
        actual: &[0.0, 0.0, 2.0, 3.0],
        forecast: &[0.0, 1.0, 1.0, 0.0],
        intervals: &intervals,
        total_errors: &TotalScales {
            scale: vec![0.0; 4],
            dof: vec![f64::INFINITY; 4],
        },
    };
    let s = score(&scored, &training, &reorder_policy(4, 0.95)).unwrap();
    // Points: 0 (both zero), 200, 200/3, 200.
    assert!((s.smape - (200.0 + 200.0 / 3.0 + 200.0) / 4.0).abs() < 1e-12);
    // Errors 0, 1, 1, 3.
    assert!((s.mae - 1.25).abs() < 1e-12);
    // Scale: |y_t - y_(t-7)| for t = 7, 8, 9 is |0-0|, |1-1|, |0-0|: 0, so
    // MASE is undefined.
    assert_eq!(s.mase, None);
    // 80%: 0, 0, (2 > 1 out), (3 out) -> 2 of 4; 95%: 0, 0, 2, (3 out).
    assert_eq!((s.coverage_80, s.coverage_95), (0.5, 0.75));
    // Reorder point ceil(2 + 0): 5 sold over the 4 days is not within.
    assert_eq!((s.within_reorder_point, s.safety_stock), (false, 0.0));
    let scored = ScoredDays {
        actual: &[2.0],
        forecast: &[1.0],
        intervals: &intervals[..1],
        total_errors: &TotalScales {
            scale: vec![1.0],
            dof: vec![f64::INFINITY],
        },
    };
    let training: Vec<f64> = [1.0; 7].iter().chain(&[3.0]).copied().collect();
    let s = score(&scored, &training, &reorder_policy(1, 0.95)).unwrap();
    // Safety stock z · 1, reorder point ceil(1 + 1.64) = 3: 2 sold is within.
    let z = icc_analytics::normal::inverse_cdf(0.95).unwrap();
    assert_eq!((s.within_reorder_point, s.safety_stock), (true, z));
    // At a 50% service level there is no safety stock: 2 sold is over 1.
    let s = score(&scored, &training, &reorder_policy(1, 0.5)).unwrap();
    assert_eq!((s.within_reorder_point, s.safety_stock), (false, 0.0));
    // Scale |3 - 1| = 2, error 1.
    assert_eq!(s.mase, Some(0.5));
}

#[test]
fn summary_takes_mase_median_and_count_over_defined_series() {
    let s = |mase: Option<f64>| SeriesScore {
        mae: 1.0,
        rmse: 2.0,
        smape: 10.0,
        mase,
        coverage_80: 0.5,
        coverage_95: 1.0,
        within_reorder_point: mase.is_some(),
        safety_stock: 2.0,
    };
    let m = summarise(&[s(Some(1.0)), s(None), s(Some(4.0)), s(Some(2.0))], 1.5);
    assert_eq!(m.mase, Some(7.0 / 3.0));
    assert_eq!((m.reorder_service, m.safety_stock), (0.75, 2.0));
    assert_eq!(m.mase_median, Some(2.0));
    assert_eq!(m.mase_n_series, 3);
    let m = summarise(&[s(Some(1.0)), s(Some(4.0))], 0.0);
    assert_eq!(m.mase_median, Some(2.5));
    let m = summarise(&[s(None)], 0.0);
    assert_eq!((m.mase, m.mase_median, m.mase_n_series), (None, None, 0));
}

fn parse_err(text: &str) -> PanelError {
    parse_panel(text.as_bytes(), "p.csv").unwrap_err()
}

#[test]
fn bad_csv_names_the_line_and_the_reason() {
    let e = parse_err("day,series,units\n2024-01-01,A,1\n");
    assert_eq!(e.line, Some(1));
    assert!(e.reason.contains("date,series,units"), "{e}");

    let e = parse_err("date,series,units\n2024-01-01,A,1\n2024-01-02,A,-3\n");
    assert_eq!(
        e.to_string(),
        "p.csv line 3: series A: units -3 are negative"
    );

    let e = parse_err("date,series,units\n2024-01-01,A,1.5\n");
    assert_eq!(
        e.to_string(),
        "p.csv line 2: series A: units 1.5 are not a whole number"
    );

    let e = parse_err("date,series,units\n2024-01-01,A,99999999999999999999\n");
    assert_eq!(
        e.to_string(),
        "p.csv line 2: series A: units 99999999999999999999 are more than 1e9 in a day"
    );

    let e = parse_err("date,series,units\n2024-01-01,A,x\n");
    assert!(
        e.to_string().contains("line 2") && e.reason.contains("'x'"),
        "{e}"
    );

    let e = parse_err("date,series,units\n2024-13-01,A,1\n");
    assert!(e.reason.contains("not YYYY-MM-DD"), "{e}");

    let e = parse_err("date,series,units\n2024-01-01,,1\n");
    assert_eq!(e.line, Some(2));
    assert!(e.reason.contains("series name is empty"), "{e}");

    let e = parse_err(
        "date,series,units\n2024-01-01,A,1\n2024-01-01,B,1\n2024-01-02,A,1\n2024-01-01,A,2\n",
    );
    assert_eq!(e.line, Some(5));
    assert!(
        e.reason.contains("series A") && e.reason.contains("not in date order"),
        "{e}"
    );

    let e = parse_err("date,series,units\n2024-01-01,A,1\n2024-01-02,A,1\n2024-01-02,A,4\n");
    assert_eq!(e.line, Some(4));
    assert!(
        e.reason.contains("second row for 2024-01-02") && e.reason.contains("line 3"),
        "{e}"
    );

    let e = parse_err("date,series,units\n2024-01-01,A,1,9\n");
    assert_eq!(e.line, Some(2));
    assert!(e.reason.contains("4 fields"), "{e}");

    let e = parse_err("date,series,units\n");
    assert!(e.reason.contains("no data rows"), "{e}");
}

#[test]
fn interleaved_series_and_gaps_are_read() {
    let p = parse_panel(
        "date,series,units\n2024-01-01,A,1\n2024-01-01,B,2\n2024-01-03,A,3\n2024-01-02,B,0\n"
            .as_bytes(),
        "p",
    )
    .unwrap();
    assert_eq!(p.rows, 4);
    assert_eq!(p.series[0].0, "A");
    assert_eq!(p.series[0].1.units(), &[1.0, 0.0, 3.0]);
    assert_eq!(p.series[1].1.units(), &[2.0, 0.0]);
    assert_eq!((p.filled_days, p.series_with_gaps), (1, 1));
}

#[test]
fn flags_and_model_names_are_checked() {
    assert!(check_flags(28, 28, 7, 0.95).is_ok());
    let e = check_flags(0, 28, 7, 0.95).unwrap_err().to_string();
    assert!(e.starts_with("--horizon") && e.contains("got 0"), "{e}");
    let e = check_flags(366, 28, 7, 0.95).unwrap_err().to_string();
    assert!(e.starts_with("--horizon"), "{e}");
    let e = check_flags(28, 0, 7, 0.95).unwrap_err().to_string();
    assert!(e.starts_with("--holdout"), "{e}");
    assert!(check_flags(28, 14, 14, 0.95).is_ok());
    let e = check_flags(28, 14, 15, 0.95).unwrap_err().to_string();
    assert!(
        e.starts_with("--lead-time") && e.contains("14 scored days"),
        "{e}"
    );
    let e = check_flags(28, 28, 0, 0.95).unwrap_err().to_string();
    assert!(e.starts_with("--lead-time"), "{e}");
    for level in [0.0, 1.0, f64::NAN] {
        let e = check_flags(28, 28, 7, level).unwrap_err().to_string();
        assert!(e.starts_with("--service-level"), "{e}");
    }

    let names = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
    let m = parse_models(Some(&names("auto,naive,auto"))).unwrap();
    assert_eq!(
        m,
        vec![ModelChoice::Auto, ModelChoice::Model(ModelKind::Naive)]
    );
    let e = parse_models(Some(&names("naive,prophet")))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown model 'prophet'") && e.contains("seasonal_naive"),
        "{e}"
    );
    let all = parse_models(None).unwrap();
    assert!(all.contains(&ModelChoice::Auto) && all.len() > 4);
}

/// `--series-out`: one row per series and model, naming the model that
/// forecast it, with the series' own scores (worked out by hand in the
/// comment above `run_on`'s table test: naive on A misses 0, 2, 0 and on
/// B 1, 2, 9; A has no MASE scale, B's is 7).
#[test]
fn series_out_writes_each_series_scores_and_the_model_that_forecast_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("panel.csv");
    std::fs::write(&data, csv_text(&tiny_panel())).unwrap();
    let rows = dir.path().join("series.csv");
    let args = EvaluateArgs {
        data,
        horizon: 3,
        holdout: 3,
        models: Some(vec!["naive".into(), "auto".into()]),
        out: None,
        series_out: Some(rows.clone()),
        holidays: None,
        threads: 1,
        lead_time: 2,
        service_level: 0.95,
    };
    run(&args).unwrap();
    let text = std::fs::read_to_string(rows).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        text.lines().next(),
        Some(
            "series,model,chosen,mae,rmse,smape,mase,coverage_80,coverage_95,\
             within_reorder_point,safety_stock"
        )
    );
    assert_eq!(lines.len(), 1 + 2 * 2, "{text}");
    let num = |v: &str| v.parse::<f64>().unwrap();
    let near = |got: &str, want: f64| assert!((num(got) - want).abs() < 1e-12, "{got} vs {want}");
    assert_eq!(lines[1][..3], ["A", "naive", "naive"]);
    near(lines[1][3], 2.0 / 3.0);
    near(lines[1][4], (4.0f64 / 3.0).sqrt());
    assert_eq!(lines[1][6], "", "A has no MASE scale");
    assert_eq!(
        lines[1][9..],
        ["false", "0"],
        "A sold 12 over a reorder point of 10"
    );
    assert_eq!(lines[2][..3], ["B", "naive", "naive"]);
    near(lines[2][3], 4.0);
    near(lines[2][4], (86.0f64 / 3.0).sqrt());
    near(lines[2][6], 4.0 / 7.0);
    assert_eq!(
        lines[2][9], "true",
        "B sold 45 within a reorder point of 49"
    );
    for (row, series) in lines[3..].iter().zip(["A", "B"]) {
        assert_eq!(row[..2], [series, "auto"]);
        assert!(
            matches!(ModelChoice::parse(row[2]), Some(ModelChoice::Model(_))),
            "AUTO's choice is a model: {row:?}"
        );
    }
}

#[test]
fn a_series_shorter_than_the_holdout_is_skipped_and_the_rest_evaluated() {
    let mut panel = tiny_panel();
    panel.push(("short", vec![1.0, 2.0, 3.0]));
    panel.push(("ten_days", vec![4.0; 10]));
    let text = csv_text(&panel);
    let p = parse_panel(text.as_bytes(), "p").unwrap();
    let e = evaluate(
        &p.series,
        &[ModelChoice::Model(ModelKind::Naive)],
        Split {
            horizon: 3,
            holdout: 3,
            reorder: reorder_policy(3, 0.95),
        },
        &HolidayCalendar::empty(),
        &ProgressBar::hidden(),
    );
    assert_eq!(e.report.n_series, 2);
    let reasons: Vec<(&str, &str)> = e
        .skipped
        .iter()
        .map(|s| (s.series.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, "short");
    assert!(reasons[0].1.contains("holdout"), "{reasons:?}");
    // Seven training days are too few for any model's backtest.
    assert_eq!(reasons[1].0, "ten_days");
    assert!(reasons[1].1.contains("model naive"), "{reasons:?}");
}

/// A launch: zeros before the first sale do not reach the models, as the
/// service's history starts at the first sale; the MASE scale still reads
/// the whole training part.
#[test]
fn models_see_the_training_part_from_the_first_sale() {
    let sales: Vec<f64> = (0..90).map(|i| f64::from(3 + (i * 7) % 5)).collect();
    let launched = |zeros: usize| {
        let units: Vec<f64> = std::iter::repeat_n(0.0, zeros)
            .chain(sales.clone())
            .collect();
        let start = day0() - Days::new(zeros as u64);
        DailySeries::new(start, units).unwrap()
    };
    let calendar = HolidayCalendar::builtin();
    for choice in [ModelChoice::Auto, ModelChoice::Model(ModelKind::Regression)] {
        let plain = holdout_forecast("S", &launched(0), choice, 28, 28, &calendar).unwrap();
        let late = holdout_forecast("S", &launched(200), choice, 28, 28, &calendar).unwrap();
        assert_eq!(plain.points, late.points, "{choice:?}");
        assert_eq!(plain.intervals, late.intervals, "{choice:?}");
    }
}

#[test]
fn a_young_series_keeps_the_days_before_its_first_sale_that_it_needs() {
    let naive = ModelChoice::Model(ModelKind::Naive);
    let need = ModelKind::Naive.min_history_days();
    let mut units = vec![0.0; 30];
    units.extend([2.0, 0.0, 4.0]);
    let young = from_first_sale(DailySeries::new(day0(), units.clone()).unwrap(), naive);
    assert_eq!(young.len(), need);
    assert_eq!(young.units(), &units[units.len() - need..]);
    units.extend([1.0; 20]);
    let grown = from_first_sale(DailySeries::new(day0(), units).unwrap(), naive);
    assert_eq!(grown.start(), day0() + Days::new(30));
    let none_sold = from_first_sale(DailySeries::new(day0(), vec![0.0; 40]).unwrap(), naive);
    assert_eq!(none_sold.len(), 40);
}

#[test]
fn constant_all_zero_and_short_series_do_not_panic() {
    let mut panel = vec![("zeros", vec![0.0; 60]), ("const", vec![3.0; 60])];
    panel.push(("one", vec![1.0; 16]));
    let text = csv_text(&panel);
    let p = parse_panel(text.as_bytes(), "p").unwrap();
    let models = parse_models(None).unwrap();
    let e = evaluate(
        &p.series,
        &models,
        Split {
            horizon: 28,
            holdout: 1,
            reorder: reorder_policy(1, 0.95),
        },
        &HolidayCalendar::builtin(),
        &ProgressBar::hidden(),
    );
    for (name, m) in e.report.models.iter() {
        assert!(m.mae.is_finite() && m.rmse.is_finite(), "{name}: {m:?}");
        assert_eq!(m.mase_n_series, 0, "{name}: constant series have no scale");
    }
}

mod leakage {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// No leakage: whatever the held-out days hold, every model's
        /// forecast and intervals, and AUTO's choice, are the same.
        #[test]
        fn changing_held_out_values_changes_no_forecast(
            training in prop::collection::vec(0u32..40, 40..220),
            held_out in prop::collection::vec(0u32..1000, 28),
            other in prop::collection::vec(0u32..1000, 28),
        ) {
            let calendar = HolidayCalendar::builtin();
            let build = |tail: &[u32]| {
                let units: Vec<f64> = training.iter().chain(tail).map(|&u| f64::from(u)).collect();
                DailySeries::new(day0(), units).unwrap()
            };
            for choice in parse_models(None).unwrap() {
                let a = holdout_forecast("S", &build(&held_out), choice, 28, 28, &calendar);
                let b = holdout_forecast("S", &build(&other), choice, 28, 28, &calendar);
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(a.points, b.points);
                        prop_assert_eq!(a.intervals, b.intervals);
                        prop_assert_eq!(a.total_errors, b.total_errors);
                        prop_assert_eq!(a.selection, b.selection);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a, b),
                    (a, b) => prop_assert!(false, "{:?}: {:?} vs {:?}", choice, a.is_ok(), b.is_ok()),
                }
            }
        }
    }
}
