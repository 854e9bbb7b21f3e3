// How far the analytics pipeline is behind the change feed, polled.
import { ingestClient } from "../../api/clients";
import { StatCard } from "../../components/Card";
import { useAsync } from "../../hooks/useAsync";
import { useEvery } from "../../hooks/useEvery";
import { count, dec } from "../../lib/format";

const POLL_MS = 5000;

export function PipelineStat() {
  const { data, error, reload } = useAsync((signal) => ingestClient.getPipelineStatus({}, { signal }), []);
  useEvery(POLL_MS, reload);
  const lag = data ? Number(data.lagEvents) : 0;
  return (
    <StatCard
      label="Pipeline lag"
      value={error ? "—" : data ? `${count(lag)} events` : "…"}
      hint={error ?? (data ? (lag === 0 ? "caught up" : `${dec(data.lagSeconds)} s behind`) : undefined)}
      tone={error ? "bad" : lag > 100 ? "warn" : undefined}
      testId="stat-pipeline"
    />
  );
}
