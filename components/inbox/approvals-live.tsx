"use client";

import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { approvalKeys } from "@/lib/client/approvals";
import { APPROVAL_STREAM_PATH } from "@/lib/shared/contracts/approval-stream";

export type ApprovalsLiveStatus = "off" | "connecting" | "live" | "reconnecting";

const LiveStatusContext = createContext<ApprovalsLiveStatus>("off");

/**
 * One Server-Sent Events connection per browser tab for everything approvals show (inbox, detail,
 * nav badge): each event invalidates the approval queries, so whatever is on screen refetches. Each
 * time the stream opens (the first time too: a statement held between the page's first fetch and the
 * stream's opening sent its event to nobody; and after the browser reconnects a dropped one),
 * everything is refetched once, since events may have been missed meanwhile.
 */
export function ApprovalsLiveProvider({ isEnabled, children }: { isEnabled: boolean; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ApprovalsLiveStatus>(isEnabled ? "connecting" : "off");

  useEffect(() => {
    if (!isEnabled) return;
    const source = new EventSource(APPROVAL_STREAM_PATH);
    const refresh = () => void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
    source.onopen = () => {
      setStatus("live");
      refresh();
    };
    source.onerror = () => {
      // CLOSED: the server refused the stream (signed out, role taken away); the safety poll carries on.
      setStatus(source.readyState === EventSource.CLOSED ? "off" : "reconnecting");
    };
    source.addEventListener("approval", refresh);
    source.addEventListener("resync", refresh);
    return () => source.close();
  }, [isEnabled, queryClient]);

  return <LiveStatusContext value={status}>{children}</LiveStatusContext>;
}

export function useApprovalsLiveStatus(): ApprovalsLiveStatus {
  return useContext(LiveStatusContext);
}
