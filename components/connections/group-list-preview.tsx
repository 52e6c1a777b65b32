import { Badge } from "@/components/ui/badge";
import { GROUP_NAME_PATTERN, parseGroupList } from "@/lib/shared/contracts/group-names";

/** Shows how the typed text will be saved, one badge a group; a name that does not fit (a space, a semicolon) is marked. */
export function GroupListPreview({ text }: { text: string }) {
  const groups = [...new Set(parseGroupList(text))];
  if (groups.length === 0) return <p className="text-xs text-amber-700">No groups yet: nobody can connect through the gateway.</p>;
  return (
    <ul aria-label="Groups to be saved" className="flex flex-wrap gap-1">
      {groups.map((group) => (
        <li key={group}>
          <Badge tone={GROUP_NAME_PATTERN.test(group) ? "brand" : "danger"} isMono>
            {group}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
