import type { RecordedColumn, RecordedParam } from "@/drizzle/schema";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { StatementRun } from "./statement-run";

/**
 * The session's prepared statements and portals, as the SERVER has them.
 *
 * PostgreSQL keeps one namespace of prepared statements per session, shared by the protocol's Parse
 * and SQL PREPARE (and EXECUTE, DEALLOCATE, DISCARD ALL), and one of portals, shared by Bind and SQL
 * DECLARE. The gateway must know, for every Bind and Execute, which SQL will run, so it mirrors both
 * namespaces. A change is only believed once the server confirms it (ParseComplete, BindComplete,
 * CloseComplete, the CommandComplete of PREPARE / DEALLOCATE / DECLARE / CLOSE); a request the server
 * refuses, or skips after an error until Sync, changes nothing.
 *
 * Between forwarding a request and its answer the change is pending. A lookup made meanwhile resolves
 * through pending changes of the SAME block (the messages up to the next Sync, or one Query string):
 * if such a change fails, the server skips everything after it in the block, the lookup's message
 * included, so assuming success is safe. A pending change from an EARLIER block may fail without
 * stopping the lookup's message from running against the old definition, so that lookup is
 * `uncertain`, and the caller waits for the server's answers before deciding.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
 */

export type PreparedStatement = {
  name: string;
  /** The SQL that runs when the statement is executed (for SQL PREPARE, the statement after AS). */
  sql: string;
  classification: ClassifiedStatement;
  /** The text did not parse (or was too large): policy applies its fail-closed rule. */
  parseError: string | null;
  paramTypes: number[];
  /** From Describe of the statement (format codes there are always 0). */
  columns: RecordedColumn[] | null;
};

export type Portal = {
  name: string;
  statement: PreparedStatement;
  params: RecordedParam[] | null;
  resultFormats: number[];
  /** From Describe of the portal. */
  columns: RecordedColumn[] | null;
  /** Set once executed: a later Execute of a suspended portal continues the same statement. */
  run: StatementRun | null;
  /** The client's Bind, as sent: the blast-radius guard binds the portal again to re-run an approved write. */
  bindFrame?: Buffer;
};

export type Lookup<T> = { kind: "found"; value: T } | { kind: "missing" } | { kind: "uncertain"; settled: Promise<void> };

type Space = "statement" | "portal";
export type NamespaceChange =
  | { space: Space; kind: "define"; name: string; value: PreparedStatement | Portal }
  /** name null: every entry (DEALLOCATE ALL, DISCARD ALL, CLOSE ALL). */
  | { space: Space; kind: "drop"; name: string | null };

/** A forwarded change awaiting the server's answer. */
export type PendingChange = NamespaceChange & { block: number; settle(isApplied: boolean): void };

export class StatementNamespace {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  private pending: PendingChange[] = [];
  private pendingHead = 0;
  /** The block the next forwarded message belongs to; advanced after each Sync and each Query. */
  block = 0;
  private waiters: { resolve: () => void; until: number }[] = [];
  /** Named definitions not answered yet, per name (how many), so the cap is checked in constant time. */
  private readonly pendingNames = { statement: new Map<string, number>(), portal: new Map<string, number>() };
  private settledCount = 0;
  private createdCount = 0;

  constructor(private readonly limits: { maxStatements: number; maxPortals: number }) {}

  /** Registers a change the server has not confirmed yet; `settle` applies (true) or drops (false) it. */
  propose(change: NamespaceChange): PendingChange {
    const entry = { ...change, block: this.block, settle: (isApplied: boolean) => this.settle(entry, isApplied) } as PendingChange;
    this.createdCount++;
    this.pending.push(entry);
    if (change.kind === "define" && change.name !== "") this.countPending(change.space, change.name, 1);
    return entry;
  }

  endBlock(): void {
    this.block++;
  }

  lookupStatement(name: string): Lookup<PreparedStatement> {
    return this.lookup("statement", name) as Lookup<PreparedStatement>;
  }

