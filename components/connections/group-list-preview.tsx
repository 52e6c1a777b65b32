import { Badge } from "@/components/ui/badge";
import { parseGroupList } from "./connection-form-values";

/** Shows how the typed text will be saved, so "dba eng" visibly becomes two groups. */
export function GroupListPreview({ text }: { text: string }) {
  const groups = [...new Set(parseGroupList(text))];
  if (groups.length === 0) return <p className="text-xs text-amber-700">No groups yet: nobody can connect through the gateway.</p>;
  return (
    <ul aria-label="Groups to be saved" className="flex flex-wrap gap-1">
      {groups.map((group) => (
        <li key={group}>
          <Badge tone="brand" isMono>
            {group}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
