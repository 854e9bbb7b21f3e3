import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { describeError, describeLoginError, isCancel } from "../../src/api/errors";

const err = (code: Code, msg = "") => new ConnectError(msg, code);

describe("API errors in plain words", () => {
  it("turns a shortage into a sentence with the available count", () => {
    const e = err(Code.FailedPrecondition, "not enough stock for TEA-001: requested 500, available 49");
    assert.equal(describeError(e), "Not enough stock for TEA-001: you asked for 500, only 49 available.");
  });

  it("keeps the server's detail for other user mistakes", () => {
    assert.equal(describeError(err(Code.InvalidArgument, "lines[0].quantity: must be at least 1")), "Please check the input: lines[0].quantity: must be at least 1.");
    assert.equal(describeError(err(Code.NotFound, "no product with SKU X")), "Not found: no product with SKU X.");
  });

  it("explains access and availability problems without internals", () => {
    assert.match(describeError(err(Code.PermissionDenied, "role VIEWER may not call PlaceOrder")), /role does not allow/);
    assert.match(describeError(err(Code.Unauthenticated)), /log in again/);
    assert.match(describeError(err(Code.Unavailable, "tcp connect error: 127.0.0.1:50051")), /not reachable/);
    assert.doesNotMatch(describeError(err(Code.Internal, "sqlite: disk I/O error")), /sqlite/);
    assert.match(describeError(new TypeError("Failed to fetch")), /cannot be reached from this browser/);
    assert.match(describeError(err(Code.Unknown, "a panic in a handler")), /went wrong/);
  });

  it("says a failed login is a wrong username or password", () => {
    assert.match(describeLoginError(err(Code.Unauthenticated, "invalid credentials")), /Wrong username or password/);
    assert.match(describeLoginError(err(Code.Unavailable)), /not reachable/);
  });

  it("says how long to wait after too many failed sign-ins", () => {
    const held = err(Code.ResourceExhausted, "too many failed sign-ins; try again in 12 s");
    assert.equal(describeLoginError(held), "Too many failed sign-ins. Please wait 12 seconds and try again.");
    assert.match(describeLoginError(err(Code.ResourceExhausted, "too busy")), /busy/);
  });

  it("recognises cancellations", () => {
    assert.ok(isCancel(err(Code.Canceled)));
    assert.ok(isCancel(new DOMException("aborted", "AbortError")));
    assert.ok(!isCancel(err(Code.Unknown)));
  });
});
