// Who is logged in, for the whole app: login, logout, and the session
// following token expiry or rejection anywhere (see api/transport).
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { authClient } from "../api/clients";
import { EXPIRED, getSession, onSessionChange, setSession, type Session } from "../api/session";
import { Role } from "../gen/icc/v1/auth_pb";

interface AuthValue {
  session: Session | null;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
}

const Ctx = createContext<AuthValue | null>(null);

async function login(username: string, password: string): Promise<void> {
  const res = await authClient.login({ username, password });
  const expire = res.expireTime ? timestampDate(res.expireTime).getTime() : Date.now() + 3_600_000;
  setSession({
    token: res.accessToken,
    expiresAt: expire,
    username: res.user?.username ?? username,
    role: res.user?.role ?? Role.UNSPECIFIED,
  });
}

function logout() {
  setSession(null);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, set] = useState<Session | null>(getSession);
  useEffect(() => onSessionChange(set), []);
  // Log out when the token expires, even if the page sits idle.
  useEffect(() => {
    if (!session) return;
    const t = setTimeout(() => setSession(null, EXPIRED), Math.max(0, session.expiresAt - Date.now()));
    return () => clearTimeout(t);
  }, [session]);
  return <Ctx.Provider value={{ session, login, logout }}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(Ctx);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
