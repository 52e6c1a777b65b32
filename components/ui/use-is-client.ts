"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False while rendering on the server and hydrating, true afterwards. Times are shown in the viewer's
 * time zone, which the server does not know: data that arrives with the page renders them only once
 * this is true, so the text never mismatches during hydration.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
