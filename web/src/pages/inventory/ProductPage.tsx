// One product: details, live stock, its movement ledger and (for staff) a
// stock adjustment form.
import { Link, useParams } from "react-router";
import { catalogClient } from "../../api/clients";
import { canWrite } from "../../api/session";
import { useAuth } from "../../auth/AuthContext";
import { StatCard } from "../../components/Card";
import { StockCell } from "../../components/StockCell";
import { ErrorBox, Loading } from "../../components/Status";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { useAsync } from "../../hooks/useAsync";
import { count, money } from "../../lib/format";
import { AdjustStockForm } from "./AdjustStockForm";
import { MovementHistory } from "./MovementHistory";

export function ProductPage() {
  const sku = useParams().sku ?? "";
  const { session } = useAuth();
  const { levels } = useLiveInventory();
  const { data, error, loading, reload } = useAsync((signal) => catalogClient.getProduct({ sku }, { signal }), [sku]);
  const product = data?.product;
  const level = levels.get(sku);
  const threshold = level?.threshold ?? Number(product?.lowStockThreshold ?? 0);
  const low = product && (level?.onHand ?? Number(product.onHand)) <= threshold;

  return (
    <div className="page">
      <p>
        <Link to="/inventory">← Inventory</Link>
      </p>
      {loading && !product && <Loading what="the product" />}
      <ErrorBox message={error} onRetry={reload} />
      {product && (
        <>
          <h1>
            {product.name} <span className="muted">{product.sku}</span>
          </h1>
          <div className="stats">
            <StatCard label="On hand" value={<StockCell sku={sku} level={level} fallback={product.onHand} />} tone={low ? "warn" : undefined} hint={low ? "Low on stock" : undefined} />
            <StatCard label="Low-stock threshold" value={count(threshold)} />
            <StatCard label="Price" value={money(product.unitPriceMinor)} hint={product.category} />
            <StatCard label="Forecast" value={<Link to={`/forecast/${encodeURIComponent(sku)}`}>Open</Link>} hint="demand and reorder advice" />
          </div>
          <div className="grid-2 wide-left">
            <MovementHistory sku={sku} />
            {canWrite(session) && <AdjustStockForm sku={sku} />}
          </div>
        </>
      )}
    </div>
  );
}

