// The live inventory's state and how each stream message changes it (pure:
// no React, no network), used by useInventoryStream.
import { ChangeCause, type StockLevel } from "../gen/icc/v1/inventory_pb";

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
  /** Snapshots received: after each, views kept up by changes reload. */
  snapshots: number;
  seq: bigint;
  status: StreamStatus;
  /** Why the stream is reconnecting, in plain words. */
  problem?: string;
  lastChange?: LastChange;
}

export type Action =
  | { type: "snapshot"; seq: bigint; levels: StockLevel[] }
  | { type: "change"; change: LastChange; levels: StockLevel[] }
  | { type: "status"; status: StreamStatus; problem?: string };

export const initial: InventoryState = { levels: new Map(), ready: false, snapshots: 0, seq: 0n, status: "connecting" };

function toLive(l: StockLevel, seq: bigint): LiveLevel {
  return { sku: l.sku, onHand: Number(l.onHand), threshold: Number(l.lowStockThreshold), delta: Number(l.delta), seq };
}

export function reduce(state: InventoryState, action: Action): InventoryState {
  switch (action.type) {
    case "snapshot":
      return {
        ...state,
        ready: true,
        snapshots: state.snapshots + 1,
        seq: action.seq,
        status: "live",
        problem: undefined,
        levels: new Map(action.levels.map((l) => [l.sku, toLive(l, action.seq)])),
      };
    case "change": {
      // Already applied (e.g. sent again around a reconnect).
      if (state.ready && action.change.seq <= state.seq) return state;
      const levels = new Map(state.levels);
      // An archived product leaves the live stock (snapshots hold active ones).
      const archived = action.change.cause === ChangeCause.PRODUCT_ARCHIVED;
      for (const l of action.levels) {
        if (archived) levels.delete(l.sku);
        else levels.set(l.sku, toLive(l, action.change.seq));
      }
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
