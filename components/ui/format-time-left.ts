/**
 * Time until a deadline as a countdown: "14:59" under an hour, "2 h 05 min" beyond, "expired" after.
 * Minutes and seconds under an hour because that is where a reviewer's attention is.
 */
export function formatTimeLeft(deadlineIso: string, nowMs: number): string {
  const ms = Date.parse(deadlineIso) - nowMs;
  if (Number.isNaN(ms)) return "—";
  if (ms <= 0) return "expired";
  const totalSeconds = Math.ceil(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, "0")}`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, "0")} min`;
}

/** Whether less than `ms` remains: the countdown turns red. */
export function isRunningOut(deadlineIso: string, nowMs: number, ms = 60_000): boolean {
  return Date.parse(deadlineIso) - nowMs < ms;
}
