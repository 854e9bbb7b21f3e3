// API errors in plain words: each gRPC code becomes a sentence a person can
// act on; the server's message (which names the field or SKU) is kept where
// it helps.
import { Code, ConnectError } from "@connectrpc/connect";

const NOT_ENOUGH = /not enough stock for (\S+): requested (\d+), available (\d+)/i;

export function isCancel(e: unknown): boolean {
  return (
    (e instanceof DOMException && e.name === "AbortError") ||
    (e instanceof ConnectError && e.code === Code.Canceled)
  );
}

export function describeError(e: unknown): string {
  const err = ConnectError.from(e);
  const detail = err.rawMessage.trim();
  const withDetail = (sentence: string) => (detail ? `${sentence}: ${detail}.` : `${sentence}.`);
  // The browser's own fetch failed: nothing reached the server.
  if (err.code === Code.Unknown && /failed to fetch|network ?error|load failed/i.test(detail)) {
    return "The server cannot be reached from this browser. Check the network connection and try again.";
  }
  switch (err.code) {
    case Code.Unauthenticated:
      return "Your session has ended or the login was not accepted. Please log in again.";
    case Code.PermissionDenied:
      return "Your role does not allow this. Ask an administrator if you need it.";
    case Code.InvalidArgument:
      return withDetail("Please check the input");
    case Code.NotFound:
      return withDetail("Not found");
    case Code.AlreadyExists:
      return withDetail("This already exists");
    case Code.FailedPrecondition: {
      const m = NOT_ENOUGH.exec(detail);
      if (m) return `Not enough stock for ${m[1]}: you asked for ${m[2]}, only ${m[3]} available.`;
      return withDetail("This cannot be done right now");
    }
    case Code.OutOfRange:
      return withDetail("A value is out of range");
    case Code.ResourceExhausted:
      return "The system is busy or the request is too large. Please try again in a moment.";
    case Code.Unavailable:
      return "The service is not reachable right now (it may be restarting). Please try again shortly.";
    case Code.DeadlineExceeded:
      return "The server took too long to answer. Please try again.";
    case Code.Canceled:
      return "The request was cancelled.";
    case Code.Unimplemented:
      return "This server does not offer that function yet.";
    default:
      return "Something went wrong on the server. Please try again; if it keeps happening, tell an administrator.";
  }
}

/** The message of a login failure. */
export function describeLoginError(e: unknown): string {
  const err = ConnectError.from(e);
  if (err.code === Code.Unauthenticated) return "Wrong username or password, or the account is disabled.";
  const wait = /try again in (\d+) s/.exec(err.rawMessage);
  if (err.code === Code.ResourceExhausted && wait) {
    return `Too many failed sign-ins. Please wait ${wait[1]} seconds and try again.`;
  }
  return describeError(e);
}

/** Why a live stream broke, as a short clause ("Live updates are paused: ..."). */
export function describeStreamProblem(e: unknown): string {
  switch (ConnectError.from(e).code) {
    case Code.Unavailable:
    case Code.Unknown:
      return "the server is not reachable right now";
    case Code.DeadlineExceeded:
      return "the server stopped answering";
    case Code.ResourceExhausted:
      return "the server is busy";
    default:
      return describeError(e);
  }
}
