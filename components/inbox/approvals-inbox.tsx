"use client";

import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { useApprovalRequests, type ApprovalListStatus } from "@/lib/client/approvals";
import { ApprovalRequestCard } from "./approval-request-card";
import { ApprovalsHistoryTable } from "./approvals-history-table";
import type { Reviewer } from "./decision-form";
import { LiveIndicator } from "./live-indicator";

const TABS: TabItem<ApprovalListStatus>[] = [
  { key: "pending", label: "Pending" },
  { key: "decided", label: "History" },
];

/** Held statements waiting for a decision, arriving live, and the decisions made. */
export function ApprovalsInbox({ reviewer, initialTab }: { reviewer: Reviewer; initialTab: ApprovalListStatus }) {
  const [tab, setTab] = useState(initialTab);
  const selectTab = (next: ApprovalListStatus) => {
    setTab(next);
    window.history.replaceState(null, "", next === "decided" ? "?tab=history" : window.location.pathname);
  };
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Statements the gateway holds until a reviewer decides. The client waits meanwhile; it gets the result, or your comment with the error."
        actions={
          <>
            <LiveIndicator />
            <ButtonLink href="/approvals/grants">Grants</ButtonLink>
          </>
        }
      />
      <TabList label="Approvals" idPrefix="approvals" tabs={TABS} selected={tab} onSelect={selectTab} />
      <TabPanel idPrefix="approvals" tabKey="pending" isSelected={tab === "pending"}>
        <PendingList reviewer={reviewer} />
      </TabPanel>
      <TabPanel idPrefix="approvals" tabKey="decided" isSelected={tab === "decided"}>
        {tab === "decided" && <DecidedList />}
      </TabPanel>
    </>
  );
}

function PendingList({ reviewer }: { reviewer: Reviewer }) {
  const list = useApprovalRequests("pending");
  const requests = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  if (list.isError && !requests) return <LoadError message={list.error.message} onRetry={() => list.refetch()} />;
  if (!requests) {
    return (
      <div className="max-w-4xl space-y-3" aria-busy>
        {[0, 1].map((i) => (
          <Skeleton key={i} className="h-40 rounded-lg" />
        ))}
      </div>
    );
  }
  if (requests.length === 0) {
    return (
      <Card className="max-w-4xl">
        <EmptyState title="Nothing waits for a decision" description="Held statements appear here the moment the gateway holds them; this page updates by itself." />
      </Card>
    );
  }
  return (
    <div className="max-w-4xl space-y-4">
      <p className="text-sm text-slate-500" aria-live="polite">
        {requests.length === 1 ? "1 request waits" : `${requests.length} requests wait`} for a decision.
      </p>
      <ul aria-label="Pending requests" className="space-y-4">
        {requests.map((r) => (
          <li key={r.id}>
            <ApprovalRequestCard request={r} reviewer={reviewer} />
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <Button onClick={() => list.fetchNextPage()} isLoading={list.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </div>
  );
}

function DecidedList() {
  const list = useApprovalRequests("decided");
  const requests = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  if (list.isError && !requests) return <LoadError message={list.error.message} onRetry={() => list.refetch()} />;
  return (
    <Card isPadded={false}>
      <ApprovalsHistoryTable requests={requests} isLoading={list.isPending} />
      {list.hasNextPage && (
        <footer className="flex justify-end border-t border-slate-100 px-4 py-3">
          <Button onClick={() => list.fetchNextPage()} isLoading={list.isFetchingNextPage}>
            Load more
          </Button>
        </footer>
      )}
    </Card>
  );
}

function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert tone="danger" title="Could not load the requests" actions={<Button size="sm" onClick={onRetry}>Retry</Button>}>
      {message}
    </Alert>
  );
}
