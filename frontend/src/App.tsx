import { type ReactNode, Suspense, lazy } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { useAuthMutations, useMe } from "./api.ts";
import { useLiveEvents } from "./live/events.ts";
import { Icon, type IconName } from "./components/icons.tsx";
import { Spinner } from "./components/ui.tsx";
import AuthPage from "./pages/AuthPage.tsx";
import AccountsPage from "./pages/AccountsPage.tsx";
import ClipsPage from "./pages/ClipsPage.tsx";
import ComposerPage from "./pages/ComposerPage.tsx";
import CalendarPage from "./pages/CalendarPage.tsx";
import PostDetailPage from "./pages/PostDetailPage.tsx";
import QueuePage from "./pages/QueuePage.tsx";
import GridPage from "./pages/GridPage.tsx";
import InboxPage from "./pages/InboxPage.tsx";
import HashtagsPage from "./pages/HashtagsPage.tsx";
import SecurityPage from "./pages/SecurityPage.tsx";
import WebhooksPage from "./pages/WebhooksPage.tsx";
import TeamPage from "./pages/TeamPage.tsx";
import InvitePage from "./pages/InvitePage.tsx";
// The charts library is the biggest dependency: load it with the page that uses it.
const AnalyticsPage = lazy(() => import("./pages/AnalyticsPage.tsx"));
const CompetitorsPage = lazy(() => import("./pages/CompetitorsPage.tsx"));

const NAV: { to: string; label: string; icon: IconName }[] = [
  { to: "/accounts", label: "Accounts", icon: "users" },
  { to: "/clips", label: "Clips", icon: "film" },
  { to: "/compose", label: "Compose", icon: "edit" },
  { to: "/calendar", label: "Calendar", icon: "calendar" },
  { to: "/queue", label: "Queue", icon: "list" },
  { to: "/grid", label: "Grid", icon: "grid" },
  { to: "/inbox", label: "Inbox", icon: "inbox" },
  { to: "/hashtags", label: "Hashtags", icon: "hash" },
  { to: "/analytics", label: "Analytics", icon: "chart" },
  { to: "/competitors", label: "Competitors", icon: "users" },
  { to: "/webhooks", label: "Webhooks", icon: "link" },
  { to: "/team", label: "Team", icon: "users" },
  { to: "/security", label: "Security", icon: "eye" },
];

function Layout() {
  const { data: me } = useMe();
  const { logout } = useAuthMutations();
  const navigate = useNavigate();
  const live = useLiveEvents(!!me);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="scissors" />
          </span>
          <span>Content Clipper</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
                  <Icon name={item.icon} />
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <div className="live-indicator" role="status" aria-label={live ? "Live updates connected" : "Live updates reconnecting"}
            title={live ? "Live updates connected" : "Live updates reconnecting"}>
            <span className={live ? "dot dot-ok" : "dot dot-off"} aria-hidden="true" />
            {live ? "Live" : "Offline"}
          </div>
          <div className="me" title={me?.email}>{me?.email}</div>
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/login") })}
          >
            Log out
          </button>
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { data: me, isLoading } = useMe();
  const location = useLocation();
  if (isLoading) return <div className="center-page"><Spinner label="Loading" /></div>;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

export default function App() {
  return (
    <Routes>
      <Route path="/login" element={<AuthPage mode="login" />} />
      <Route path="/signup" element={<AuthPage mode="signup" />} />
      <Route element={<RequireAuth><Layout /></RequireAuth>}>
        <Route index element={<Navigate to="/accounts" replace />} />
        <Route path="/accounts" element={<AccountsPage />} />
        <Route path="/clips" element={<ClipsPage />} />
        <Route path="/compose" element={<ComposerPage />} />
        <Route path="/calendar" element={<CalendarPage />} />
        <Route path="/queue" element={<QueuePage />} />
        <Route path="/grid" element={<GridPage />} />
        <Route path="/posts/:postId" element={<PostDetailPage />} />
        <Route path="/inbox" element={<InboxPage />} />
        <Route path="/hashtags" element={<HashtagsPage />} />
        <Route path="/analytics" element={<Suspense fallback={<Spinner label="Loading analytics" />}><AnalyticsPage /></Suspense>} />
        <Route path="/competitors" element={<Suspense fallback={<Spinner label="Loading competitors" />}><CompetitorsPage /></Suspense>} />
        <Route path="/webhooks" element={<WebhooksPage />} />
        <Route path="/security" element={<SecurityPage />} />
        <Route path="/team" element={<TeamPage />} />
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route path="*" element={<div className="page"><h1>Page not found</h1></div>} />
      </Route>
    </Routes>
  );
}
