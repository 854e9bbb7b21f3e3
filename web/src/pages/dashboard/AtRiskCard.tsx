// SKUs projected to run out within the next 14 days, from the reorder
// advice (most urgent first).
import { Link } from "react-router";
import { listAllAdvice } from "../../api/queries";
import { Card } from "../../components/Card";
import { UrgencyBadge } from "../../components/UrgencyBadge";
import { ErrorBox, Loading } from "../../components/Status";
import { useAsync } from "../../hooks/useAsync";
import { useEvery } from "../../hooks/useEvery";
import { count, daysFromToday, isoDay } from "../../lib/format";

const RISK_DAYS = 14;
const LISTED = 8;
const REFRESH_MS = 60_000;

export function AtRiskCard() {
  const { data, error, loading, reload } = useAsync((signal) => listAllAdvice(signal), []);
  // Advice follows stock and sales: refresh it now and then.
  useEvery(REFRESH_MS, reload);
  const atRisk = (data?.advice ?? []).filter((a) => a.stockoutDate && daysFromToday(isoDay(a.stockoutDate)) <= RISK_DAYS);
  return (
    <Card title={`Stockout risk, next ${RISK_DAYS} days`} actions={<Link to="/forecast">Reorder advice</Link>} testId="at-risk">
      {loading && !data && <Loading what="reorder advice" />}
      <ErrorBox message={error} onRetry={reload} />
      {data && (
        <>
          <p className="big" data-testid="stat-at-risk">
            {count(atRisk.length)} <span className="muted">of {count(data.advice.length)} forecast SKUs</span>
          </p>
          {atRisk.length > 0 && (
            <ul className="plain-list">
              {atRisk.slice(0, LISTED).map((a) => (
                <li key={a.sku}>
                  <UrgencyBadge urgency={a.urgency} /> <Link to={`/forecast/${encodeURIComponent(a.sku)}`}>{a.sku}</Link>{" "}
                  <span className="muted">runs out {isoDay(a.stockoutDate)}</span>
                </li>
              ))}
            </ul>
          )}
          {atRisk.length > LISTED && (
            <p className="small">
              <Link to="/forecast">and {count(atRisk.length - LISTED)} more in the reorder advice</Link>
            </p>
          )}
          {data.skipped.length > 0 && (
            <p className="muted small">
              {count(data.skipped.length)} {data.skipped.length === 1 ? "SKU has" : "SKUs have"} too little history to forecast.
            </p>
          )}
        </>
      )}
    </Card>
  );
}
