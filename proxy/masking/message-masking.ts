import { maskDetected, maskValue, matchColumn, type ColumnMatch } from "@/lib/policy/masking";
import type { AuthoredMessage } from "../hooks/gateway-hooks";
import { BackendCode } from "../protocol/message-codes";
import type { CompiledMasking } from "./result-masking";

/** What replaces a value whose method is `null` inside message text (a message has no NULL). */
export const MASKED_PLACEHOLDER = "[masked]";

/** ErrorResponse / NoticeResponse fields that can echo data. https://www.postgresql.org/docs/current/protocol-error-fields.html */
const DATA_FIELDS = new Set(["M", "D", "H", "W", "q"]);

/** The columns of a table named by an error's schema and table fields, in order; null if unknown. */
export type TableColumnsLookup = (schema: string, table: string) => Promise<string[] | null>;

type Field = { type: string; value: string };

/**
 * Masks what an ErrorResponse, NoticeResponse or NotificationResponse echoes of the data:
 * 1. DETAIL of key violations (`Key (email)=(ann@example.com) already exists.`, foreign keys,
 *    exclusion constraints): each value by the rule of its column, matched on the table the error
 *    names (its schema and table fields) and, failing that, on any table (masking more is the safe
 *    mistake);
 * 2. DETAIL `Failing row contains (…)` (not-null and check violations): the values by the rules of
 *    the table's columns in order, or the whole list when it cannot be split reliably;
 * 3. when the statement evaluated a masked column (`echoesMaskedData`, from its lineage), what the
 *    server echoes of computed values (echoedValuesMasked): a value it could not convert, a value
 *    user code raised; lineage masks such values in results, and their text must not come back in
 *    an error (`select reverse(card_number)::int`);
 * 4. then the content detectors over every field that carries text (message, detail, hint,
 *    context, internal query) and a notification's payload; except, in an error the gateway had the
 *    server raise (`authored`), the message's own words: only the parts it quotes are detected.
 * Async only for (2), which needs the table's columns from the catalog.
 */
export function maskServerMessage(frame: Buffer, m: CompiledMasking, tableColumns: TableColumnsLookup, authored?: AuthoredMessage, echoesMaskedData = false): Buffer | Promise<Buffer> {
  if (frame[0] === BackendCode.NotificationResponse) return maskNotification(frame, m);
  const fields = decodeFields(frame);
  if (echoesMaskedData && !authored) maskEchoedValues(frame[0]!, fields);
  const schema = fields.find((f) => f.type === "s")?.value ?? null;
  const table = fields.find((f) => f.type === "t")?.value ?? null;
  const detail = fields.find((f) => f.type === "D");
  const finish = () =>
    encodeFields(
      frame[0]!,
      fields.map((f) => {
        if (!DATA_FIELDS.has(f.type)) return f;
        if (f.type === "M" && authored && frame[0] === BackendCode.ErrorResponse && f.value === authored.message) return { type: f.type, value: detectInQuoted(f.value, authored.quoted, m) };
        return { type: f.type, value: detectIn(f.value, m) };
      }),
    );
  if (detail && m.matchesColumns) {
    detail.value = maskKeyValues(detail.value, m, schema, table);
    const failing = FAILING_ROW.exec(detail.value);
    if (failing && schema && table) {
      return tableColumns(schema, table).then(
        (columns) => {
          detail.value = maskFailingRow(detail.value, failing, m, schema, table, columns);
          return finish();
        },
        () => {
          detail.value = maskFailingRow(detail.value, failing, m, schema, table, null);
          return finish();
        },
      );
    }
  }
  return finish();
}

/** SQLSTATE classes whose messages quote a value the statement computed: data exceptions, and errors of external routines. */
const VALUE_ECHOING_CLASSES = new Set(["22", "2F", "38", "39"]);

