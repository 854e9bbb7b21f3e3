// Starts the real mesh for the browser tests: orders-svc, ingest-svc,
// forecast-svc and the gateway (serving web/dist), from target/debug, on
// ports the OS picks, over a fresh SQLite store in a temp directory.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const WEB_DIR = resolve(import.meta.dirname, "../../..");
export const REPO = resolve(WEB_DIR, "..");
export const RESULTS = join(WEB_DIR, "test-results");
const BIN =
  process.env.ICC_BIN_DIR ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug");
const START_TIMEOUT_MS = 60_000;

export interface Users {
  admin: { username: string; password: string };
  staff: { username: string; password: string };
  viewer: { username: string; password: string };
}

export interface Mesh {
  /** The gateway, e.g. http://127.0.0.1:41234: the UI and the API. */
  url: string;
  users: Users;
  /** Each service's own address (host:port), by binary name. */
  services: Record<string, string>;
  /** Stops the gateway, runs `meanwhile`, starts it again on the same
   * address with the same settings (so tokens stay valid). */
  restartGateway: (meanwhile: () => Promise<void>) => Promise<void>;
  stop: () => Promise<void>;
}

function need(path: string, hint: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}

interface Proc {
  name: string;
  child: ChildProcess;
  addr: string;
}

/** Starts `name` with `args`; resolves with the address it announces. */
function start(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Promise<Proc> {
  const child = spawn(join(BIN, name), args, { env: { ...process.env, RUST_LOG: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  child.stderr!.pipe(log);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not announce its address within ${START_TIMEOUT_MS / 1000} s (log: ${logDir}/${name}.log)`)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    const pattern = new RegExp(`^${name} listening on (\\S+)`);
    lines.on("line", (line) => {
      log.write(`[stdout] ${line}\n`);
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        ok({ name, child, addr: m[1] });
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code ?? signal}) before listening; see ${logDir}/${name}.log`));
    });
  });
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once("exit", r));
  p.child.kill("SIGTERM");
  const timeout = new Promise((r) => setTimeout(r, 5000, "timeout"));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    p.child.kill("SIGKILL");
    await exited;
  }
}

export async function startMesh(): Promise<Mesh> {
  for (const b of ["orders-svc", "ingest-svc", "forecast-svc", "gateway"]) need(join(BIN, b), "build the services first (cargo build --workspace --bins)");
  need(join(WEB_DIR, "dist", "index.html"), "build the UI first (npm run build in web/)");
  const dir = await mkdtemp(join(tmpdir(), "icc-web-e2e-"));
  const logDir = join(RESULTS, "logs");
  mkdirSync(logDir, { recursive: true });
  const store = { ICC_STORE_URL: `sqlite://${join(dir, "icc.db")}` };
  const secret = () => randomBytes(18).toString("base64url");
  const users: Users = {
    admin: { username: "admin", password: `adm-${secret()}` },
    staff: { username: "staff", password: `stf-${secret()}` },
    viewer: { username: "viewer", password: `vwr-${secret()}` },
  };
  const procs: Proc[] = [];
  const stop = async () => {
    await Promise.all(procs.reverse().map(stopProc));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const any = "127.0.0.1:0";
    // orders-svc creates the store; the others open it once it exists.
    procs.push(await start("orders-svc", ["--listen", any], store, logDir));
    const [ingest, forecast] = await Promise.all([
      start("ingest-svc", ["--listen", any], store, logDir),
      start("forecast-svc", ["--listen", any], store, logDir),
    ]);
    procs.push(ingest, forecast);
    const gatewayArgs = (listen: string) => [
      "--listen", listen,
      "--metrics-listen", any,
      "--orders-upstream", `http://${procs[0].addr}`,
      "--ingest-upstream", `http://${ingest.addr}`,
      "--forecast-upstream", `http://${forecast.addr}`,
      "--web-dir", join(WEB_DIR, "dist"),
    ];
    const gatewayEnv = {
      ...store,
      ICC_JWT_SECRET: randomBytes(32).toString("base64"),
      ICC_ADMIN_USERNAME: users.admin.username,
      ICC_ADMIN_PASSWORD: users.admin.password,
      ICC_SEED_USERS: `${users.staff.username}:STAFF:${users.staff.password},${users.viewer.username}:VIEWER:${users.viewer.password}`,
    };
    const gateway = await start("gateway", gatewayArgs(any), gatewayEnv, logDir);
    procs.push(gateway);
    const services = Object.fromEntries(procs.map((p) => [p.name, p.addr]));
    const restartGateway = async (meanwhile: () => Promise<void>) => {
      const i = procs.findIndex((p) => p.name === "gateway");
      await stopProc(procs[i]);
      await meanwhile();
      procs[i] = await start("gateway", gatewayArgs(gateway.addr), gatewayEnv, logDir);
    };
    return { url: `http://${gateway.addr}`, users, services, restartGateway, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
