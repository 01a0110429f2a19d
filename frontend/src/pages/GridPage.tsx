import { useSearchParams } from "react-router-dom";
import { useActiveAccounts } from "../api.ts";
import { useGrid } from "../api/grid.ts";
import { AccountSelect } from "../components/AccountSelect.tsx";
import { EmptyState, ErrorBox, PageHeader, Spinner } from "../components/ui.tsx";
import { ProfileGrid, StoriesStrip } from "./grid/ProfileGrid.tsx";

// The profile grid as followers will see it: scheduled posts ahead of the last published media.
export default function GridPage() {
  const { data: accounts, isLoading: loadingAccounts } = useActiveAccounts();
  const [params, setParams] = useSearchParams();
  const accountId = Number(params.get("account")) || accounts[0]?.id;
  const { data: view, error, isLoading } = useGrid(accountId);

  if (!loadingAccounts && !accounts.length) {
    return <div className="page"><PageHeader title="Grid" /><div className="card"><EmptyState title="No account connected">Connect an Instagram account to preview its grid.</EmptyState></div></div>;
  }
  return (
    <div className="page">
      <PageHeader
        title="Grid"
        subtitle="The profile grid as followers will see it: scheduled posts ahead of the last published ones. Drag a scheduled post onto another, or select it, to swap their times."
        actions={
          <AccountSelect accounts={accounts} value={accountId} onChange={(id) => id !== null && setParams({ account: String(id) })} />
        }
      />
      <ErrorBox error={error} />
      {isLoading && <Spinner label="Loading the grid" />}
      {view && (
        <div className="stack">
          <section className="stack" aria-labelledby="stories-title">
            <h2 id="stories-title">Scheduled stories</h2>
            <StoriesStrip stories={view.stories} />
          </section>
          <section className="stack" aria-labelledby="grid-title">
            <h2 id="grid-title">Grid</h2>
            <p className="muted">
              Tiles are cut to {view.tile_aspect}, as Instagram's profile grid shows posts; the last {view.published_shown} published
              posts come from Instagram.
            </p>
            <ProfileGrid view={view} />
          </section>
        </div>
      )}
    </div>
  );
}
