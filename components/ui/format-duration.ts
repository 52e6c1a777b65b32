/**
 * A duration as people read it: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". Sub-millisecond
 * timings (the gateway's own overhead) keep two decimals so they do not all read "0 ms".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms === 0) return "0 ms";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, "0")} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 24 * 60) return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(totalMinutes / 1440)} d ${Math.floor((totalMinutes % 1440) / 60)} h`;
}

/** Time between two ISO instants, formatted; "—" when either is missing. */
export function formatElapsed(fromIso: string, toIso: string | null): string {
  if (!toIso) return "—";
  return formatDuration(Date.parse(toIso) - Date.parse(fromIso));
}
