//! IngestService: history import, daily sales, features, pipeline status and
//! fact rebuilds. A thin adapter over the pipeline and the store.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use icc_proto::v1 as pb;
use icc_proto::v1::ingest_service_server::IngestService;
use icc_proto::{date_from_proto, date_to_proto, timestamp_to_proto};
use icc_server::{invalid_argument, store_status};
use icc_store::{PageRequest, ProductFilter, SalesEvent};
use tonic::{Request, Response, Status, Streaming};

use crate::events::imported;
use crate::pipeline::{CONSUMER, Pipeline, earliest_per_sku};

/// Longest day range a query may span.
pub const MAX_RANGE_DAYS: i64 = 3660;
/// Most rows in one ImportSalesHistory message.
pub const MAX_ROWS_PER_MESSAGE: usize = 10_000;

/// The ingest service.
pub struct Ingest {
    pipeline: Arc<Pipeline>,
}

impl Ingest {
    pub fn new(pipeline: Arc<Pipeline>) -> Self {
        Ingest { pipeline }
    }

    /// 404s for a SKU the catalog has never had.
    async fn known_sku(&self, field: &str, sku: &str) -> Result<String, Status> {
        icc_server::sku(field, sku)?;
        self.pipeline
            .store
            .get_product(sku)
            .await
            .map_err(store_status)?;
        Ok(sku.to_owned())
    }

    async fn catalog_skus(&self) -> Result<BTreeSet<String>, Status> {
        let filter = ProductFilter {
            include_archived: true,
            ..Default::default()
        };
        let mut skus = BTreeSet::new();
        let mut page = PageRequest::first(1000);
        loop {
            let found = self
                .pipeline
                .store
                .list_products(&filter, &page)
                .await
                .map_err(store_status)?;
            skus.extend(found.items.into_iter().map(|p| p.sku));
            match found.next {
                Some(next) => page.after = Some(next),
                None => return Ok(skus),
            }
        }
    }
}

