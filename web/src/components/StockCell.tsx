// A live stock number: follows the stream, flashes when it changes.
import type { LiveLevel } from "../hooks/useInventoryStream";
import { count } from "../lib/format";

export function StockCell({ sku, level, fallback }: { sku: string; level?: LiveLevel; fallback: bigint }) {
  const onHand = level?.onHand ?? Number(fallback);
  const moved = level && level.delta !== 0;
  return (
    <span className="stock">
      <span key={level ? String(level.seq) : "initial"} className={moved ? "flash" : undefined} data-testid={`stock-${sku}`}>
        {count(onHand)}
      </span>
      {moved && (
        <span className={`delta ${level.delta < 0 ? "down" : "up"}`} aria-label={`last change ${level.delta}`}>
          {level.delta > 0 ? `+${level.delta}` : level.delta}
        </span>
      )}
    </span>
  );
}
