// The logged-in session: token, expiry and user, kept in localStorage so a
// reload keeps the user logged in until the token expires.
import { Role } from "../gen/icc/v1/auth_pb";

export interface Session {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  username: string;
  role: Role;
}

const KEY = "icc.session";
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let current: Session | null = load();

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) setSession(null, EXPIRED);
  return current;
}

const ENDED = "icc.session-ended";

/** Sets or clears the session; `ended` says why it was cleared (shown on
 * the login page), e.g. an expired token. */
export function setSession(session: Session | null, ended?: string): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  if (ended) sessionStorage.setItem(ENDED, ended);
  listeners.forEach((l) => l(session));
}

/** Why the last session ended, once. */
export function takeSessionEnded(): string | undefined {
  const why = sessionStorage.getItem(ENDED) ?? undefined;
  sessionStorage.removeItem(ENDED);
  return why;
}

export const EXPIRED = "Your session has ended. Please log in again.";

// Another tab logged out or in: follow it, so no tab acts as a user who
// has left (the storage event fires in every tab but the one that wrote).
if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key !== KEY && e.key !== null) return;
    current = load();
    listeners.forEach((l) => l(current));
  });
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** STAFF and ADMIN place orders and adjust stock; VIEWER only reads. */
export function canWrite(session: Session | null): boolean {
  return session?.role === Role.ADMIN || session?.role === Role.STAFF;
}

export function roleName(role: Role): string {
  switch (role) {
    case Role.ADMIN:
      return "Admin";
    case Role.STAFF:
      return "Staff";
    case Role.VIEWER:
      return "Viewer";
    default:
      return "No role";
  }
}
