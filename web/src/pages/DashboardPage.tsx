// The numbers that matter at a glance; stock counts follow the live stream,
// orders reload after each order change, the pipeline is polled.
import { Link } from "react-router";
import { useLiveInventory } from "../hooks/InventoryContext";
import { AtRiskCard } from "./dashboard/AtRiskCard";
import { OrdersTodayStats } from "./dashboard/OrdersTodayStats";
import { PipelineStat } from "./dashboard/PipelineStat";
import { RecentChanges } from "./dashboard/RecentChanges";
import { StatCard } from "../components/Card";
import { count } from "../lib/format";

export function DashboardPage() {
  const { levels, ready } = useLiveInventory();
  const all = [...levels.values()];
  const low = all.filter((l) => l.onHand <= l.threshold).length;
  return (
    <div className="page">
      <h1>Dashboard</h1>
      <div className="stats">
        <StatCard label="Products (SKUs)" value={ready ? count(all.length) : "…"} testId="stat-skus" />
        <StatCard
          label="Low on stock"
          value={ready ? count(low) : "…"}
          tone={low > 0 ? "warn" : undefined}
          hint={<Link to="/inventory?low=1">Show them</Link>}
          testId="stat-low"
        />
        <OrdersTodayStats />
        <PipelineStat />
      </div>
      <div className="grid-2">
        <AtRiskCard />
        <RecentChanges />
      </div>
    </div>
  );
}