/**
 * The values a server message echoes, masked in place (`fields`): for a data exception, what its
 * message, detail and hint quote (from the first double quote to the last, since a value may hold
 * quotes itself; a detail that quotes nothing is masked whole, as XML's `line 1: …` is) and the
 * `JSON data, line 1: …` lines of its context; for what user code raised (RAISE: SQLSTATE class P0,
 * or a notice or warning), the message, detail and hint whole. Other messages (syntax, names,
 * permissions) come before any value is computed and are left to the detectors.
 */
export function maskEchoedValues(code: number, fields: Field[]): void {
  const sqlState = fields.find((f) => f.type === "C")?.value ?? "";
  const cls = sqlState.slice(0, 2);
  const isRaised = cls === "P0" || (code === BackendCode.NoticeResponse && (sqlState === "00000" || cls === "01"));
  if (!isRaised && !VALUE_ECHOING_CLASSES.has(cls)) return;
  for (const f of fields) {
    if (f.type === "M" || f.type === "D" || f.type === "H") f.value = isRaised ? MASKED_PLACEHOLDER : maskQuoted(f.value, f.type === "D");
    else if (f.type === "W") f.value = f.value.replace(/^(JSON data, line \d+: ).*$/gm, `$1${MASKED_PLACEHOLDER}`);
  }
}

function maskQuoted(text: string, isWholeWithoutQuotes: boolean): string {
  const first = text.indexOf('"');
  const last = text.lastIndexOf('"');
  if (first < 0) return isWholeWithoutQuotes && text !== "" ? MASKED_PLACEHOLDER : text;
  // One quote only: what follows it may be the value.
  if (last === first) return `${text.slice(0, first)}"${MASKED_PLACEHOLDER}`;
  return `${text.slice(0, first)}"${MASKED_PLACEHOLDER}"${text.slice(last + 1)}`;
}

function detectIn(text: string, m: CompiledMasking): string {
  if (m.detectors.length === 0) return text;
  const found = maskDetected(text, m.detectors, m.ctx);
  if (found.fired.length === 0) return text;
  // A finding whose method is null (the value must not appear at all) takes the whole text with it.
  return found.text ?? MASKED_PLACEHOLDER;
}

/**
 * Warden's own text with the detectors run over the parts it quotes only, each on its own. Quoted
 * parts come after the gateway's words (a rejection ends with the reviewer's comment), so each is
 * found from the end: a comment that repeats the gateway's words (the reviewer's address) is the
 * comment that gets detected, never those words. A quoted part not found: the whole text is
 * detected (fail closed).
 */
function detectInQuoted(text: string, quoted: readonly string[], m: CompiledMasking): string {
  let out = "";
  let end = text.length;
  for (let i = quoted.length - 1; i >= 0; i--) {
    const q = quoted[i]!;
    const at = end - q.length < 0 ? -1 : text.lastIndexOf(q, end - q.length);
    if (at < 0) return detectIn(text, m);
    out = detectIn(q, m) + text.slice(at + q.length, end) + out;
    end = at;
  }
  return text.slice(0, end) + out;
}

