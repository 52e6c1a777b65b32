import { formatDateTime, formatRelativeTime } from "./format-time";

/**
 * A machine-readable <time> whose full date and time is in the tooltip.
 * Render it only from client-fetched data: server and browser time zones differ, and the text would not hydrate.
 */
export function TimeStamp({ iso, isRelative = false }: { iso: string; isRelative?: boolean }) {
  const full = formatDateTime(iso);
  return (
    <time dateTime={iso} title={full} className="whitespace-nowrap tabular-nums">
      {isRelative ? formatRelativeTime(iso) : full}
    </time>
  );
}
