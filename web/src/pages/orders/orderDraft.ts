// The order being composed, and its checks before it is sent.
export interface DraftLine {
  id: number;
  sku: string;
  quantity: string;
}

let nextId = 1;
export function emptyLine(): DraftLine {
  return { id: nextId++, sku: "", quantity: "1" };
}

/** The first problem with the draft in plain words, or undefined. */
export function draftProblem(lines: DraftLine[]): string | undefined {
  const filled = lines.filter((l) => l.sku);
  if (filled.length === 0) return "Choose at least one product.";
  const seen = new Set<string>();
  for (const [i, l] of lines.entries()) {
    if (!l.sku) return `Line ${i + 1}: choose a product or remove the line.`;
    if (seen.has(l.sku)) return `${l.sku} is on more than one line: put it on one line with the total quantity.`;
    seen.add(l.sku);
    const q = Number(l.quantity);
    if (!Number.isInteger(q) || q < 1 || q > 1_000_000) return `Line ${i + 1} (${l.sku}): the quantity must be a whole number from 1 to 1,000,000.`;
  }
  if (lines.length > 100) return "An order can have at most 100 lines.";
  return undefined;
}

/** The order's lines as sent, once `draftProblem` has found none ("1.0" and
 * "1e1" are whole numbers too). */
export function draftLines(lines: DraftLine[]): { sku: string; quantity: bigint }[] {
  return lines.map((l) => ({ sku: l.sku, quantity: BigInt(Number(l.quantity)) }));
}

/** Identifies the draft's content, to reuse an idempotency key on retry. */
export function draftSignature(lines: DraftLine[], note: string): string {
  return JSON.stringify([lines.map((l) => [l.sku, l.quantity]), note]);
}
