/** A table or view a statement names, and whether it writes to it. */
export type RelationRef = { schema: string | null; name: string; access: "read" | "write" };

type Node = Record<string, unknown>;
type RangeVarBody = { schemaname?: string; relname?: string };

/** Statements whose `relation` field is the table they write to. */
const WRITE_TARGET_FIELD: Record<string, string> = {
  InsertStmt: "relation",
  UpdateStmt: "relation",
  DeleteStmt: "relation",
  MergeStmt: "relation",
};

/**
 * Walks a parse tree for the relations it names. The target of INSERT/UPDATE/DELETE/MERGE, COPY FROM
 * and TRUNCATE is a write; every other reference is a read. Names of CTEs are not relations.
 */
export function collectRelations(stmt: Node): RelationRef[] {
  const found = new Map<string, RelationRef>();
  const cteNames = new Set<string>();
  const add = (rv: RangeVarBody | undefined, access: "read" | "write") => {
    if (!rv?.relname) return;
    const schema = rv.schemaname ?? null;
    if (schema === null && access === "read" && cteNames.has(rv.relname)) return;
    const key = `${schema ?? ""}.${rv.relname}`;
    const prev = found.get(key);
    if (!prev || (prev.access === "read" && access === "write")) found.set(key, { schema, name: rv.relname, access });
  };

  const visit = (value: unknown, parentType: string | null, field: string | null): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, parentType, field);
      return;
    }
    if (!value || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Node)) {
      if (key === "CommonTableExpr") {
        const name = (child as { ctename?: string }).ctename;
        if (name) cteNames.add(name);
      }
      if (key === "RangeVar") {
        add(child as RangeVarBody, parentType === "TruncateStmt" ? "write" : "read");
        continue;
      }
      if (/^[A-Z]/.test(key)) {
        // A node wrapper such as { InsertStmt: {...} }.
        const body = child as Node;
        const target = WRITE_TARGET_FIELD[key];
        if (target) add(body?.[target] as RangeVarBody, "write");
        if (key === "CopyStmt") add(body?.relation as RangeVarBody, body?.is_from ? "write" : "read");
        if (key === "DropStmt") for (const rv of droppedRelations(body)) add(rv, "write");
        visit(child, key, null);
        continue;
      }
      // Unwrapped RangeVar fields (`relation`, `relations`) of nodes not handled above.
      if ((key === "relation" || key === "rangeVar") && parentType && !WRITE_TARGET_FIELD[parentType] && parentType !== "CopyStmt") {
        add(child as RangeVarBody, isDdl(parentType) ? "write" : "read");
        continue;
      }
      if (key === "relation" && parentType && (WRITE_TARGET_FIELD[parentType] || parentType === "CopyStmt")) continue;
      visit(child, parentType, key);
    }
  };
  // CTE names are collected first so references to them are skipped wherever they appear.
  collectCteNames(stmt, cteNames);
  visit(stmt, null, null);
  return [...found.values()];
}

function collectCteNames(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) return value.forEach((v) => collectCteNames(v, into));
  if (!value || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value as Node)) {
    if (key === "CommonTableExpr") {
      const name = (child as { ctename?: string }).ctename;
      if (name) into.add(name);
    }
    collectCteNames(child, into);
  }
}

function isDdl(nodeType: string): boolean {
  return /^(Create|Alter|Drop|Index|Rename|Cluster|Vacuum|Reindex|Lock|Refresh|Comment|Rule|View|Trig)/.test(nodeType) || nodeType === "IndexStmt" || nodeType === "CreateTrigStmt";
}

/** Object types of DROP whose names are relations (DROP names them as lists, not RangeVars). */
const DROPPED_RELATION_TYPES = new Set(["OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE", "OBJECT_SEQUENCE", "OBJECT_INDEX"]);

function droppedRelations(drop: Node | undefined): RangeVarBody[] {
  if (!drop || !DROPPED_RELATION_TYPES.has(drop.removeType as string)) return [];
  const objects = (drop.objects as { List?: { items?: { String?: { sval?: string } }[] } }[] | undefined) ?? [];
  return objects.map((o) => {
    const parts = (o.List?.items ?? []).map((i) => i.String?.sval ?? "");
    // [name], [schema, name] or [catalog, schema, name]
    return { relname: parts.at(-1), schemaname: parts.length >= 2 ? parts.at(-2) : undefined };
  });
}
