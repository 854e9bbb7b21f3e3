import { Link } from "react-router";
import { StockCell } from "../../components/StockCell";
import type { Product } from "../../gen/icc/v1/catalog_pb";
import type { LiveLevel } from "../../hooks/useInventoryStream";
import { count, money } from "../../lib/format";

export function InventoryTable({ products, levels }: { products: Product[]; levels: ReadonlyMap<string, LiveLevel> }) {
  if (products.length === 0) return <p className="muted">No products match.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="inventory-table">
        <thead>
          <tr>
            <th>SKU</th>
            <th>Name</th>
            <th className="hide-narrow">Category</th>
            <th className="num hide-narrow">Price</th>
            <th className="num">On hand</th>
            <th className="num hide-narrow">Low at</th>
          </tr>
        </thead>
        <tbody>
          {products.map((p) => {
            const level = levels.get(p.sku);
            const threshold = level?.threshold ?? Number(p.lowStockThreshold);
            const low = (level?.onHand ?? Number(p.onHand)) <= threshold;
            return (
              <tr key={p.sku} className={low ? "low" : undefined} data-testid={`row-${p.sku}`}>
                <td>
                  <Link to={`/inventory/${encodeURIComponent(p.sku)}`}>{p.sku}</Link>
                </td>
                <td>{p.name}</td>
                <td className="hide-narrow">{p.category}</td>
                <td className="num hide-narrow">{money(p.unitPriceMinor)}</td>
                <td className="num">
                  <StockCell sku={p.sku} level={level} fallback={p.onHand} />
                  {low && <span className="badge warn">Low</span>}
                </td>
                <td className="num hide-narrow">{count(threshold)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
