// One grpc-web transport to the gateway that served this page (same origin),
// with the session's bearer token on every call.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { EXPIRED, getSession, setSession } from "./session";

/** Adds `authorization: Bearer <token>`; ends the session when the gateway
 * says the token is no longer good (expired, user disabled). */
export const bearerToken: Interceptor = (next) => async (req) => {
  const session = getSession();
  if (session) req.header.set("authorization", `Bearer ${session.token}`);
  try {
    return await next(req);
  } catch (e) {
    if (session && ConnectError.from(e).code === Code.Unauthenticated) setSession(null, EXPIRED);
    throw e;
  }
};

export const transport = createGrpcWebTransport({
  baseUrl: window.location.origin,
  interceptors: [bearerToken],
});
