"use client";

import { DateTime } from "./date-time";

/**
 * @deprecated Use `<DateTime value={iso} />` (components/ui/date-time.tsx). Kept only so branches written
 * against the old name still build after merging; delete once nothing imports it.
 */
export function TimeStamp({ iso, isRelative = false }: { iso: string; isRelative?: boolean }) {
  return <DateTime value={iso} isRelative={isRelative} />;
}
