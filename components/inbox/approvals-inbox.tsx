"use client";

import { useMemo, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { useToast } from "@/components/ui/toast";
import { useApprovalRequests, type ApprovalListStatus } from "@/lib/client/approvals";
import { ApprovalRequestCard } from "./approval-request-card";
import { ApprovalsHistoryTable } from "./approvals-history-table";
import type { DecisionActions, Reviewer } from "./decision-form";
import { moveSelection, resolveSelection, type InboxAction, type InboxSelection } from "./inbox-shortcuts";
import { LiveIndicator } from "./live-indicator";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { useInboxShortcuts } from "./use-inbox-shortcuts";

const TABS: TabItem<ApprovalListStatus>[] = [
  { key: "pending", label: "Pending" },
  { key: "decided", label: "History" },
];

/** Held statements waiting for a decision, arriving live, and the decisions made. */
export function ApprovalsInbox({ reviewer, initialTab }: { reviewer: Reviewer; initialTab: ApprovalListStatus }) {
  const [tab, setTab] = useState(initialTab);
  const [isHelpOpen, setHelpOpen] = useState(false);
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
            {/* Phones have no keyboard to use them with. */}
            <Button onClick={() => setHelpOpen(true)} aria-keyshortcuts="?" className="max-md:hidden">
              Shortcuts
            </Button>
            <ButtonLink href="/approvals/grants">Grants</ButtonLink>
          </>
        }
      />
      <TabList label="Approvals" idPrefix="approvals" tabs={TABS} selected={tab} onSelect={selectTab} />
      <TabPanel idPrefix="approvals" tabKey="pending" isSelected={tab === "pending"}>
        <PendingList reviewer={reviewer} hasShortcuts={tab === "pending"} onShowHelp={() => setHelpOpen(true)} />
      </TabPanel>
      <TabPanel idPrefix="approvals" tabKey="decided" isSelected={tab === "decided"}>
        {tab === "decided" && <DecidedList />}
      </TabPanel>
      <ShortcutsDialog isOpen={isHelpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
}

type PendingListProps = { reviewer: Reviewer; hasShortcuts: boolean; onShowHelp: () => void };

function PendingList({ reviewer, hasShortcuts, onShowHelp }: PendingListProps) {
  const list = useApprovalRequests("pending");
  const requests = useMemo(() => list.data?.pages.flatMap((p) => p.items), [list.data]);
  const ids = useMemo(() => requests?.map((r) => r.id) ?? [], [requests]);
  // j/k select a request; a and r act on it. The selection follows its request as others arrive, and
  // passes to the next one once it is decided.
  const [selection, setSelection] = useState<InboxSelection>(null);
  const selectedIndex = resolveSelection(ids, selection);
  const selectedId = selectedIndex >= 0 ? ids[selectedIndex] : null;
  const cards = useRef(new Map<string, HTMLElement>());
  const forms = useRef(new Map<string, DecisionActions>());
  const { toast } = useToast();

  useInboxShortcuts(hasShortcuts, (action: InboxAction) => {
    if (action === "help") return onShowHelp();
    if (action === "next" || action === "previous") {
      const next = moveSelection(ids, selection, action === "next" ? 1 : -1);
      setSelection(next);
      const card = next && cards.current.get(next.id);
      card?.focus({ preventScroll: true });
      card?.scrollIntoView({ block: "nearest" });
      return;
    }
    const form = selectedId ? forms.current.get(selectedId) : undefined;
    if (!form) {
      // No form: nothing selected, or the selected request can no longer be decided (it timed out).
      toast({ tone: "error", message: selectedId ? "This request can no longer be decided." : "Select a request first, with j or k." });
      return;
    }
    if (action === "approve") form.approve();
    if (action === "reject") form.startRejecting();
  });

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
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p className="text-sm text-slate-500" aria-live="polite">
          {requests.length === 1 ? "1 request waits" : `${requests.length} requests wait`} for a decision.
        </p>
        <p className="text-xs text-slate-400 max-md:hidden">
          <kbd className="font-mono">j</kbd>/<kbd className="font-mono">k</kbd> select · <kbd className="font-mono">a</kbd> approve · <kbd className="font-mono">r</kbd> reject ·{" "}
          <kbd className="font-mono">?</kbd> all shortcuts
        </p>
      </div>
      <ul aria-label="Pending requests" className="space-y-4">
        {requests.map((r) => (
          <li key={r.id}>
            <ApprovalRequestCard
              request={r}
              reviewer={reviewer}
              isSelected={r.id === selectedId}
              cardRef={registerIn(cards.current, r.id)}
              actionsRef={registerIn(forms.current, r.id)}
            />
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

/** A callback ref that keeps `map[key]` pointing at the mounted element or handle, and forgets it on unmount. */
function registerIn<V>(map: Map<string, V>, key: string) {
  return (value: V | null) => {
    if (value) map.set(key, value);
    else map.delete(key);
  };
}

function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert tone="danger" title="Could not load the requests" actions={<Button size="sm" onClick={onRetry}>Retry</Button>}>
      {message}
    </Alert>
  );
}
