/** Instants as a `<input type="datetime-local">` shows them: the viewer's time zone, to the minute. */

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO instant -> the value a datetime-local input shows, in the viewer's time zone. */
export function toDateTimeLocal(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time, no zone) -> an ISO instant for the URL and the API; empty stays empty. */
export function fromDateTimeLocal(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