  lookupPortal(name: string): Lookup<Portal> {
    return this.lookup("portal", name) as Lookup<Portal>;
  }

  /**
   * Whether a new definition of `name` would pass the session's cap: the gateway never forgets a
   * live statement, so past the cap new names are refused instead. Redefining an existing name
   * (the unnamed statement, a portal re-bound) does not count.
   */
  hasRoomFor(space: Space, name: string): boolean {
    if (name === "") return true;
    const map: Map<string, unknown> = space === "statement" ? this.statements : this.portals;
    if (map.has(name) || this.pendingNames[space].has(name)) return true;
    // Pending names may redefine known ones: counted twice, which errs on the side of the cap.
    const count = map.size + this.pendingNames[space].size;
    return count < (space === "statement" ? this.limits.maxStatements : this.limits.maxPortals);
  }

  get statementCount(): number {
    return this.statements.size;
  }

  /** Every pending change settled as failed (the session is over). */
  abandon(): void {
    for (let i = this.pendingHead; i < this.pending.length; i++) this.pending[i].settle(false);
  }

  private lookup(space: Space, name: string): Lookup<PreparedStatement | Portal> {
    for (let i = this.pending.length - 1; i >= this.pendingHead; i--) {
      const c = this.pending[i];
      if (c.space !== space || (c.name !== null && c.name !== name)) continue;
      if (c.block !== this.block) return { kind: "uncertain", settled: this.waitUntilSettled(i) };
      return c.kind === "define" ? { kind: "found", value: c.value } : { kind: "missing" };
    }
    const map: Map<string, PreparedStatement | Portal> = space === "statement" ? this.statements : this.portals;
    const value = map.get(name);
    return value ? { kind: "found", value } : { kind: "missing" };
  }

  /**
   * Resolves once every change proposed in an earlier block has settled, that is, once the server
   * has answered every earlier block through its ReadyForQuery (each Query, Sync and FunctionCall
   * proposes the end of its transaction last, settled there); null when nothing earlier is pending.
   */
  earlierBlocksSettled(): Promise<void> | null {
    for (let i = this.pending.length - 1; i >= this.pendingHead; i--) {
      if (this.pending[i].block !== this.block) return this.waitUntilSettled(i);
    }
    return null;
  }

  /** Resolves once the pending change at index `i` (and so every one before it) has settled. */
  private waitUntilSettled(i: number): Promise<void> {
    const until = this.settledCount + (i - this.pendingHead) + 1;
    return new Promise((resolve) => this.waiters.push({ resolve, until }));
  }

  private settle(entry: PendingChange, isApplied: boolean): void {
    const i = this.pending.indexOf(entry, this.pendingHead);
    if (i < 0) return;
    // Answers come in order: anything still pending before this entry was skipped by the server.
    for (let j = this.pendingHead; j <= i; j++) {
      const c = this.pending[j];
      if (c.kind === "define" && c.name !== "") this.countPending(c.space, c.name, -1);
      if (j < i) this.pending[j] = { ...c, settle: () => {} };
    }
    this.settledCount += i - this.pendingHead + 1;
    this.pendingHead = i + 1;
    if (isApplied) this.apply(entry);
    if (this.pendingHead > 256 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.until <= this.settledCount);
      this.waiters = this.waiters.filter((w) => w.until > this.settledCount);
      for (const w of ready) w.resolve();
    }
  }

  private countPending(space: Space, name: string, by: 1 | -1): void {
    const names = this.pendingNames[space];
    const n = (names.get(name) ?? 0) + by;
    if (n > 0) names.set(name, n);
    else names.delete(name);
  }

  private apply(c: NamespaceChange): void {
    const map: Map<string, PreparedStatement | Portal> = c.space === "statement" ? this.statements : this.portals;
    if (c.kind === "define") map.set(c.name, c.value);
    else if (c.name === null) map.clear();
    else map.delete(c.name);
  }
}
