import type { StatementKind } from "./statement-kind";

/** What each statement kind covers, in words an admin or reviewer reads at a glance. */
export const KIND_LABELS: Record<StatementKind, string> = {
  read: "Read (SELECT, SHOW, COPY TO)",
  write: "Write (INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY FROM)",
  ddl: "Schema change (CREATE, ALTER, DROP)",
  dcl: "Permissions (GRANT, REVOKE, roles, row security)",
  admin: "Administration (VACUUM, ALTER SYSTEM, databases, extensions)",
  transaction: "Transaction control (BEGIN, COMMIT, ROLLBACK)",
  session: "Session settings (SET, PREPARE, LISTEN, LOCK)",
  procedural: "Procedural (DO, CALL, EXECUTE)",
  unknown: "Not classified (did not parse)",
};

/** The short name used in badges and summaries. */
export const KIND_SHORT_LABELS: Record<StatementKind, string> = {
  read: "read",
  write: "write",
  ddl: "DDL",
  dcl: "DCL",
  admin: "admin",
  transaction: "transaction",
  session: "session",
  procedural: "procedural",
  unknown: "unclassified",
};
