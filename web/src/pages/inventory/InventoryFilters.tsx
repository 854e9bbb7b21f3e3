export interface Filters {
  q: string;
  category: string;
  low: boolean;
}

interface Props {
  filters: Filters;
  categories: string[];
  onChange: (f: Filters) => void;
  shown: number;
  total: number;
}

export function InventoryFilters({ filters, categories, onChange, shown, total }: Props) {
  return (
    <div className="filters" role="search">
      <label className="grow">
        Search
        <input type="search" placeholder="SKU or name" value={filters.q} onChange={(e) => onChange({ ...filters, q: e.target.value })} data-testid="inventory-search" />
      </label>
      <label>
        Category
        <select value={filters.category} onChange={(e) => onChange({ ...filters, category: e.target.value })}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.low} onChange={(e) => onChange({ ...filters, low: e.target.checked })} /> Low stock only
      </label>
      <span className="muted small">
        {shown} of {total}
      </span>
    </div>
  );
}
