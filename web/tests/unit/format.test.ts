import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apart } from "../../src/lib/format";

describe("number formatting", () => {
  it("shows two scores with the fewest decimals that tell them apart", () => {
    assert.deepEqual(apart(0.5912, 0.6034), ["0.59", "0.60"]);
    assert.deepEqual(apart(0.5912, 0.5934), ["0.591", "0.593"]);
    assert.deepEqual(apart(0.59121, 0.59129), ["0.5912", "0.5913"]);
    assert.deepEqual(apart(0.5, 0.5), ["0.5000", "0.5000"]);
    assert.deepEqual(apart(1.23456, 1.23454, 1, 3), ["1.235", "1.235"]);
  });
});
