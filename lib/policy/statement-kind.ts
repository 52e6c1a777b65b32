/**
 * What a statement does, from its parse-tree node type. Policies match on these kinds; a fuller
 * classification (flags such as "write without WHERE", dangerous functions) builds on this.
 */
export const STATEMENT_KINDS = ["read", "write", "ddl", "dcl", "admin", "transaction", "session", "procedural", "unknown"] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

const BY_NODE: Record<string, StatementKind> = {
  SelectStmt: "read",
  SetOperationStmt: "read",
  FetchStmt: "read",
  VariableShowStmt: "read",
  InsertStmt: "write",
  UpdateStmt: "write",
  DeleteStmt: "write",
  MergeStmt: "write",
  TruncateStmt: "write",
  RefreshMatViewStmt: "write",
  NotifyStmt: "write",
  GrantStmt: "dcl",
  GrantRoleStmt: "dcl",
  AlterDefaultPrivilegesStmt: "dcl",
  CreateRoleStmt: "dcl",
  AlterRoleStmt: "dcl",
  AlterRoleSetStmt: "dcl",
  DropRoleStmt: "dcl",
  AlterOwnerStmt: "dcl",
  ReassignOwnedStmt: "dcl",
  DropOwnedStmt: "dcl",
  CreatePolicyStmt: "dcl",
  AlterPolicyStmt: "dcl",
  CreateUserMappingStmt: "dcl",
  AlterUserMappingStmt: "dcl",
  DropUserMappingStmt: "dcl",
  TransactionStmt: "transaction",
  VariableSetStmt: "session",
  DiscardStmt: "session",
  DeallocateStmt: "session",
  PrepareStmt: "session",
  ListenStmt: "session",
  UnlistenStmt: "session",
  ClosePortalStmt: "session",
  ConstraintsSetStmt: "session",
  LockStmt: "session",
  DoStmt: "procedural",
  CallStmt: "procedural",
  ExecuteStmt: "procedural",
  AlterSystemStmt: "admin",
  VacuumStmt: "admin",
  ClusterStmt: "admin",
  ReindexStmt: "admin",
  CheckPointStmt: "admin",
  LoadStmt: "admin",
  CreatedbStmt: "admin",
  AlterDatabaseStmt: "admin",
  AlterDatabaseSetStmt: "admin",
  AlterDatabaseRefreshCollStmt: "admin",
  DropdbStmt: "admin",
  CreateTableSpaceStmt: "admin",
  DropTableSpaceStmt: "admin",
  AlterTableSpaceOptionsStmt: "admin",
  AlterTableMoveAllStmt: "admin",
  CreateSubscriptionStmt: "admin",
  AlterSubscriptionStmt: "admin",
  DropSubscriptionStmt: "admin",
  CreatePublicationStmt: "admin",
  AlterPublicationStmt: "admin",
  CreateEventTrigStmt: "admin",
  AlterEventTrigStmt: "admin",
  CreateExtensionStmt: "admin",
  AlterExtensionStmt: "admin",
  AlterExtensionContentsStmt: "admin",
  CreatePLangStmt: "admin",
  CreateFdwStmt: "admin",
  AlterFdwStmt: "admin",
  CreateForeignServerStmt: "admin",
  AlterForeignServerStmt: "admin",
};

/** Kind of a top-level parse node. `node` is `{ SelectStmt: {...} }` as libpg-query returns it. */
export function kindOfNode(node: Record<string, unknown>): StatementKind {
  const [type] = Object.keys(node);
  const body = node[type] as Record<string, unknown>;
  switch (type) {
    case "SelectStmt":
      // SELECT … INTO creates a table.
      if (body?.intoClause) return "ddl";
      return hasDataModifyingCte(body) ? "write" : "read";
    case "CopyStmt":
      if (body?.is_from) return "write";
      // COPY (DELETE ... RETURNING *) TO STDOUT runs the DELETE.
      return body?.query ? kindOfNode(body.query as Record<string, unknown>) : "read";
    case "ExplainStmt":
      // EXPLAIN ANALYZE runs the statement; plain EXPLAIN only plans it.
      return isExplainAnalyze(body) && body?.query ? kindOfNode(body.query as Record<string, unknown>) : "read";
    case "DeclareCursorStmt":
      return body?.query ? kindOfNode(body.query as Record<string, unknown>) : "read";
    case "CreateTableAsStmt":
      return "ddl";
  }
  const known = BY_NODE[type];
  if (known) return known;
  if (/^(Create|Alter|Drop|Define|Rename|Comment|SecLabel|Index|View|Rule|CompositeType|Import)/.test(type)) return "ddl";
  // A statement type this table does not know yet: treated as the most privileged kind.
  return "admin";
}

function hasDataModifyingCte(select: Record<string, unknown> | undefined): boolean {
  const ctes = (select?.withClause as { ctes?: { CommonTableExpr?: { ctequery?: Record<string, unknown> } }[] } | undefined)?.ctes ?? [];
  return ctes.some((c) => {
    const q = c.CommonTableExpr?.ctequery;
    if (!q) return false;
    const kind = kindOfNode(q);
    return kind === "write";
  });
}

type DefElem = { DefElem?: { defname?: string; arg?: Record<string, { sval?: string; ival?: number; boolval?: boolean } | undefined> } };

/**
 * Whether an ExplainStmt runs its statement: `EXPLAIN ANALYZE ...`, `EXPLAIN (ANALYZE) ...`,
 * `EXPLAIN (ANALYZE on) ...`, but not `EXPLAIN (ANALYZE false) ...`.
 */
export function isExplainAnalyze(explain: Record<string, unknown> | undefined): boolean {
  const options = (explain?.options as DefElem[] | undefined) ?? [];
  const analyze = options.find((o) => o.DefElem?.defname === "analyze")?.DefElem;
  if (!analyze) return false;
  const arg = analyze.arg;
  if (!arg) return true;
  const value = arg.String?.sval ?? arg.Boolean?.boolval ?? arg.Integer?.ival;
  if (typeof value === "string") return !["false", "off", "0", "no"].includes(value.toLowerCase());
  if (typeof value === "number") return value !== 0;
  // An A_Const false arrives as `{ Boolean: {} }` (protobuf leaves false out).
  if (arg.Boolean) return value === true;
  if (arg.Integer) return false;
  return true;
}
