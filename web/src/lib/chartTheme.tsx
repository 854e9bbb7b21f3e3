// Colours shared by the charts (match styles.css).
export const colors = {
  actual: "#334155",
  forecast: "#2563eb",
  band80: "#93c5fd",
  band95: "#dbeafe",
  stock: "#0f766e",
  reorder: "#d97706",
  stockout: "#dc2626",
  grid: "#e2e8f0",
};

/** Distinct colours for explanation terms. */
export const termColors = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#dc2626", "#65a30d", "#db2777", "#475569", "#ca8a04"];

/** The colour of the i-th term: the list above, then hues a golden angle
 * apart (a regression has some 25 terms; no two may share a colour). */
export function termColor(i: number): string {
  return i < termColors.length ? termColors[i] : `hsl(${Math.round((i * 137.508) % 360)}, 60%, ${i % 2 ? 38 : 55}%)`;
}

/** Legend labels in text colour, whatever the series' colour. */
export const legendText = (value: string) => <span style={{ color: "#334155" }}>{value}</span>;
