import { Badge } from "@/components/ui/badge";
import { EVENT_TYPE_PATTERN } from "@/lib/shared/contracts/event-sinks";
import { parseEventTypes } from "./sink-form-values";

/** Shows how the typed filters will be saved, a bad one in red; none means every event. */
export function EventTypesPreview({ text }: { text: string }) {
  const types = parseEventTypes(text);
  if (types.length === 0) return <p className="text-xs text-slate-500">No filter: every event goes to this sink.</p>;
  return (
    <ul aria-label="Filters to be saved" className="flex flex-wrap gap-1">
      {types.map((t) => (
        <li key={t}>
          <Badge tone={EVENT_TYPE_PATTERN.test(t) ? "brand" : "danger"} isMono>
            {t}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
