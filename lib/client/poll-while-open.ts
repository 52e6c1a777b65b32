/**
 * The refetch interval of a list of sessions: `intervalMs` while any of them is still open (not ended),
 * false (no polling) once all have ended or before any has loaded.
 */
export function pollWhileOpen(sessions: readonly { endedAt: string | null }[] | undefined, intervalMs: number): number | false {
  return sessions?.some((s) => s.endedAt === null) ? intervalMs : false;
}
