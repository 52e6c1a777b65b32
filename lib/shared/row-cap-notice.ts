/**
 * The notice the gateway sends when an agent's result is cut at the connection's agent row cap
 * (policy access.agentRowCap), before the statement's completion. Warden's own MCP server reads it
 * back to tell the model how many rows there were. `total` is null when the notice comes at a
 * suspended portal, before the server has sent every row.
 */
export function rowCapNotice(cap: number, total: number | null): string {
  const all = total === null ? "more rows were not sent" : `${total} rows in all`;
  return `Warden: result cut at ${cap} rows by the connection's agent row cap (${all})`;
}

const ROW_CAP_NOTICE = /^Warden: result cut at (\d+) rows by the connection's agent row cap \((?:(\d+) rows in all|more rows were not sent)\)$/;

/** The cap and total a row-cap notice names; null for any other message. */
export function readRowCapNotice(message: string): { cap: number; total: number | null } | null {
  const m = ROW_CAP_NOTICE.exec(message);
  return m ? { cap: Number(m[1]), total: m[2] === undefined ? null : Number(m[2]) } : null;
}
