import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router";
import { describeLoginError } from "../api/errors";
import { useAuth } from "../auth/AuthContext";
import { takeSessionEnded } from "../api/session";
import { ErrorBox, Notice } from "../components/Status";

export function LoginPage() {
  const { session, login } = useAuth();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [ended] = useState(takeSessionEnded);

  if (session) {
    const from = (location.state as { from?: string } | null)?.from ?? "/";
    return <Navigate to={from} replace />;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(describeLoginError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-wrap">
      <form className="card login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Inventory Command Center</h1>
        <p className="muted">Log in to see stock, orders and forecasts.</p>
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {!error && <Notice message={ended} />}
        <ErrorBox message={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </div>
  );
}
