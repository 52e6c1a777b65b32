/**
 * What changed between two policy documents, path by path, for the History view and reviews of a
 * save. Lists of rules are compared by each item's key (a rule's id, a column rule's column…), not by
 * position, so inserting a rule at the top reads as one added rule rather than every rule "changed";
 * a rule that only changed place is reported as moved, because the first matching rule wins. Pure.
 */

export type PolicyDiffChange = "added" | "removed" | "changed" | "moved";

export type PolicyDiffEntry = {
  change: PolicyDiffChange;
  /** From the document's root; keyed list items are named by key: `guardrails[block-truncate].match.flags`. */
  path: string;
  /** The top-level section the change is in: "guardrails", "approvals", "masking", "access", … */
  section: string;
  /** The keyed list item (rule, semantic type, column rule…) the change is in, with a readable name. */
  item?: { key: string; name: string };
  /** The value before (absent for "added"); for "moved", the item's 1-based position before. */
  before?: unknown;
  /** The value after (absent for "removed"); for "moved", the item's 1-based position after. */
  after?: unknown;
};

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep equality of JSON values, independent of key order. */
export function isSameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => isSameJson(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && isSameJson(a[k], b[k]));
  }
  return false;
}

/** Fields that identify an item of a policy list, in order of preference. */
const KEY_FIELDS = ["id", "column", "pattern", "detector", "group"] as const;

/** The field both lists' items are keyed by, when every item has it as a distinct string. */
function keyFieldOf(a: Json[], b: Json[]): string | undefined {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every(isObject)) return undefined;
  return KEY_FIELDS.find((field) => {
    if (!items.every((item) => typeof (item as JsonObject)[field] === "string")) return false;
    const distinct = (list: Json[]) => new Set(list.map((item) => (item as JsonObject)[field])).size === list.length;
    return distinct(a) && distinct(b);
  });
}

function itemName(key: string, ...versions: Json[]): string {
  for (const v of versions) {
    if (!isObject(v)) continue;
    if (typeof v.name === "string" && v.name.trim()) return v.name;
    if (typeof v.label === "string" && v.label.trim()) return v.label;
  }
  return key;
}

/** Indexes (into `seq`) of one longest strictly increasing subsequence: the items that kept their order. */
function longestIncreasing(seq: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const kept = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i !== -1; i = prev[i]) kept.add(i);
  return kept;
}

type Context = { section: string; item?: { key: string; name: string } };

export function diffPolicyDocuments(before: Json, after: Json): PolicyDiffEntry[] {
  const out: PolicyDiffEntry[] = [];
  const emit = (change: PolicyDiffChange, path: string, ctx: Context, values: { before?: Json; after?: Json }) =>
    out.push({ change, path, section: ctx.section, ...(ctx.item ? { item: ctx.item } : {}), ...values });

  const walk = (a: Json, b: Json, path: string, ctx: Context) => {
    if (isSameJson(a, b)) return;
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys) {
        const childPath = path ? `${path}.${key}` : key;
        const childCtx = path ? ctx : { section: key };
        if (!(key in a)) emit("added", childPath, childCtx, { after: b[key] });
        else if (!(key in b)) emit("removed", childPath, childCtx, { before: a[key] });
        else walk(a[key], b[key], childPath, childCtx);
      }
      return;
    }
    const keyField = Array.isArray(a) && Array.isArray(b) ? keyFieldOf(a, b) : undefined;
    if (keyField && Array.isArray(a) && Array.isArray(b)) {
      walkKeyedList(a as JsonObject[], b as JsonObject[], keyField, path, ctx);
      return;
    }
    emit("changed", path, ctx, { before: a, after: b });
  };

  const walkKeyedList = (a: JsonObject[], b: JsonObject[], keyField: string, path: string, ctx: Context) => {
    const keyOf = (item: JsonObject) => item[keyField] as string;
    const beforeIndex = new Map(a.map((item, i) => [keyOf(item), i]));
    const afterIndex = new Map(b.map((item, i) => [keyOf(item), i]));
    // Only the outermost keyed item names the change (a rule, not a detector inside masking's rule).
    const ctxFor = (key: string, ...versions: Json[]): Context => (ctx.item ? ctx : { ...ctx, item: { key, name: itemName(key, ...versions) } });

    for (const item of a) {
      const key = keyOf(item);
      if (!afterIndex.has(key)) emit("removed", `${path}[${key}]`, ctxFor(key, item), { before: item });
    }
    // Items in both lists, in their new order: those outside the longest run that kept its order moved.
    const common = b.filter((item) => beforeIndex.has(keyOf(item)));
    const kept = longestIncreasing(common.map((item) => beforeIndex.get(keyOf(item))!));
    common.forEach((item, i) => {
      if (kept.has(i)) return;
      const key = keyOf(item);
      emit("moved", `${path}[${key}]`, ctxFor(key, item), { before: beforeIndex.get(key)! + 1, after: afterIndex.get(key)! + 1 });
    });
    for (const item of b) {
      const key = keyOf(item);
      const old = beforeIndex.has(key) ? a[beforeIndex.get(key)!] : undefined;
      if (old === undefined) emit("added", `${path}[${key}]`, ctxFor(key, item), { after: item });
      else walk(old, item, `${path}[${key}]`, ctxFor(key, item, old));
    }
  };

  walk(before, after, "", { section: "" });
  return out;
}
