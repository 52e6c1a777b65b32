/**
 * An exemption's expiry as a `<input type="datetime-local">` shows it (the viewer's time zone, to the
 * minute) and back as the ISO instant the policy stores.
 */

const pad = (n: number) => String(n).padStart(2, "0");

/** "2026-03-01T12:30:00.000Z" -> "2026-03-01T13:30" in Europe/Paris; "" when it does not parse. */
export function toDateTimeLocal(iso: string | null): string {
  if (iso === null) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant a datetime-local value means here, as ISO; null when empty or incomplete. */
export function fromDateTimeLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
