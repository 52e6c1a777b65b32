import { useQuery } from "@tanstack/react-query";
import type { ActivityOverviewDto } from "@/lib/shared/contracts/overview";
import { apiFetch } from "./api";

export const overviewKeys = {
  all: ["overview"] as const,
  activity: () => [...overviewKeys.all, "activity"] as const,
};

/** The charts move by the minute; a 15 s poll keeps the current minute's bar filling without load worth measuring. */
export const OVERVIEW_POLL_MS = 15_000;

/** The Overview's aggregates, first from the server's render, then polled. */
export function useActivityOverview(initial: ActivityOverviewDto) {
  return useQuery({
    queryKey: overviewKeys.activity(),
    queryFn: ({ signal }) => apiFetch<ActivityOverviewDto>("/api/overview", { signal, cache: "no-store" }),
    initialData: initial,
    initialDataUpdatedAt: new Date(initial.generatedAt).getTime(),
    refetchInterval: OVERVIEW_POLL_MS,
  });
}
