import { parseSync, scanSync } from "libpg-query";

/** How COPY TO STDOUT writes its data. https://www.postgresql.org/docs/current/sql-copy.html */
export type CopyFormat = {
  format: "text" | "csv" | "binary";
  /** One byte each: PostgreSQL refuses multi-byte delimiters, quotes and escapes. */
  delimiter: string;
  nullString: string;
  quote: string;
  escape: string;
  header: boolean;
  /** ENCODING option: data in another encoding than the client's. */
  encoding: string | null;
};

export type CopySource =
  | { kind: "relation"; schema: string | null; name: string; columns: string[] | null }
  /** COPY (query) TO STDOUT: the query's own text. */
  | { kind: "query"; sql: string };

export type CopyStatement = { source: CopySource; format: CopyFormat };

type Node = Record<string, unknown>;
type DefElem = { defname: string; arg?: Node };

/**
 * Reads a COPY … TO STDOUT statement: what it copies (a table and its column list, or a query) and
 * the format options. Null when the text is not one COPY TO statement.
 */
export function parseCopyStatement(sql: string): CopyStatement | null {
  let stmts: { stmt?: Node }[];
  try {
    stmts = (parseSync(sql) as { stmts?: { stmt?: Node }[] }).stmts ?? [];
  } catch {
    return null;
  }
  const copy = stmts.length === 1 ? (stmts[0]!.stmt?.CopyStmt as Node | undefined) : undefined;
  if (!copy || copy.is_from) return null;
  const options = ((copy.options as { DefElem: DefElem }[] | undefined) ?? []).map((o) => o.DefElem);
  const format = copyFormat(options);
  const relation = copy.relation as { schemaname?: string; relname: string } | undefined;
  if (relation) {
    const attlist = copy.attlist as { String: { sval: string } }[] | undefined;
    return { format, source: { kind: "relation", schema: relation.schemaname ?? null, name: relation.relname, columns: attlist ? attlist.map((a) => a.String.sval) : null } };
  }
  const query = innerQueryText(sql);
  return query ? { format, source: { kind: "query", sql: query } } : null;
}

function copyFormat(options: DefElem[]): CopyFormat {
  const get = (name: string) => options.find((o) => o.defname === name);
  const str = (name: string) => {
    const arg = get(name)?.arg;
    return arg ? ((arg.String as { sval?: string } | undefined)?.sval ?? null) : null;
  };
  const format = (str("format") ?? "text").toLowerCase() as CopyFormat["format"];
  const isCsv = format === "csv";
  const quote = str("quote") ?? '"';
  return {
    format,
    delimiter: str("delimiter") ?? (isCsv ? "," : "\t"),
    nullString: str("null") ?? (isCsv ? "" : "\\N"),
    quote,
    escape: str("escape") ?? quote,
    header: isTrue(get("header")),
    encoding: str("encoding"),
  };
}

/** HEADER, HEADER true/on/1, HEADER MATCH (only for COPY FROM) are all "on". */
function isTrue(option: DefElem | undefined): boolean {
  if (!option) return false;
  const arg = option.arg;
  if (!arg) return true;
  if (arg.Boolean) return Boolean((arg.Boolean as { boolval?: boolean }).boolval);
  if (arg.Integer) return Boolean((arg.Integer as { ival?: number }).ival);
  const s = String((arg.String as { sval?: string } | undefined)?.sval ?? "").toLowerCase();
  return !["false", "off", "0", "no"].includes(s);
}

/** The text between COPY's first parenthesis and its match, found with PostgreSQL's own scanner. */
function innerQueryText(sql: string): string | null {
  const bytes = Buffer.from(sql, "utf8");
  let tokens: { start: number; end: number; text: string }[];
  try {
    tokens = scanSync(sql).tokens;
  } catch {
    return null;
  }
  const open = tokens.findIndex((t) => t.text === "(");
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.text === "(") depth++;
    else if (tokens[i]!.text === ")" && --depth === 0) return bytes.toString("utf8", tokens[open]!.end, tokens[i]!.start).trim();
  }
  return null;
}
