/**
 * The console's one way to write an instant: "7 Dec 2026, 17:22:05 CET" in the viewer's locale and
 * time zone, with the zone named, and "2026-12-07 16:22:05 UTC" for the tooltip. Pure, so the server
 * and tests can call it with an explicit zone; the browser passes none and gets its own.
 */

export type FormatDateTimeOptions = {
  /** An IANA zone ("Europe/Berlin"); absent means the runtime's own (the viewer's, in the browser). */
  timeZone?: string;
  /** A BCP 47 locale; absent means the runtime's own. */
  locale?: string;
};

// Building a formatter costs far more than using one, and a table renders hundreds of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

function parseInstant(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "7 Dec 2026, 17:22:05 CET": medium date, time to the second, and the zone's short name. */
export function formatDateTime(iso: string, { timeZone, locale }: FormatDateTimeOptions = {}): string {
  const date = parseInstant(iso);
  if (!date) return iso;
  // timeStyle "long" is the medium time plus the zone's short name; dateStyle cannot be mixed with timeZoneName.
  const formatter = formatterFor(`dt|${locale ?? ""}|${timeZone ?? ""}`, () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "long", timeZone }));
  return formatter.format(date);
}

/** "17:22 CET": the time of day with the zone, for chart axes and other tight spots. */
export function formatTimeOfDay(iso: string, { timeZone, locale }: FormatDateTimeOptions = {}): string {
  const date = parseInstant(iso);
  if (!date) return iso;
  const formatter = formatterFor(`t|${locale ?? ""}|${timeZone ?? ""}`, () => new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZoneName: "short", timeZone }));
  return formatter.format(date);
}

/** "2026-12-07 16:22:05 UTC": the same instant in UTC, unambiguous for comparing with logs. */
export function formatUtc(iso: string): string {
  const date = parseInstant(iso);
  return date ? `${date.toISOString().slice(0, 19).replace("T", " ")} UTC` : iso;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 minutes ago", "yesterday", "in 2 hours"; anything under a minute is "just now". */
export function formatRelativeTime(iso: string, now: Date = new Date(), locale?: string): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  if (Number.isNaN(seconds)) return iso;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return "just now";
}
