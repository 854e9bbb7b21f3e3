//! The analytics side: the sales-event log, daily facts and features.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params, types::Value};

use super::catalog::query_all;
use super::{micros_to_time, sql_error};
use crate::olap::*;
use crate::{StoreError, StoreResult};

fn day_str(d: NaiveDate) -> String {
    d.to_string()
}

fn parse_day(s: &str) -> rusqlite::Result<NaiveDate> {
    s.parse::<NaiveDate>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn kind_str(k: SalesEventKind) -> &'static str {
    match k {
        SalesEventKind::Sale => "sale",
        SalesEventKind::Reversal => "reversal",
        SalesEventKind::Imported => "imported",
    }
}

fn kind(s: &str) -> SalesEventKind {
    match s {
        "sale" => SalesEventKind::Sale,
        "reversal" => SalesEventKind::Reversal,
        _ => SalesEventKind::Imported,
    }
}

pub(super) fn apply_sales_events(
    c: &Connection,
    events: &[SalesEvent],
) -> StoreResult<AppliedEvents> {
    let mut insert = c
        .prepare_cached(
            "INSERT INTO sales_events (id, kind, order_id, line_number, sku, units, unit_price_minor, \
             revenue_minor, order_delta, occurred_at, business_day, feed_seq) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO NOTHING",
        )
        .map_err(sql_error)?;
    let mut stored = c
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM sales_events WHERE id = ?1"
        ))
        .map_err(sql_error)?;
    let mut applied = AppliedEvents::default();
    for e in distinct_events(events) {
        let inserted = insert
            .execute(params![
                e.id,
                kind_str(e.kind),
                e.order_id,
                e.line_number,
                e.sku,
                e.units,
                e.unit_price_minor,
                e.revenue_minor,
                e.order_delta,
                e.occurred_at.timestamp_micros(),
                day_str(e.business_day),
                e.feed_seq
            ])
            .map_err(sql_error)?;
        applied.inserted += inserted;
        if inserted == 0 {
            let kept = stored.query_row([&e.id], event_row).map_err(sql_error)?;
            if !kept.same_facts(e) {
                applied.conflicting.push(kept);
            }
        }
    }
    let touched: BTreeSet<(String, NaiveDate)> = events
        .iter()
        .map(|e| (e.sku.clone(), e.business_day))
        .collect();
    // Facts are recomputed from the log, never incremented: a replayed
    // event cannot count twice.
    let mut recompute = c
        .prepare_cached(
            "INSERT INTO daily_sales (sku, day, units, revenue_minor, order_count) \
             SELECT sku, business_day, SUM(units), SUM(revenue_minor), SUM(order_delta) FROM sales_events \
             WHERE sku = ?1 AND business_day = ?2 GROUP BY sku, business_day \
             ON CONFLICT (sku, day) DO UPDATE SET units = excluded.units, \
             revenue_minor = excluded.revenue_minor, order_count = excluded.order_count",
        )
        .map_err(sql_error)?;
    for (sku, day) in &touched {
        recompute
            .execute(params![sku, day_str(*day)])
            .map_err(sql_error)?;
    }
    applied.touched = touched.into_iter().collect();
    Ok(applied)
}

const EVENT_COLUMNS: &str = "id, kind, order_id, line_number, sku, units, unit_price_minor, revenue_minor, \
                             order_delta, occurred_at, business_day, feed_seq";

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SalesEvent> {
    Ok(SalesEvent {
        id: r.get(0)?,
        kind: kind(&r.get::<_, String>(1)?),
        order_id: r.get(2)?,
        line_number: r.get(3)?,
        sku: r.get(4)?,
        units: r.get(5)?,
        unit_price_minor: r.get(6)?,
        revenue_minor: r.get(7)?,
        order_delta: r.get(8)?,
        occurred_at: micros_to_time(r.get(9)?),
        business_day: parse_day(&r.get::<_, String>(10)?)?,
        feed_seq: r.get(11)?,
    })
}

