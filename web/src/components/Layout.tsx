// The frame of every page after login: navigation, who is logged in, the
// live-stream indicator.
import { NavLink, Outlet } from "react-router";
import { roleName } from "../api/session";
import { useAuth } from "../auth/AuthContext";
import { LiveBadge } from "./LiveBadge";
import { StreamBanner } from "./StreamBanner";

const links = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/inventory", label: "Inventory" },
  { to: "/orders", label: "Orders" },
  { to: "/forecast", label: "Forecast" },
];

export function Layout() {
  const { session, logout } = useAuth();
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">Inventory Command Center</div>
        <nav className="nav" aria-label="Main">
          {links.map((l) => (
            <NavLink key={l.to} to={l.to} end={l.end}>
              {l.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <LiveBadge />
          <span data-testid="current-user">
            {session?.username} <span className="role">{session ? roleName(session.role) : ""}</span>
          </span>
          <button type="button" className="secondary" onClick={logout}>
            Log out
          </button>
        </div>
      </header>
      <StreamBanner />
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
