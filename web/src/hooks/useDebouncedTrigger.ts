// A counter that follows `key` after `ms` of quiet: pages use it to reload
// data (orders, movements) shortly after live changes, not on every one.
import { useEffect, useState } from "react";

export function useDebouncedTrigger(key: unknown, ms = 400): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (key === undefined) return;
    const t = setTimeout(() => setN((x) => x + 1), ms);
    return () => clearTimeout(t);
  }, [key, ms]);
  return n;
}
