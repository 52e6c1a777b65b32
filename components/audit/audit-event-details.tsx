import { DateTime } from "@/components/ui/date-time";
import type { AuditLogEventDto } from "@/lib/shared/contracts/audit";
import { AuditDiff } from "./audit-diff";
import { JsonBlock } from "./json-value";

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === "object" && Object.keys(v).length === 0);

/** The expanded view of one event: what changed, then any extra details the event carries. */
export function AuditEventDetails({ event }: { event: AuditLogEventDto }) {
  const hasSnapshots = !isEmpty(event.before) || !isEmpty(event.after);
  return (
    <div className="space-y-4 px-4 py-4">
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-slate-500">
        <div>
          <dt className="inline">Event </dt>
          <dd className="inline font-mono text-slate-700">#{event.seq}</dd>
        </div>
        <div>
          <dt className="inline">At </dt>
          <dd className="inline text-slate-700">
            <DateTime value={event.occurredAt} />
          </dd>
        </div>
        {event.targetId && (
          <div>
            <dt className="inline">Target id </dt>
            <dd className="inline font-mono text-slate-700">{event.targetId}</dd>
          </div>
        )}
      </dl>
      {hasSnapshots && (
        <section>
          <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Changes</h3>
          <AuditDiff before={event.before} after={event.after} />
        </section>
      )}
      {!isEmpty(event.details) && (
        <section>
          <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Details</h3>
          <JsonBlock label="Details" value={event.details} />
        </section>
      )}
      {!hasSnapshots && isEmpty(event.details) && <p className="text-sm text-slate-500">This event carries no further data.</p>}
    </div>
  );
}
