// Shows whether the live inventory stream is connected.
import { useLiveInventory } from "../hooks/InventoryContext";

export function LiveBadge() {
  const { status, problem } = useLiveInventory();
  const label = status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span className={`live ${status}`} title={problem ?? "Stock levels update as changes commit"} data-testid="live-status">
      <span className="dot" aria-hidden="true" /> {label}
    </span>
  );
}