/// Reads an inclusive, non-empty day range of at most MAX_RANGE_DAYS.
fn day_range(
    start: &Option<icc_proto::google::r#type::Date>,
    end: &Option<icc_proto::google::r#type::Date>,
) -> Result<(NaiveDate, NaiveDate), Status> {
    let read = |field: &str, d: &Option<icc_proto::google::r#type::Date>| {
        let d = d
            .as_ref()
            .ok_or_else(|| invalid_argument(field, "is required"))?;
        date_from_proto(d).map_err(|e| invalid_argument(field, e))
    };
    let (start, end) = (read("start_date", start)?, read("end_date", end)?);
    if start > end {
        return Err(invalid_argument(
            "end_date",
            format!("the range {start}..{end} is empty"),
        ));
    }
    if (end - start).num_days() >= MAX_RANGE_DAYS {
        return Err(invalid_argument(
            "end_date",
            format!("the range spans more than {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok((start, end))
}

/// Counts every rejection, lists the first ones.
trait Rejections {
    fn reject(&mut self, rejection: pb::RowRejection);
}

impl Rejections for pb::ImportSalesHistoryResponse {
    fn reject(&mut self, rejection: pb::RowRejection) {
        self.rejected_count += 1;
        if self.rejected.len() < icc_server::MAX_LISTED_REJECTIONS {
            self.rejected.push(rejection);
        }
    }
}

/// The rows of one import, checked across all its messages: one source,
/// row numbers that run on from message to message, and a (SKU, day) seen
/// twice kept once when the rows agree and rejected when they do not.
struct ImportRows {
    skus: BTreeSet<String>,
    today: NaiveDate,
    source: Option<String>,
    /// (sku, day) -> (row number, units, revenue) of the first row seen.
    seen: HashMap<(String, NaiveDate), (i64, i64, i64)>,
    row_number: i64,
}

impl ImportRows {
    fn new(skus: BTreeSet<String>, today: NaiveDate) -> Self {
        ImportRows {
            skus,
            today,
            source: None,
            seen: HashMap::new(),
            row_number: 0,
        }
    }

    /// The sales events of `message`'s good rows; bad rows and repeats are
    /// counted in `report`. Err for a message that is wrong as a whole.
    fn check(
        &mut self,
        message: &pb::ImportSalesHistoryRequest,
        report: &mut pb::ImportSalesHistoryResponse,
    ) -> Result<Vec<SalesEvent>, Status> {
        let name = self.source(&message.source)?.to_owned();
        if message.rows.len() > MAX_ROWS_PER_MESSAGE {
            return Err(invalid_argument(
                "rows",
                format!("at most {MAX_ROWS_PER_MESSAGE} rows per message"),
            ));
        }
        let mut batch = Vec::with_capacity(message.rows.len());
        for row in &message.rows {
            self.row_number += 1;
            let reject = |reason: String| pb::RowRejection {
                line: self.row_number,
                sku: row.sku.clone(),
                reason,
            };
            let date = match check_row(row, &self.skus, self.today) {
                Ok(date) => date,
                Err(reason) => {
                    report.reject(reject(reason));
                    continue;
                }
            };
            match self.seen.get(&(row.sku.clone(), date)) {
                Some(&(_, units, revenue))
                    if units == row.units && revenue == row.revenue_minor =>
                {
                    report.duplicate_count += 1;
                }
                Some(&(first, _, _)) => {
                    report.reject(reject(format!(
                        "conflicts with row {first} for the same sku and date"
                    )));
                }
                None => {
                    self.seen.insert(
                        (row.sku.clone(), date),
                        (self.row_number, row.units, row.revenue_minor),
                    );
                    batch.push(imported(
                        &name,
                        &row.sku,
                        date,
                        row.units,
                        row.revenue_minor,
                    ));
                }
            }
        }
        Ok(batch)
    }

    /// The rejection of the row that offered what an earlier import of
    /// this source stored as `kept` (same sku and day), with other values.
    fn conflict_with_earlier_import(&self, kept: &SalesEvent) -> pb::RowRejection {
        let key = (kept.sku.clone(), kept.business_day);
        let line = self.seen.get(&key).map_or(0, |&(row, ..)| row);
        pb::RowRejection {
            line,
            sku: kept.sku.clone(),
            reason: format!(
                "an earlier import of this source stored {} units and revenue {} for this sku \
                 and date; imported history is kept as first imported",
                kept.units, kept.revenue_minor
            ),
        }
    }

    /// The import's source, which every message must name alike.
    fn source(&mut self, name: &str) -> Result<&str, Status> {
        let name = name.trim();
        let bad_char = |c: char| c == ':' || c.is_control();
        if name.is_empty() || name.chars().count() > 200 || name.contains(bad_char) {
            return Err(invalid_argument(
                "source",
                "must be 1 to 200 characters without ':' or control characters",
            ));
        }
        if self.source.as_deref().is_some_and(|s| s != name) {
            return Err(invalid_argument(
                "source",
                "must be the same in every message of an import",
            ));
        }
        Ok(self.source.get_or_insert_with(|| name.to_owned()))
    }
}

/// Most units one history row may hold: a day's sales are summed over
/// imports and orders, and bounded rows keep every sum far from overflow.
pub const MAX_ROW_UNITS: i64 = 1_000_000_000;
/// Most revenue, in minor units, one history row may hold (for the same
/// reason).
pub const MAX_ROW_REVENUE_MINOR: i64 = 1_000_000_000_000_000;

/// Why one history row is not stored, if it is not.
fn check_row(
    row: &pb::SalesHistoryRow,
    skus: &BTreeSet<String>,
    today: NaiveDate,
) -> Result<NaiveDate, String> {
    let date = row.date.as_ref().ok_or("date: is required")?;
    let date = date_from_proto(date).map_err(|e| format!("date: {e}"))?;
    if date > today {
        return Err(format!("date: {date} is in the future (today is {today})"));
    }
    if !skus.contains(&row.sku) {
        return Err(format!("sku: {:?} is not in the catalog", row.sku));
    }
    if !(0..=MAX_ROW_UNITS).contains(&row.units) {
        return Err(format!(
            "units: must be between 0 and {MAX_ROW_UNITS}, got {}",
            row.units
        ));
    }
    if !(0..=MAX_ROW_REVENUE_MINOR).contains(&row.revenue_minor) {
        return Err(format!(
            "revenue_minor: must be between 0 and {MAX_ROW_REVENUE_MINOR}, got {}",
            row.revenue_minor
        ));
    }
    Ok(date)
}

#[tonic::async_trait]
impl IngestService for Ingest {
    async fn import_sales_history(
        &self,
        request: Request<Streaming<pb::ImportSalesHistoryRequest>>,
    ) -> Result<Response<pb::ImportSalesHistoryResponse>, Status> {
        let mut stream = request.into_inner();
        let mut rows = ImportRows::new(self.catalog_skus().await?, self.pipeline.today());
        let mut report = pb::ImportSalesHistoryResponse::default();
        let mut touched = Vec::new();
        while let Some(message) = stream.message().await? {
            let batch = rows.check(&message, &mut report)?;
            let offered = batch.len() as i64;
            let applied = self
                .pipeline
                .store
                .apply_sales_events(batch)
                .await
                .map_err(store_status)?;
            let conflicting = applied.conflicting.len() as i64;
            for kept in &applied.conflicting {
                report.reject(rows.conflict_with_earlier_import(kept));
            }
            report.accepted_count += applied.inserted as i64;
            report.duplicate_count += offered - applied.inserted as i64 - conflicting;
            touched.extend(applied.touched);
        }
        if rows.source.is_none() {
            return Err(invalid_argument("source", "the import sent no messages"));
        }
        // Conflicts with earlier imports are found batch by batch.
        report.rejected.sort_by_key(|r| r.line);
        self.pipeline
            .refresh_features(earliest_per_sku(touched))
            .await
            .map_err(store_status)?;
        tracing::info!(
            accepted = report.accepted_count,
            duplicates = report.duplicate_count,
            rejected = report.rejected_count,
            "sales history imported"
        );
        Ok(Response::new(report))
    }

    async fn get_daily_sales(
        &self,
        request: Request<pb::GetDailySalesRequest>,
    ) -> Result<Response<pb::GetDailySalesResponse>, Status> {
        let r = request.into_inner();
        let sku = self.known_sku("sku", &r.sku).await?;
        let (start, end) = day_range(&r.start_date, &r.end_date)?;
        let stored = self
            .pipeline
            .store
            .daily_sales(&sku, start, end)
            .await
            .map_err(store_status)?;
        let by_day: HashMap<NaiveDate, _> = stored.into_iter().map(|f| (f.day, f)).collect();
        let days = start
            .iter_days()
            .take_while(|d| *d <= end)
            .map(|day| {
                let f = by_day.get(&day);
                pb::DailySales {
                    date: Some(date_to_proto(day)),
                    units: f.map_or(0, |f| f.units),
                    revenue_minor: f.map_or(0, |f| f.revenue_minor),
                    order_count: f.map_or(0, |f| f.order_count),
                }
            })
            .collect();
        Ok(Response::new(pb::GetDailySalesResponse { days }))
    }

    async fn get_features(
        &self,
        request: Request<pb::GetFeaturesRequest>,
    ) -> Result<Response<pb::GetFeaturesResponse>, Status> {
        let r = request.into_inner();
        let sku = self.known_sku("sku", &r.sku).await?;
        let (start, end) = day_range(&r.start_date, &r.end_date)?;
        let (rows, watermark) = self
            .pipeline
            .store
            .features(&sku, start, end)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::GetFeaturesResponse {
            rows: rows
                .iter()
                .map(|f| pb::FeatureRow {
                    date: Some(date_to_proto(f.day)),
                    units: f.units,
                    lag_1: f.lag_1,
                    lag_7: f.lag_7,
                    lag_14: f.lag_14,
                    rolling_mean_7: f.rolling_mean_7,
                    trend_index: f.trend_index,
                    is_weekend: f.is_weekend,
                    is_holiday: f.is_holiday,
                    history_days: f.history_days,
                })
                .collect(),
            data_watermark: watermark.map(|w| date_to_proto(w.data_through)),
            data_version: watermark.map_or(0, |w| w.version),
        }))
    }

    async fn get_pipeline_status(
        &self,
        _request: Request<pb::GetPipelineStatusRequest>,
    ) -> Result<Response<pb::GetPipelineStatusResponse>, Status> {
        let store = &self.pipeline.store;
        let checkpoint = store
            .checkpoint(CONSUMER)
            .await
            .map_err(store_status)?
            .unwrap_or(0);
        let head = store.head_seq().await.map_err(store_status)?;
        let oldest_pending = store
            .changes_after(checkpoint, 1)
            .await
            .map_err(store_status)?;
        let lag_seconds = oldest_pending.first().map_or(0.0, |c| {
            (Utc::now() - c.commit_time).num_milliseconds().max(0) as f64 / 1000.0
        });
        let counts = store.olap_counts().await.map_err(store_status)?;
        Ok(Response::new(pb::GetPipelineStatusResponse {
            checkpoint_seq: checkpoint,
            head_seq: head,
            lag_events: head - checkpoint,
            lag_seconds,
            sales_event_count: counts.sales_events,
            daily_sales_count: counts.daily_sales,
            feature_row_count: counts.feature_rows,
            checkpoint_time: self.pipeline.checkpoint_time().map(timestamp_to_proto),
        }))
    }

    async fn rebuild_facts(
        &self,
        request: Request<pb::RebuildFactsRequest>,
    ) -> Result<Response<pb::RebuildFactsResponse>, Status> {
        let r = request.into_inner();
        let sku = match r.sku.as_str() {
            "" => None,
            sku => Some(self.known_sku("sku", sku).await?),
        };
        let (start, end) = day_range(&r.start_date, &r.end_date)?;
        let store = &self.pipeline.store;
        let report = store
            .rebuild_daily_sales(sku.as_deref(), start, end)
            .await
            .map_err(store_status)?;
        if report.changed > 0 {
            let skus = match sku {
                Some(sku) => vec![sku],
                None => store.sales_skus().await.map_err(store_status)?,
            };
            let changed = skus.into_iter().map(|s| (s, start)).collect();
            self.pipeline
                .refresh_features(changed)
                .await
                .map_err(store_status)?;
        }
        Ok(Response::new(pb::RebuildFactsResponse {
            rows_rebuilt: report.rebuilt,
            rows_changed: report.changed,
        }))
    }
}
