// Browser tests of the web UI against the real mesh (see support/mesh.ts):
// Debian's chromium, driven by playwright-core, through the gateway that
// serves both the UI and the API. Screenshots go to web/test-results/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Locator, Page } from "playwright-core";
import { CatalogService } from "../../src/gen/icc/v1/catalog_pb";
import { ForecastModel } from "../../src/gen/icc/v1/forecast_pb";
import { OrdersService, PlaceOrderRequestSchema } from "../../src/gen/icc/v1/orders_pb";
import { create, toBinary } from "@bufbuild/protobuf";
import { client, grpc, grpcWeb, grpcWebStatus, login } from "./support/api";
import { logIn, NARROW, openBrowser, requireChromium, screenshot, type Browser } from "./support/browser";
import { RESULTS, startMesh, type Mesh } from "./support/mesh";
import { seed } from "./support/seed";

/** Waits until the locator's text satisfies `ok`; returns the text. */
async function textUntil(locator: Locator, ok: (text: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let text = "";
  while (Date.now() < end) {
    text = ((await locator.textContent({ timeout: ms }).catch(() => "")) ?? "").trim();
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting; last text: ${JSON.stringify(text)}`);
}

/** A link of the main navigation. */
const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });

const num = (s: string) => Number(s.replace(/[^\d-]/g, ""));

async function stockOf(page: Page, sku: string): Promise<number> {
  return num(await textUntil(page.getByTestId(`stock-${sku}`), (t) => t.length > 0));
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width + 1, `the page scrolls sideways at ${width}px (content is ${scroll}px wide)`);
}

describe("web UI", { timeout: 300_000 }, () => {
  let mesh: Mesh;
  let staff: Browser;

  before(async () => {
    requireChromium();
    mkdirSync(RESULTS, { recursive: true });
    mesh = await startMesh();
    const admin = await login(mesh.url, mesh.users.admin.username, mesh.users.admin.password);
    await seed(mesh.url, admin);
    staff = await openBrowser();
  });

  after(async () => {
    await staff?.close();
    await mesh?.stop();
  });

  it("refuses a wrong password in plain words, says how long to wait after too many, then logs in to the dashboard", async () => {
    const { page } = staff;
    await page.goto(`${mesh.url}/`);
    await page.getByLabel("Username").fill(mesh.users.staff.username);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await textUntil(page.getByRole("alert"), (t) => t.includes("Wrong username or password"));

    // After five failures for one username, the gateway holds it for a while
    // and the page says how long.
    for (let i = 0; i < 5; i++) {
      await assert.rejects(login(mesh.url, "intruder", "not-the-password"), (e) => ConnectError.from(e).code === Code.Unauthenticated);
    }
    await page.getByLabel("Username").fill("intruder");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await textUntil(page.getByRole("alert"), (t) => /Too many failed sign-ins\. Please wait \d+ seconds/.test(t));

    await logIn(page, mesh.url, mesh.users.staff.username, mesh.users.staff.password);
    await textUntil(page.getByTestId("stat-skus"), (t) => t.includes("3"));
    await textUntil(page.getByTestId("stat-low"), (t) => /Low on stock\s*1/.test(t));
    await textUntil(page.getByTestId("stat-at-risk"), (t) => /\d+ of \d+/.test(t), 60_000);
    await textUntil(page.getByTestId("live-status"), (t) => t.includes("Live"));
    await screenshot(page, "dashboard-laptop");
  });

  it("shows a stock level change live when another client places an order", async () => {
    const { page } = staff;
    await nav(page, "Inventory").click();
    const before = await stockOf(page, "E2E-TEA");
    // Marks this page load: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));

    const token = await login(mesh.url, mesh.users.staff.username, mesh.users.staff.password);
    const orders = client(OrdersService, grpcWeb(mesh.url, token));
    await orders.placeOrder({ idempotencyKey: "e2e-other-client-1", lines: [{ sku: "E2E-TEA", quantity: 7n }] });

    await textUntil(page.getByTestId("stock-E2E-TEA"), (t) => num(t) === before - 7);
    assert.equal(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload), true, "the page was reloaded");
    await screenshot(page, "inventory-live-laptop");
  });

  it("counts today's orders and revenue on the dashboard as they happen", async () => {
    const { page } = staff;
    await nav(page, "Dashboard").click();
    const orders = page.getByTestId("stat-orders-today");
    const revenue = page.getByTestId("stat-revenue-today");
    const before = num(await textUntil(orders, (t) => /\d/.test(t)));
    const revenueBefore = num(await textUntil(revenue, (t) => /\d/.test(t)));
    const token = await login(mesh.url, mesh.users.staff.username, mesh.users.staff.password);
    await client(OrdersService, grpcWeb(mesh.url, token)).placeOrder({ idempotencyKey: "e2e-dashboard-1", lines: [{ sku: "E2E-TEA", quantity: 2n }] });
    await textUntil(orders, (t) => num(t) === before + 1);
    // 2 x 6.50, in cents.
    await textUntil(revenue, (t) => num(t) === revenueBefore + 1300);
    await textUntil(page.getByTestId("recent-changes"), (t) => t.includes("Order placed: E2E-TEA"));
  });

  it("places a multi-line order in the UI, explains a shortage, and the stock falls", async () => {
    const { page } = staff;
    await nav(page, "Inventory").click();
    const jamBefore = await stockOf(page, "E2E-JAM");
    const teaBefore = await stockOf(page, "E2E-TEA");
    await nav(page, "Orders").click();

    // Not enough stock: the API's answer, in plain words, with the count.
    const line0 = page.getByTestId("order-line-0");
    await line0.getByLabel("Product").selectOption("E2E-JAM");
    await line0.getByLabel("Quantity").fill("100000");
    await page.getByTestId("place-order").click();
    const shortage = await textUntil(page.getByTestId("new-order").getByRole("alert"), (t) => t.includes("Not enough stock"));
    assert.match(shortage, new RegExp(`Not enough stock for E2E-JAM: you asked for 100000, only ${jamBefore} available`));

    // A two-line order that fits.
    await line0.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: "Add line" }).click();
    const line1 = page.getByTestId("order-line-1");
    await line1.getByLabel("Product").selectOption("E2E-TEA");
    await line1.getByLabel("Quantity").fill("2");
    await page.getByTestId("place-order").click();
    await textUntil(page.getByTestId("new-order").getByRole("status"), (t) => /Order \S+ placed: 2 line/.test(t));
    await textUntil(page.getByTestId("order-list"), (t) => t.includes("Apricot Jam 340 g") && t.includes("Sencha 100 g"));
    await screenshot(page, "orders-laptop");

    await nav(page, "Inventory").click();
    await textUntil(page.getByTestId("stock-E2E-JAM"), (t) => num(t) === jamBefore - 3);
    await textUntil(page.getByTestId("stock-E2E-TEA"), (t) => num(t) === teaBefore - 2);
    // The store agrees.
    const token = await login(mesh.url, mesh.users.staff.username, mesh.users.staff.password);
    const got = await client(CatalogService, grpcWeb(mesh.url, token)).getProduct({ sku: "E2E-JAM" });
    assert.equal(Number(got.product?.onHand), jamBefore - 3);
  });

  it("cancels an order and records a restock, the stock following each live", async () => {
    const { page } = staff;
    await nav(page, "Inventory").click();
    const before = await stockOf(page, "E2E-JAM");
    const token = await login(mesh.url, mesh.users.staff.username, mesh.users.staff.password);
    const placed = await client(OrdersService, grpcWeb(mesh.url, token)).placeOrder({ idempotencyKey: "e2e-to-cancel-1", lines: [{ sku: "E2E-JAM", quantity: 5n }] });
    await textUntil(page.getByTestId("stock-E2E-JAM"), (t) => num(t) === before - 5);

    await nav(page, "Orders").click();
    const row = page.getByTestId(`order-${placed.order?.id}`);
    await row.getByRole("button", { name: "Cancel" }).click();
    await row.getByRole("button", { name: "Yes, cancel order" }).click();
    await textUntil(row, (t) => t.includes("Cancelled"));

    await nav(page, "Inventory").click();
    await textUntil(page.getByTestId("stock-E2E-JAM"), (t) => num(t) === before);
    await page.getByRole("link", { name: "E2E-JAM" }).click();
    const form = page.getByTestId("adjust-stock");
    await form.getByLabel("Kind").selectOption({ label: "Restock" });
    await form.getByLabel("Units").fill("10");
    await form.getByLabel("Note").fill("e2e delivery");
    await form.getByRole("button", { name: "Record adjustment" }).click();
    await textUntil(form.getByRole("status"), (t) => t.includes(`Stock is now ${before + 10}`));
    await textUntil(page.getByTestId("stock-E2E-JAM"), (t) => num(t) === before + 10);
    const latest = page.getByTestId("movements").locator("tbody tr").first();
    await textUntil(latest, (t) => t.includes("Restock") && t.includes("+10") && t.includes("e2e delivery"));
    await screenshot(page, "product-laptop");
  });

  it("catches up on changes made while the gateway was down, without a reload", async () => {
    const { page } = staff;
    await nav(page, "Inventory").click();
    const before = await stockOf(page, "E2E-TEA");
    await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
    await mesh.restartGateway(async () => {
      await textUntil(page.getByTestId("live-status"), (t) => t.includes("Reconnecting"));
      await textUntil(page.getByTestId("stream-banner"), (t) => t.includes("Live updates are paused"));
      await screenshot(page, "inventory-reconnecting-laptop");
      // Straight to orders-svc: the gateway is not there to pass it on.
      const direct = client(OrdersService, grpc(`http://${mesh.services["orders-svc"]}`));
      await direct.placeOrder({ idempotencyKey: "e2e-while-down-1", lines: [{ sku: "E2E-TEA", quantity: 4n }] });
    });
    await textUntil(page.getByTestId("stock-E2E-TEA"), (t) => num(t) === before - 4, 30_000);
    await textUntil(page.getByTestId("live-status"), (t) => t.includes("Live"));
    await page.getByTestId("stream-banner").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload), true, "the page was reloaded");
  });

  it("gives a viewer no write actions, and the API refuses the viewer's order", async () => {
    const viewer = await openBrowser();
    try {
      const { page } = viewer;
      await logIn(page, mesh.url, mesh.users.viewer.username, mesh.users.viewer.password);
      await nav(page, "Inventory").click();
      const teaBefore = await stockOf(page, "E2E-TEA");
      await nav(page, "Orders").click();
      await page.getByTestId("read-only-note").waitFor();
      await page.getByTestId("order-list").waitFor();
      assert.equal(await page.getByTestId("place-order").count(), 0, "a viewer sees a Place order button");
      assert.equal(await page.getByRole("button", { name: "Cancel" }).count(), 0, "a viewer sees a Cancel button");
      await page.goto(`${mesh.url}/inventory/E2E-TEA`);
      await page.getByTestId("movements").waitFor();
      assert.equal(await page.getByTestId("adjust-stock").count(), 0, "a viewer sees the stock adjustment form");
      await screenshot(page, "viewer-product-laptop");

      // The API refuses the viewer's order: from the browser, with the
      // viewer's own session token, as a raw grpc-web call...
      const request = create(PlaceOrderRequestSchema, { idempotencyKey: "e2e-viewer-1", lines: [{ sku: "E2E-TEA", quantity: 1n }] });
      const status = await page.evaluate(grpcWebStatus, { path: "/icc.v1.OrdersService/PlaceOrder", message: [...toBinary(PlaceOrderRequestSchema, request)] });
      assert.equal(status, String(Code.PermissionDenied), "the gateway let a viewer place an order");
      // ... and from another client over gRPC.
      const token = await login(mesh.url, mesh.users.viewer.username, mesh.users.viewer.password);
      await assert.rejects(client(OrdersService, grpc(mesh.url, token)).placeOrder(request), (e) => ConnectError.from(e).code === Code.PermissionDenied);
      assert.equal(Number((await client(CatalogService, grpc(mesh.url, token)).getProduct({ sku: "E2E-TEA" })).product?.onHand), teaBefore, "stock moved");

      // Logging out in one tab logs out every tab of the browser.
      const other = await viewer.context.newPage();
      await other.goto(`${mesh.url}/inventory`);
      await other.getByTestId("stock-E2E-TEA").waitFor();
      await page.getByRole("button", { name: "Log out" }).click();
      await other.getByRole("button", { name: "Log in" }).waitFor();
      await other.close();
      await logIn(page, mesh.url, mesh.users.viewer.username, mesh.users.viewer.password);

      // A token the gateway no longer accepts sends the viewer back to the
      // login page, saying why.
      await page.evaluate(() => {
        const s = JSON.parse(localStorage.getItem("icc.session") ?? "{}");
        localStorage.setItem("icc.session", JSON.stringify({ ...s, token: `${s.token}x` }));
      });
      await page.goto(`${mesh.url}/orders`);
      await textUntil(page.getByRole("status").filter({ hasText: "session" }), (t) => t.includes("Your session has ended"));
      await page.getByRole("button", { name: "Log in" }).waitFor();
    } finally {
      await viewer.close();
    }
  });

  it("renders the forecast with its 80% and 95% bands, the explanation, the backtest and the burn-down", async () => {
    const { page } = staff;
    await page.goto(`${mesh.url}/forecast/E2E-TEA`);
    const chart = page.getByTestId("forecast-chart");
    await chart.locator("svg").first().waitFor({ timeout: 60_000 });
    assert.ok((await chart.locator(".band-95 path").count()) > 0, "no 95% band drawn");
    assert.ok((await chart.locator(".band-80 path").count()) > 0, "no 80% band drawn");
    assert.ok((await chart.locator(".recharts-line path").count()) >= 2, "history and forecast lines missing");
    await textUntil(chart, (t) => t.includes("80% interval") && t.includes("95% interval"));

    const explanation = page.getByTestId("explanation");
    await explanation.getByTestId("coefficients").waitFor();
    assert.ok((await explanation.getByTestId("coefficients").locator("tbody tr").count()) >= 2, "no coefficients");
    assert.equal(await explanation.getByTestId("contributions").locator("tbody tr").count(), 28, "one contribution row per forecast day");

    await textUntil(page.getByTestId("backtest"), (t) => t.includes("baseline") && t.includes("MAE"), 60_000);
    await page.getByTestId("burn-down-chart").locator("svg").first().waitFor({ timeout: 60_000 });
    await textUntil(page.getByTestId("burn-down"), (t) => t.includes("Reorder point"));
    await textUntil(page.getByTestId("reorder-advice"), (t) => t.includes("E2E-COF"), 60_000);
    await screenshot(page, "forecast-laptop");

    // Another model: its forecast, its explanation and its backtest.
    await page.getByTestId("forecast-model-choice").selectOption({ label: "Seed regression" });
    await textUntil(page.getByTestId("forecast-model"), (t) => t === "Seed regression", 60_000);
    await textUntil(page.getByTestId("backtest"), (t) => t.includes("Seed regression") && t.includes("baseline"), 60_000);
    await textUntil(page.getByTestId("coefficients"), (t) => t.includes("lag_7"));
    // The choice is in the address, so a reload keeps it.
    assert.match(page.url(), /[?&]model=seed\b/);
    await page.reload();
    await textUntil(page.getByTestId("forecast-model"), (t) => t === "Seed regression", 60_000);
    assert.equal(await page.getByTestId("forecast-model-choice").inputValue(), String(ForecastModel.SEED));
    // Another SKU from the advice list keeps it too.
    await page.getByTestId("reorder-advice").getByRole("link", { name: "E2E-COF" }).click();
    await textUntil(page.getByTestId("forecast-card"), (t) => t.includes("Demand: E2E-COF"), 60_000);
    assert.match(page.url(), /\/forecast\/E2E-COF\?model=seed\b/);
    await textUntil(page.getByTestId("forecast-model"), (t) => t === "Seed regression", 60_000);
  });

  it("fits a narrow screen", async () => {
    const { page } = staff;
    await page.setViewportSize(NARROW);
    for (const [path, name, ready] of [
      ["/", "dashboard", "stat-skus"],
      ["/inventory", "inventory", "inventory-table"],
      ["/orders", "orders", "order-list"],
      ["/forecast/E2E-TEA", "forecast", "forecast-chart"],
    ] as const) {
      await page.goto(`${mesh.url}${path}`);
      await page.getByTestId(ready).waitFor({ timeout: 60_000 });
      await noHorizontalScroll(page);
      await screenshot(page, `${name}-narrow`);
    }
  });
});
