"use client";

import { formatDateTime, formatRelativeTime, formatUtc } from "@/lib/shared/format-date-time";
import { useIsClient } from "./use-is-client";

type DateTimeProps = {
  /** An ISO instant, as every DTO carries it. */
  value: string;
  /** "3 minutes ago" instead of the date; the tooltip still has the full date, the zone and UTC. */
  isRelative?: boolean;
  className?: string;
};

/**
 * An instant, the one way the console shows it: "7 Dec 2026, 17:22:05 CET" in the viewer's time zone
 * with the zone named, and UTC on hover. The server does not know the viewer's zone, so the server's
 * HTML (and the hydration pass) says the time in UTC and the browser rewrites it once mounted: the
 * text never differs between the server's HTML and hydration.
 */
export function DateTime({ value, isRelative = false, className = "" }: DateTimeProps) {
  const isClient = useIsClient();
  const utc = formatUtc(value);
  const local = isClient ? formatDateTime(value) : utc;
  return (
    <time dateTime={value} title={isRelative && isClient ? `${local} (${utc})` : utc} className={`tabular-nums ${className}`.trim()}>
      {isRelative && isClient ? formatRelativeTime(value) : local}
    </time>
  );
}
