import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { draftLines, draftProblem, draftSignature } from "../../src/pages/orders/orderDraft";

const line = (sku: string, quantity: string, id = Math.random()) => ({ id, sku, quantity });

describe("order draft checks", () => {
  it("accepts a good multi-line draft", () => {
    assert.equal(draftProblem([line("A", "2"), line("B", "1")]), undefined);
  });

  it("names the problem line", () => {
    assert.equal(draftProblem([line("", "1")]), "Choose at least one product.");
    assert.match(draftProblem([line("A", "1"), line("", "1")]) ?? "", /Line 2: choose a product/);
    assert.match(draftProblem([line("A", "0")]) ?? "", /Line 1 \(A\): the quantity must be a whole number/);
    assert.match(draftProblem([line("A", "1.5")]) ?? "", /whole number/);
    assert.match(draftProblem([line("A", "1"), line("A", "2")]) ?? "", /A is on more than one line/);
  });

  it("sends whole numbers however they were typed", () => {
    const lines = [line("A", "1.0"), line("B", "1e1"), line("C", " 3 ")];
    assert.equal(draftProblem(lines), undefined);
    assert.deepEqual(draftLines(lines), [
      { sku: "A", quantity: 1n },
      { sku: "B", quantity: 10n },
      { sku: "C", quantity: 3n },
    ]);
  });

  it("signs the content, not the line ids", () => {
    assert.equal(draftSignature([line("A", "1", 1)], "n"), draftSignature([line("A", "1", 2)], "n"));
    assert.notEqual(draftSignature([line("A", "1")], "n"), draftSignature([line("A", "2")], "n"));
  });
});
