import { ReorderUrgency } from "../gen/icc/v1/forecast_pb";
import { urgencyName } from "../lib/enums";

const tone: Record<ReorderUrgency, string> = {
  [ReorderUrgency.UNSPECIFIED]: "",
  [ReorderUrgency.OK]: "ok",
  [ReorderUrgency.SOON]: "warn",
  [ReorderUrgency.NOW]: "bad",
  [ReorderUrgency.CRITICAL]: "critical",
};

export function UrgencyBadge({ urgency }: { urgency: ReorderUrgency }) {
  return <span className={`badge ${tone[urgency]}`}>{urgencyName[urgency]}</span>;
}
