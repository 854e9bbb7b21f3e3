// The last stock changes seen on the live stream since this page opened.
import { useEffect, useState } from "react";
import { Card } from "../../components/Card";
import { useLiveInventory, } from "../../hooks/InventoryContext";
import type { LastChange } from "../../hooks/useInventoryStream";
import { causeName } from "../../lib/enums";

const KEEP = 8;

export function RecentChanges() {
  const { lastChange } = useLiveInventory();
  const [recent, setRecent] = useState<(LastChange & { at: Date })[]>([]);
  useEffect(() => {
    if (!lastChange) return;
    setRecent((r) => (r[0]?.seq === lastChange.seq ? r : [{ ...lastChange, at: new Date() }, ...r].slice(0, KEEP)));
  }, [lastChange]);
  return (
    <Card title="Live changes">
      {recent.length === 0 ? (
        <p className="muted">Waiting for the next stock change…</p>
      ) : (
        <ul className="plain-list" data-testid="recent-changes">
          {recent.map((c) => (
            <li key={String(c.seq)}>
              <span className="muted">{c.at.toLocaleTimeString()}</span> {causeName[c.cause]}: {c.skus.join(", ")}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
