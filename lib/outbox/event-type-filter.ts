/**
 * A sink's event-type filter: exact actions (`gateway.statement`), prefixes ending in `.*`
 * (`approval.*` matches `approval.request` and `approval.grant.create`, not `approval` itself), or
 * `*`. An empty list lets every event through.
 */
export function createEventTypeFilter(eventTypes: readonly string[]): (action: string) => boolean {
  if (eventTypes.length === 0 || eventTypes.includes("*")) return () => true;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const t of eventTypes) {
    if (t.endsWith(".*")) prefixes.push(t.slice(0, -1));
    else exact.add(t);
  }
  return (action) => exact.has(action) || prefixes.some((p) => action.startsWith(p));
}
