import { buttonClassName } from "@/components/ui/button-styles";
import { auditFilterFields, type AuditExportFormat, type AuditFilters } from "@/lib/shared/contracts/audit";
import { writeFilters } from "@/lib/shared/url-filters";

const LABELS: Record<AuditExportFormat, string> = { csv: "Export CSV", jsonl: "Export JSON lines" };

/** Downloads of the events the current filter selects (all of them, not just the loaded pages), oldest first. */
export function AuditExportLinks({ filters }: { filters: AuditFilters }) {
  const query = writeFilters(auditFilterFields, filters);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <span className="text-xs text-slate-500">{query ? "Download the filtered events:" : "Download every event:"}</span>
      {(["csv", "jsonl"] as const).map((format) => (
        <a key={format} href={`/api/audit/export?format=${format}${query ? `&${query}` : ""}`} download className={buttonClassName({ size: "sm", variant: "secondary" })}>
          {LABELS[format]}
        </a>
      ))}
    </div>
  );
}
