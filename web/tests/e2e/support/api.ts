// Clients of the gateway for the tests, outside the browser: gRPC over
// HTTP/2 (client streaming imports) and grpc-web over HTTP/1.1 (the
// browser's protocol, as "another client").
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import type { DescService } from "@bufbuild/protobuf";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { AuthService } from "../../../src/gen/icc/v1/auth_pb";

export function bearer(token: string): Interceptor {
  return (next) => async (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

export function grpc(url: string, token?: string): Transport {
  return createGrpcTransport({ baseUrl: url, interceptors: token ? [bearer(token)] : [] });
}

export function grpcWeb(url: string, token?: string): Transport {
  return createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1", interceptors: token ? [bearer(token)] : [] });
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const r = await createClient(AuthService, grpcWeb(url)).login({ username, password });
  return r.accessToken;
}

export function client<S extends DescService>(service: S, transport: Transport): Client<S> {
  return createClient(service, transport);
}

/** Retries `fn` until it succeeds or `ms` pass; rethrows the last error. */
export async function eventually<T>(fn: () => Promise<T>, ms = 30_000, every = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, every));
    }
  }
}

/** Runs in the page: a unary grpc-web call with the page's session token
 * (as the UI stores it); returns the grpc-status (headers or trailers). */
export async function grpcWebStatus({ path, message }: { path: string; message: number[] }): Promise<string> {
  const token = (JSON.parse(localStorage.getItem("icc.session") ?? "{}") as { token?: string }).token ?? "";
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", authorization: `Bearer ${token}` },
    body: frame,
  });
  const inHeaders = res.headers.get("grpc-status");
  if (inHeaders) return inHeaders;
  const body = new TextDecoder().decode(await res.arrayBuffer());
  return /grpc-status:\s*(\d+)/.exec(body)?.[1] ?? `none (HTTP ${res.status})`;
}
