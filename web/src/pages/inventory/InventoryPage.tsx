// Every product with its live stock: search, category and low-stock
// filters (kept in the URL), low stock highlighted.
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { listAllProducts } from "../../api/queries";
import { Card } from "../../components/Card";
import { ErrorBox, Loading } from "../../components/Status";
import { ChangeCause } from "../../gen/icc/v1/inventory_pb";
import { useLiveInventory } from "../../hooks/InventoryContext";
import { useAsync } from "../../hooks/useAsync";
import { useDebouncedTrigger } from "../../hooks/useDebouncedTrigger";
import { InventoryFilters, type Filters } from "./InventoryFilters";
import { InventoryTable } from "./InventoryTable";

const CATALOG_CAUSES = new Set([ChangeCause.PRODUCT_CREATED, ChangeCause.PRODUCT_UPDATED, ChangeCause.PRODUCT_ARCHIVED]);

export function InventoryPage() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = { q: params.get("q") ?? "", category: params.get("category") ?? "", low: params.get("low") === "1" };
  const { levels, lastChange } = useLiveInventory();
  // Reload the catalog when a product is created, changed or archived.
  const catalogSeq = lastChange && CATALOG_CAUSES.has(lastChange.cause) ? lastChange.seq : undefined;
  const refresh = useDebouncedTrigger(catalogSeq, 300);
  const { data: products, error, loading, reload } = useAsync((signal) => listAllProducts(signal), [refresh]);

  const categories = useMemo(() => [...new Set((products ?? []).map((p) => p.category))].sort(), [products]);
  const rows = useMemo(() => {
    const q = filters.q.trim().toLowerCase();
    return (products ?? []).filter((p) => {
      if (filters.category && p.category !== filters.category) return false;
      if (q && !p.sku.toLowerCase().includes(q) && !p.name.toLowerCase().includes(q)) return false;
      if (filters.low) {
        const l = levels.get(p.sku);
        const onHand = l ? l.onHand : Number(p.onHand);
        if (onHand > Number(p.lowStockThreshold)) return false;
      }
      return true;
    });
  }, [products, levels, filters.q, filters.category, filters.low]);

  function setFilters(next: Filters) {
    const p = new URLSearchParams();
    if (next.q) p.set("q", next.q);
    if (next.category) p.set("category", next.category);
    if (next.low) p.set("low", "1");
    setParams(p, { replace: true });
  }

  return (
    <div className="page">
      <h1>Inventory</h1>
      <Card>
        <InventoryFilters filters={filters} categories={categories} onChange={setFilters} shown={rows.length} total={products?.length ?? 0} />
        {loading && !products && <Loading what="products" />}
        <ErrorBox message={error} onRetry={reload} />
        {products && <InventoryTable products={rows} levels={levels} />}
      </Card>
    </div>
  );
}
