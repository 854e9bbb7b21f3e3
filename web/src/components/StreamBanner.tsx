// Says so, in plain words, when live updates are interrupted.
import { useLiveInventory } from "../hooks/InventoryContext";

export function StreamBanner() {
  const { status, problem, ready } = useLiveInventory();
  if (status !== "reconnecting") return null;
  return (
    <div className="banner" role="status" data-testid="stream-banner">
      Live updates are paused{problem ? ` (${problem})` : ""}. Reconnecting…{ready && " Stock numbers may be out of date until then."}
    </div>
  );
}
