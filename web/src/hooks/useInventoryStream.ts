// The live inventory: one WatchInventory stream through the gateway. It
// starts with a snapshot, applies every change in order, and on a broken
// connection reconnects with resume_after_seq (the last seq seen) so that no
// change is missed; when the gateway cannot resume from there (OUT_OF_RANGE)
// it starts again from a fresh snapshot.
import { useEffect, useReducer } from "react";
import { Code, ConnectError } from "@connectrpc/connect";
import { inventoryClient } from "../api/clients";
import { describeStreamProblem } from "../api/errors";
import { EXPIRED, setSession } from "../api/session";
import { backoffMs, initial, reduce, type InventoryState } from "./inventoryState";

export type { InventoryState, LastChange, LiveLevel, StreamStatus } from "./inventoryState";

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export function useInventoryStream(enabled: boolean): InventoryState {
  const [state, dispatch] = useReducer(reduce, initial);

  useEffect(() => {
    if (!enabled) return;
    const ctl = new AbortController();
    const signal = ctl.signal;
    (async () => {
      let lastSeq = 0n;
      let attempt = 0;
      while (!signal.aborted) {
        try {
          for await (const msg of inventoryClient.watchInventory({ resumeAfterSeq: lastSeq }, { signal })) {
            attempt = 0;
            const ev = msg.event;
            if (ev.case === "snapshot") {
              lastSeq = ev.value.seq;
              dispatch({ type: "snapshot", seq: ev.value.seq, levels: ev.value.levels });
            } else if (ev.case === "change") {
              const c = ev.value;
              lastSeq = c.seq;
              const change = { seq: c.seq, cause: c.cause, orderId: c.orderId, skus: c.levels.map((l) => l.sku) };
              dispatch({ type: "change", change, levels: c.levels });
            }
          }
          if (signal.aborted) return;
          dispatch({ type: "status", status: "reconnecting", problem: "the connection closed" });
        } catch (e) {
          if (signal.aborted) return;
          const err = ConnectError.from(e);
          if (err.code === Code.Unauthenticated) {
            setSession(null, EXPIRED);
            return;
          }
          // The gateway cannot resume from our position: start over.
          if (err.code === Code.OutOfRange) lastSeq = 0n;
          dispatch({ type: "status", status: "reconnecting", problem: describeStreamProblem(err) });
        }
        await sleep(backoffMs(attempt++), signal);
      }
    })();
    return () => ctl.abort();
  }, [enabled]);

  return state;
}
