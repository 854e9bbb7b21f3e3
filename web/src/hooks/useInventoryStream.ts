// The live inventory: one WatchInventory stream through the gateway. It
// starts with a snapshot, applies every change in order, and on a broken
// connection reconnects with resume_after_seq (the last seq seen) so that no
// change is missed; when the gateway cannot resume from there (OUT_OF_RANGE)
// it starts again from a fresh snapshot.
import { useEffect, useReducer } from "react";
import { Code, ConnectError } from "@connectrpc/connect";
import { inventoryClient } from "../api/clients";
import { describeError } from "../api/errors";
import { setSession } from "../api/session";
import type { ChangeCause, StockLevel } from "../gen/icc/v1/inventory_pb";

export interface LiveLevel {
  sku: string;
  onHand: number;
  threshold: number;
  /** Signed change of the last update (0 from a snapshot). */
  delta: number;
  /** Feed seq of the last update. */
  seq: bigint;
}

export interface LastChange {
  seq: bigint;
  cause: ChangeCause;
  orderId: string;
  skus: string[];
}

export type StreamStatus = "connecting" | "live" | "reconnecting";

export interface InventoryState {
  levels: ReadonlyMap<string, LiveLevel>;
  /** False until the first snapshot arrived. */
  ready: boolean;
  seq: bigint;
  status: StreamStatus;
  /** Why the stream is reconnecting, in plain words. */
  problem?: string;
  lastChange?: LastChange;
}

type Action =
  | { type: "snapshot"; seq: bigint; levels: StockLevel[] }
  | { type: "change"; change: LastChange; levels: StockLevel[] }
  | { type: "status"; status: StreamStatus; problem?: string };

const initial: InventoryState = { levels: new Map(), ready: false, seq: 0n, status: "connecting" };

function toLive(l: StockLevel, seq: bigint): LiveLevel {
  return { sku: l.sku, onHand: Number(l.onHand), threshold: Number(l.lowStockThreshold), delta: Number(l.delta), seq };
}

function reduce(state: InventoryState, action: Action): InventoryState {
  switch (action.type) {
    case "snapshot":
      return {
        ...state,
        ready: true,
        seq: action.seq,
        status: "live",
        problem: undefined,
        levels: new Map(action.levels.map((l) => [l.sku, toLive(l, action.seq)])),
      };
    case "change": {
      const levels = new Map(state.levels);
      for (const l of action.levels) levels.set(l.sku, toLive(l, action.change.seq));
      return { ...state, seq: action.change.seq, status: "live", problem: undefined, levels, lastChange: action.change };
    }
    case "status":
      return { ...state, status: action.status, problem: action.problem };
  }
}

/** Delay before reconnect attempt `n` (0-based): 0.5 s doubling to 10 s. */
export function backoffMs(n: number): number {
  return Math.min(10_000, 500 * 2 ** n);
}

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
          dispatch({ type: "status", status: "reconnecting", problem: "The live connection closed." });
        } catch (e) {
          if (signal.aborted) return;
          const err = ConnectError.from(e);
          if (err.code === Code.Unauthenticated) {
            setSession(null);
            return;
          }
          // The gateway cannot resume from our position: start over.
          if (err.code === Code.OutOfRange) lastSeq = 0n;
          dispatch({ type: "status", status: "reconnecting", problem: describeError(err) });
        }
        await sleep(backoffMs(attempt++), signal);
      }
    })();
    return () => ctl.abort();
  }, [enabled]);

  return state;
}