function maskNotification(frame: Buffer, m: CompiledMasking): Buffer {
  if (m.detectors.length === 0) return frame;
  const channelEnd = frame.indexOf(0, 9);
  const payloadEnd = frame.indexOf(0, channelEnd + 1);
  if (channelEnd < 0 || payloadEnd < 0) return frame;
  const payload = frame.toString("utf8", channelEnd + 1, payloadEnd);
  const masked = detectIn(payload, m);
  if (masked === payload) return frame;
  const body = Buffer.concat([frame.subarray(5, channelEnd + 1), Buffer.from(masked, "utf8"), Buffer.from([0])]);
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = BackendCode.NotificationResponse;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

/**
 * `Key (cols)=(values)` as PostgreSQL writes it (BuildIndexValueDescription, ri_ReportViolation):
 * values joined by ", ", unquoted. Columns can be expressions of an expression index.
 */
const KEY_VALUES = /(Key |key )\(((?:[^()]|\([^()]*\))*)\)=\((.*?)\)(?= already exists| is not present| is still referenced| conflicts with| is duplicated|\.$|$)/gs;

export function maskKeyValues(detail: string, m: CompiledMasking, schema: string | null, table: string | null): string {
  return detail.replace(KEY_VALUES, (whole, prefix: string, columns: string, values: string) => {
    const names = splitList(columns);
    const rules = names.map((n) => matchKeyColumn(n, m, schema, table));
    if (rules.every((r) => r === null)) return whole;
    const parts = splitList(values);
    const masked =
      parts.length === names.length
        ? parts.map((v, i) => (rules[i] ? maskText(v, rules[i]!, m) : v)).join(", ")
        : // Values that contain ", " themselves: the list cannot be split safely, so all of it goes.
          MASKED_PLACEHOLDER;
    return `${prefix}(${columns})=(${masked})`;
  });
}

/** A key column (or the columns inside an index expression such as `lower(email)`) against the rules. */
function matchKeyColumn(expression: string, m: CompiledMasking, schema: string | null, table: string | null): ColumnMatch | null {
  const identifiers = [...expression.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)/g)].map((x) => x[1]?.replaceAll('""', '"') ?? x[2]!);
  for (const name of identifiers) {
    const hit = schema && table ? matchColumn(m, [{ schema, table, column: name }], name) : null;
    if (hit) return hit;
  }
  // The key's table may not be the one the error names (a row still referenced from another table):
  // a rule on any table's column of that name counts.
  for (const name of identifiers) {
    const rule = m.masking.columnRules.find((r) => r.column.split(".")[2]!.toLowerCase() === name.toLowerCase());
    if (rule) return { semanticType: rule.semanticType, matchedBy: "column_rule", rule: rule.column };
  }
  return null;
}

const FAILING_ROW = /^(Failing row contains )(?:\(((?:[^()]|\([^()]*\))*)\) = )?\((.*)\)\.?$/s;

function maskFailingRow(detail: string, match: RegExpExecArray, m: CompiledMasking, schema: string, table: string, tableColumns: string[] | null): string {
  const [, prefix, listedColumns, values] = match;
  // Without table-wide SELECT rights, PostgreSQL lists the columns it shows: "(a, b) = (1, 2)".
  const names = listedColumns ? splitList(listedColumns) : tableColumns;
  const anyRule = (names ?? []).some((n) => matchColumn(m, [{ schema, table, column: n }], n)) || !names;
  if (!anyRule) return detail;
  const parts = splitList(values!);
  if (!names || parts.length !== names.length) return `${prefix}${listedColumns ? `(${listedColumns}) = ` : ""}(${MASKED_PLACEHOLDER}).`;
  const masked = parts.map((v, i) => {
    if (v === "null") return v;
    const hit = matchColumn(m, [{ schema, table, column: names[i]! }], names[i]!);
    return hit ? maskText(v, hit, m) : v;
  });
  return `${prefix}${listedColumns ? `(${listedColumns}) = ` : ""}(${masked.join(", ")}).`;
}

function maskText(value: string, rule: ColumnMatch, m: CompiledMasking): string {
  const type = m.types.get(rule.semanticType);
  if (!type) throw new Error(`Masking rule names unknown semantic type "${rule.semanticType}".`);
  return maskValue(value, type, m.ctx) ?? MASKED_PLACEHOLDER;
}

function splitList(s: string): string[] {
  return s.split(", ");
}

function decodeFields(frame: Buffer): Field[] {
  const fields: Field[] = [];
  let off = 5;
  while (off < frame.length && frame[off] !== 0) {
    const end = frame.indexOf(0, off + 1);
    if (end < 0) throw new Error("malformed error or notice message");
    fields.push({ type: String.fromCharCode(frame[off]!), value: frame.toString("utf8", off + 1, end) });
    off = end + 1;
  }
  return fields;
}

function encodeFields(code: number, fields: Field[]): Buffer {
  const body = Buffer.concat([...fields.map((f) => Buffer.from(`${f.type}${f.value.replaceAll("\0", "")}\0`, "utf8")), Buffer.from([0])]);
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = code;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}
