// Calls `fn` every `ms` while the component is mounted: views of data that
// changes without a live stream (advice, pipeline status) poll with it.
import { useEffect } from "react";

export function useEvery(ms: number, fn: () => void): void {
  useEffect(() => {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }, [ms, fn]);
}
