import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ChangeCause, StockLevelSchema } from "../../src/gen/icc/v1/inventory_pb";
import { backoffMs, initial, reduce } from "../../src/hooks/inventoryState";

const level = (sku: string, onHand: number, delta = 0) => create(StockLevelSchema, { sku, onHand: BigInt(onHand), lowStockThreshold: 5n, delta: BigInt(delta) });
const change = (seq: number, levels: ReturnType<typeof level>[], cause = ChangeCause.ORDER_PLACED) =>
  ({ type: "change", change: { seq: BigInt(seq), cause, orderId: "o", skus: levels.map((l) => l.sku) }, levels }) as const;

describe("live inventory state", () => {
  it("starts from the snapshot and applies changes in order", () => {
    let s = reduce(initial, { type: "snapshot", seq: 10n, levels: [level("A", 5), level("B", 9)] });
    assert.equal(s.ready, true);
    assert.equal(s.levels.get("A")?.onHand, 5);
    s = reduce(s, change(11, [level("A", 3, -2)]));
    assert.equal(s.levels.get("A")?.onHand, 3);
    assert.equal(s.levels.get("A")?.delta, -2);
    assert.equal(s.levels.get("B")?.onHand, 9);
    assert.equal(s.seq, 11n);
    assert.deepEqual(s.lastChange?.skus, ["A"]);
  });

  it("drops an archived product and adds a created one", () => {
    let s = reduce(initial, { type: "snapshot", seq: 10n, levels: [level("A", 5), level("B", 0)] });
    s = reduce(s, change(11, [level("B", 0)], ChangeCause.PRODUCT_ARCHIVED));
    assert.deepEqual([...s.levels.keys()], ["A"]);
    s = reduce(s, change(12, [level("C", 4, 4)], ChangeCause.PRODUCT_CREATED));
    assert.deepEqual([...s.levels.keys()], ["A", "C"]);
  });

  it("ignores a change it already applied", () => {
    let s = reduce(initial, { type: "snapshot", seq: 10n, levels: [level("A", 5)] });
    s = reduce(s, change(11, [level("A", 3, -2)]));
    const again = reduce(s, change(11, [level("A", 3, -2)]));
    assert.equal(again, s);
  });

  it("replaces everything with a fresh snapshot", () => {
    let s = reduce(initial, { type: "snapshot", seq: 1n, levels: [level("A", 5), level("B", 1)] });
    s = reduce(s, { type: "snapshot", seq: 50n, levels: [level("A", 7)] });
    assert.equal(s.levels.size, 1);
    assert.equal(s.snapshots, 2);
    assert.equal(s.seq, 50n);
  });

  it("backs off from half a second to ten seconds", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map(backoffMs), [500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });
});