pub(super) fn sales_events(
    c: &Connection,
    sku: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<SalesEvent>> {
    let mut sql =
        format!("SELECT {EVENT_COLUMNS} FROM sales_events WHERE business_day BETWEEN ? AND ?");
    let mut args: Vec<Value> = vec![day_str(from).into(), day_str(to).into()];
    if let Some(sku) = sku {
        sql += " AND sku = ?";
        args.push(sku.to_owned().into());
    }
    sql += " ORDER BY business_day, id";
    query_all(c, &sql, args, event_row)
}

fn fact_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, DailySales)> {
    Ok((
        r.get(0)?,
        DailySales {
            day: parse_day(&r.get::<_, String>(1)?)?,
            units: r.get(2)?,
            revenue_minor: r.get(3)?,
            order_count: r.get(4)?,
        },
    ))
}

pub(super) fn daily_sales(
    c: &Connection,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<DailySales>> {
    let rows = query_all(
        c,
        "SELECT sku, day, units, revenue_minor, order_count FROM daily_sales \
         WHERE sku = ? AND day BETWEEN ? AND ? ORDER BY day",
        vec![
            sku.to_owned().into(),
            day_str(from).into(),
            day_str(to).into(),
        ],
        fact_row,
    )?;
    Ok(rows.into_iter().map(|(_, f)| f).collect())
}

pub(super) fn sales_skus(c: &Connection) -> StoreResult<Vec<String>> {
    query_all(
        c,
        "SELECT DISTINCT sku FROM daily_sales ORDER BY sku",
        Vec::new(),
        |r| r.get(0),
    )
}

pub(super) fn rebuild_daily_sales(
    c: &Connection,
    sku: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<RebuildReport> {
    let (filter, mut args) = match sku {
        Some(sku) => (" AND sku = ?", vec![Value::from(sku.to_owned())]),
        None => ("", Vec::new()),
    };
    let range: Vec<Value> = vec![day_str(from).into(), day_str(to).into()];
    args.splice(0..0, range);
    let recomputed = query_all(
        c,
        &format!(
            "SELECT sku, business_day, SUM(units), SUM(revenue_minor), SUM(order_delta) FROM sales_events \
             WHERE business_day BETWEEN ? AND ?{filter} GROUP BY sku, business_day ORDER BY sku, business_day"
        ),
        args.clone(),
        fact_row,
    )?;
    let stored = query_all(
        c,
        &format!(
            "SELECT sku, day, units, revenue_minor, order_count FROM daily_sales \
             WHERE day BETWEEN ? AND ?{filter} ORDER BY sku, day"
        ),
        args,
        fact_row,
    )?;
    let stored: std::collections::BTreeMap<(String, NaiveDate), DailySales> =
        stored.into_iter().map(|(s, f)| ((s, f.day), f)).collect();
    let mut report = RebuildReport {
        rebuilt: recomputed.len() as i64,
        changed: 0,
    };
    let mut keep = BTreeSet::new();
    for (s, fact) in &recomputed {
        keep.insert((s.clone(), fact.day));
        if stored.get(&(s.clone(), fact.day)) != Some(fact) {
            report.changed += 1;
            c.execute(
                "INSERT INTO daily_sales (sku, day, units, revenue_minor, order_count) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (sku, day) DO UPDATE SET units = excluded.units, \
                 revenue_minor = excluded.revenue_minor, order_count = excluded.order_count",
                params![s, day_str(fact.day), fact.units, fact.revenue_minor, fact.order_count],
            )
            .map_err(sql_error)?;
        }
    }
    for (s, day) in stored.keys().filter(|k| !keep.contains(*k)) {
        report.changed += 1;
        c.execute(
            "DELETE FROM daily_sales WHERE sku = ?1 AND day = ?2",
            params![s, day_str(*day)],
        )
        .map_err(sql_error)?;
    }
    Ok(report)
}

pub(super) fn put_features(
    c: &Connection,
    sku: &str,
    rows: &[FeatureValues],
    watermark: DataWatermark,
) -> StoreResult<()> {
    let mut upsert = c
        .prepare_cached(
            "INSERT INTO features (sku, day, units, lag_1, lag_7, lag_14, rolling_mean_7, trend_index, \
             is_weekend, is_holiday, history_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (sku, day) DO UPDATE SET units = excluded.units, lag_1 = excluded.lag_1, \
             lag_7 = excluded.lag_7, lag_14 = excluded.lag_14, rolling_mean_7 = excluded.rolling_mean_7, \
             trend_index = excluded.trend_index, is_weekend = excluded.is_weekend, \
             is_holiday = excluded.is_holiday, history_days = excluded.history_days",
        )
        .map_err(sql_error)?;
    for f in rows {
        upsert
            .execute(params![
                sku,
                day_str(f.day),
                f.units,
                f.lag_1,
                f.lag_7,
                f.lag_14,
                f.rolling_mean_7,
                f.trend_index,
                f.is_weekend,
                f.is_holiday,
                f.history_days
            ])
            .map_err(sql_error)?;
    }
    c.execute(
        "INSERT INTO feature_watermarks (sku, data_through, version) VALUES (?1, ?2, ?3) \
         ON CONFLICT (sku) DO UPDATE SET data_through = excluded.data_through, version = excluded.version",
        params![sku, day_str(watermark.data_through), watermark.version],
    )
    .map_err(sql_error)?;
    Ok(())
}

pub(super) fn features(
    c: &Connection,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<(Vec<FeatureValues>, Option<DataWatermark>)> {
    let rows = query_all(
        c,
        "SELECT day, units, lag_1, lag_7, lag_14, rolling_mean_7, trend_index, is_weekend, is_holiday, \
         history_days FROM features WHERE sku = ? AND day BETWEEN ? AND ? ORDER BY day",
        vec![
            sku.to_owned().into(),
            day_str(from).into(),
            day_str(to).into(),
        ],
        |r| {
            Ok(FeatureValues {
                day: parse_day(&r.get::<_, String>(0)?)?,
                units: r.get(1)?,
                lag_1: r.get(2)?,
                lag_7: r.get(3)?,
                lag_14: r.get(4)?,
                rolling_mean_7: r.get(5)?,
                trend_index: r.get(6)?,
                is_weekend: r.get(7)?,
                is_holiday: r.get(8)?,
                history_days: r.get(9)?,
            })
        },
    )?;
    let watermark = c
        .prepare_cached("SELECT data_through, version FROM feature_watermarks WHERE sku = ?1")
        .and_then(|mut s| {
            s.query_row([sku], |r| {
                Ok(DataWatermark {
                    data_through: parse_day(&r.get::<_, String>(0)?)?,
                    version: r.get(1)?,
                })
            })
            .optional()
        })
        .map_err(sql_error)?;
    Ok((rows, watermark))
}

pub(super) fn olap_counts(c: &Connection) -> StoreResult<OlapCounts> {
    let count = |table: &str| -> StoreResult<i64> {
        c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .map_err(sql_error)
    };
    Ok(OlapCounts {
        sales_events: count("sales_events")?,
        daily_sales: count("daily_sales")?,
        feature_rows: count("features")?,
    })
}

pub(super) fn put_forecast(c: &Connection, f: &StoredForecast) -> StoreResult<()> {
    c.execute(
        "INSERT INTO forecasts (sku, model, model_version, data_through, data_version, horizon_days, \
         create_time, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (sku, model) DO UPDATE SET model_version = excluded.model_version, \
         data_through = excluded.data_through, data_version = excluded.data_version, \
         horizon_days = excluded.horizon_days, create_time = excluded.create_time, body = excluded.body",
        params![
            f.sku,
            f.model,
            f.model_version,
            day_str(f.watermark.data_through),
            f.watermark.version,
            f.horizon_days,
            f.create_time.timestamp_micros(),
            f.body
        ],
    )
    .map_err(sql_error)?;
    Ok(())
}

pub(super) fn forecast(
    c: &Connection,
    sku: &str,
    model: &str,
) -> StoreResult<Option<StoredForecast>> {
    c.prepare_cached(
        "SELECT sku, model, model_version, data_through, data_version, horizon_days, create_time, body \
         FROM forecasts WHERE sku = ?1 AND model = ?2",
    )
    .and_then(|mut s| {
        s.query_row(params![sku, model], |r| {
            Ok(StoredForecast {
                sku: r.get(0)?,
                model: r.get(1)?,
                model_version: r.get(2)?,
                watermark: DataWatermark { data_through: parse_day(&r.get::<_, String>(3)?)?, version: r.get(4)? },
                horizon_days: r.get(5)?,
                create_time: micros_to_time(r.get(6)?),
                body: r.get(7)?,
            })
        })
        .optional()
    })
    .map_err(sql_error)
}

/// Rejects a malformed range before it reaches SQL.
pub(super) fn check_range(from: NaiveDate, to: NaiveDate) -> StoreResult<()> {
    if from > to {
        return Err(StoreError::InvalidArgument(format!(
            "empty day range {from}..={to}"
        )));
    }
    Ok(())
}
