import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { RecordedColumn, RecordedParam } from "@/drizzle/schema";
import type { CopyOutResult, FinalDecision, ReviewOutcome, RowFilter, StatementContext } from "../hooks/gateway-hooks";
import { recordedStatementOf } from "../recording/recorded-statement";
import { cleanText, type StatementBeginRow, type StatementFinishRow } from "../recording/records";
import { parseCopyStatement } from "../masking/copy-statement";
import { countStatement, observeAddedLatency, observeServerTime } from "../metrics/gateway-metrics";

export type ResultLimits = { maxRows: number; maxBytes: number };

/**
 * One statement as the gateway records it: what was asked, what was decided, and what the server
 * answered, including the first rows of the result up to the limits.
 */
export class StatementRun {
  readonly id: string;
  readonly receivedAt = new Date();
  private readonly receivedPerf = performance.now();
  private forwardedPerf: number | null = null;
  status: StatementFinishRow["status"] | "running" | "blocked" = "running";
  decision: "forward" | "block" | "hold" = "forward";
  decisionReason: string | null = null;
  /** A held statement's approval: who decided, when, with what comment. */
  review: ReviewOutcome | null = null;
  blockedWith: { sqlState: string; message: string; quoted?: string[] } | null = null;
  columns: RecordedColumn[] | null = null;
  /** Result formats per column (0 text, 1 binary), from Bind or RowDescription. */
  private formats: number[] = [];
  hasColumns = false;
  rowFilter: RowFilter | undefined;
  /** The row filter is still being set up: its rows wait (see ResponseTracker.handle). */
  pendingRowFilter: Promise<void> | null = null;
  /** COPY TO STDOUT: the CopyOutResponse's description. */
  copy: CopyOutResult | null = null;
  /** The row filter failed: the rest of this result is withheld. */
  isWithheld = false;
  private rows: (string | null)[][] = [];
  private rowBytes = 0;
  private isTruncated = false;
  private resultRows = 0;
  /**
   * The policy caps the rows the client receives (an agent's session under access.agentRowCap): rows
   * past `rowCap` are read from the server and counted, not sent. Checked per row only when true.
   */
  hasRowCap = false;
  private rowCap = 0;
  private sentRows = 0;
  /** Rows read from the server and not sent to the client (past the row cap). */
  cutRows = 0;
  /** The client was told its result was cut (once per statement). */
  hasToldCut = false;
  /** COPY TO STDOUT under the row cap: its HEADER line is still to come (not a row). */
  private isCopyHeaderPending = false;
  commandTag: string | null = null;
  rowCount: number | null = null;
  error: { code: string; message: string } | null = null;
  isFinished = false;
  /**
   * The blast-radius guard is measuring this statement: its outcome is recorded when the guard has
   * decided (blast-radius/guarded-write.ts), not at its CommandComplete.
   */
  isMeasured = false;
  /** A reviewer approved it (held and approved, or under a grant): the blast-radius guard does not hold it again. */
  isReviewed = false;

  /** What the recording keeps of the result: the gateway's limits, until the policy that lets the statement run says otherwise. */
  private maxRows: number;
  private maxBytes: number;

  constructor(
    readonly ctx: StatementContext & { seq: number },
    limits: ResultLimits,
  ) {
    this.id = ctx.statementId;
    this.maxRows = limits.maxRows;
    this.maxBytes = limits.maxBytes;
  }

  markForwarded(): void {
    this.forwardedPerf = performance.now();
    observeAddedLatency(this.forwardedPerf - this.receivedPerf, this.decision);
  }

  get isForwarded(): boolean {
    return this.forwardedPerf !== null;
  }

  /**
   * The portal may give more rows: admitted and not completed (suspended, no answer yet, or still
   * waiting for its record), so a later Execute of the portal continues this statement.
   */
  get isContinuable(): boolean {
    return this.status === "running" || this.status === "suspended";
  }

  /** A suspended portal is executed again: the same statement goes on. */
  resume(): void {
    if (this.status !== "suspended") return;
    this.status = "running";
    this.isFinished = false;
  }

  decide(decision: FinalDecision, wasHeld: boolean, reason: string | null = null): void {
    this.decision = wasHeld ? "hold" : decision.action;
    this.decisionReason = reason ?? decision.reason ?? null;
    this.review = decision.review ?? null;
    if (decision.action === "forward" && decision.result) {
      // The policy that let the statement run caps its result, for the statement's whole life
      // (every Execute of a suspended portal included).
      const r = decision.result;
      this.maxRows = r.recordedRows;
      this.maxBytes = r.recordedBytes;
      if (r.clientRows !== null) {
        this.hasRowCap = true;
        this.rowCap = r.clientRows;
      }
    }
    if (wasHeld || (decision.action === "forward" && decision.isPreApproved)) this.isReviewed = true;
    if (decision.action === "block") {
      // Never forwarded: the begin record carries its final state.
      this.status = "blocked";
      this.isFinished = true;
      this.blockedWith = { sqlState: decision.sqlState, message: decision.message, quoted: decision.quoted };
      if (!this.decisionReason) this.decisionReason = decision.message;
    }
  }

  setColumns(columns: RecordedColumn[] | null, resultFormats: number[]): void {
    this.hasColumns = true;
    this.columns = columns;
    const n = columns?.length ?? 0;
    this.formats = Array.from({ length: n }, (_, i) =>
      resultFormats.length === 0 ? (columns?.[i].format === "binary" ? 1 : 0) : resultFormats.length === 1 ? resultFormats[0] : (resultFormats[i] ?? 0),
    );
    if (this.columns) this.columns = this.columns.map((c, i) => ({ ...c, format: this.formats[i] === 1 ? "binary" : "text" }));
  }

  /** The next row will be kept (unless it alone is over the byte limit). */
  get isCapturing(): boolean {
    return !this.isTruncated && this.rows.length < this.maxRows;
  }

  /** The client's row cap, when it has one. */
  get clientRowCap(): number | null {
    return this.hasRowCap ? this.rowCap : null;
  }

  /** Under the row cap: the rows the client received (COPY: data rows, the header line not counted). */
  get cappedRowsSent(): number {
    return this.sentRows;
  }

  /**
   * Under the row cap (hasRowCap): true when this row goes to the client; false when the cap is
   * reached, and the row is counted for the recording's total, neither sent nor kept.
   */
  admitCappedRow(): boolean {
    if (this.sentRows < this.rowCap) {
      this.sentRows++;
      return true;
    }
    this.resultRows++;
    this.cutRows++;
    this.isTruncated = true;
    return false;
  }

  /**
   * COPY TO STDOUT under the row cap: the same for one CopyData message, where the HEADER line and
   * the binary format's trailer are not rows: they always go through, uncounted.
   */
  admitCappedCopyData(data: Buffer, isBinary: boolean): boolean {
    if (this.isCopyHeaderPending) {
      this.isCopyHeaderPending = false;
      return true;
    }
    if (isBinary && data.length === 2 && data[0] === 0xff && data[1] === 0xff) return true;
    return this.admitCappedRow();
  }

  /** Counts a row the recording does not keep (isCapturing was false). */
  countRow(): void {
    this.resultRows++;
    if (!this.isTruncated) this.isTruncated = true;
  }

  /** Counts a row and keeps it while under the limits. */
  captureRow(values: (Buffer | null)[]): void {
    this.resultRows++;
    if (this.isTruncated) return;
    if (this.rows.length >= this.maxRows) {
      this.isTruncated = true;
      return;
    }
    let size = 0;
    for (const v of values) size += v ? v.length : 0;
    if (this.rowBytes + size > this.maxBytes) {
      this.isTruncated = true;
      return;
    }
    this.rowBytes += size;
    this.rows.push(values.map((v, i) => (v === null ? null : this.formats[i] === 1 ? v.toString("base64") : cleanText(v.toString("utf8")))));
  }

  /** COPY TO STDOUT data: each CopyData message is kept as a one-column row. */
  captureCopyData(data: Buffer, isBinary: boolean): void {
    if (!this.hasColumns) this.setCopyColumns({ isBinary, columnFormats: [] });
    this.captureRow([data]);
  }

  /** The guard rolled the statement back: it runs again (approved) or is refused; what it returned is not kept. */
  restart(): void {
    this.status = "running";
    this.isFinished = false;
    this.rows = [];
    this.rowBytes = 0;
    this.isTruncated = false;
    this.resultRows = 0;
    this.commandTag = null;
    this.rowCount = null;
    this.error = null;
    this.hasColumns = false;
    this.columns = null;
    this.isWithheld = false;
  }

  /** COPY TO STDOUT: the recording keeps each CopyData message as a row of one column named "copy". */
  setCopyColumns(copy: CopyOutResult): void {
    this.copy = copy;
    // Read only when a cap counts rows: the header line is a message of its own, and no row.
    if (this.hasRowCap && !copy.isBinary) this.isCopyHeaderPending = parseCopyStatement(this.ctx.sql)?.format.header ?? false;
    this.hasColumns = true;
    this.columns = [{ name: "copy", typeOid: 0, tableOid: 0, columnNumber: 0, format: copy.isBinary ? "binary" : "text" }];
    this.formats = [copy.isBinary ? 1 : 0];
  }

  finish(status: StatementFinishRow["status"], opts: { tag?: string; rowCount?: number | null; error?: { code: string; message: string } } = {}): void {
    this.status = status;
    if (opts.tag !== undefined) this.commandTag = opts.tag;
    if (opts.rowCount !== undefined) this.rowCount = opts.rowCount;
    if (opts.error) this.error = opts.error;
    this.isFinished = status !== "suspended";
  }

  beginRow(sessionId: string): StatementBeginRow {
    const { ctx } = this;
    const isBlocked = this.status === "blocked";
    const isSkipped = this.status === "skipped";
    const recorded = recordedStatementOf(ctx);
    countStatement(ctx.classification.kind, this.decision, ctx.session.actorKind, this.status);
    return {
      id: this.id,
      sessionId,
      seq: ctx.seq,
      protocol: ctx.protocol,
      sql: recordedSql(recorded.sql, ctx.sqlDigest),
      params: recorded.params,
      kind: ctx.classification.kind,
      command: ctx.classification.command,
      relations: ctx.classification.relations,
      fingerprint: ctx.classification.fingerprint,
      parseError: recorded.parseError,
      decision: this.decision,
      decisionReason: this.decisionReason,
      flags: ctx.classification.flags,
      approvalRequestId: this.review?.approvalRequestId ?? null,
      decidedBy: this.review?.decidedBy ?? null,
      decidedAt: this.review?.decidedAt ?? null,
      decisionComment: this.review?.comment ?? null,
      status: isBlocked ? "blocked" : isSkipped ? "skipped" : "running",
      receivedAt: this.receivedAt,
      gatewayMs: isBlocked || isSkipped ? null : performance.now() - this.receivedPerf,
      finishedAt: isBlocked || isSkipped ? new Date() : null,
      errorCode: this.blockedWith?.sqlState ?? null,
      errorMessage: this.blockedWith ? cleanText(this.blockedWith.message) : null,
    };
  }

  finishRow(): StatementFinishRow {
    const { scrub, isRedacted } = recordedStatementOf(this.ctx);
    const durationMs = this.forwardedPerf === null ? null : performance.now() - this.forwardedPerf;
    observeServerTime(durationMs, this.status);
    return {
      id: this.id,
      sessionId: this.ctx.session.id,
      receivedAt: this.receivedAt,
      status: this.status as StatementFinishRow["status"],
      finishedAt: new Date(),
      durationMs,
      commandTag: this.commandTag,
      rowCount: this.rowCount,
      errorCode: this.error?.code ?? null,
      errorMessage: this.error ? scrub(cleanText(this.error.message)) : null,
      columns: this.columns,
      // Text cells only: a binary cell is kept as base64 and is not searched.
      rows: this.hasColumns ? (isRedacted ? this.rows.map((row) => row.map((v, i) => (v === null || this.formats[i] === 1 ? v : scrub(v)))) : this.rows) : null,
      rowsTruncated: this.isTruncated,
      resultRowCount: this.resultRows,
      maskedColumns: this.recordedMaskedColumns(),
      // The decision as it stands now: the blast-radius guard may have held the statement after its begin record.
      decision: this.decision,
      decisionReason: this.decisionReason,
      approvalRequestId: this.review?.approvalRequestId ?? null,
      decidedBy: this.review?.decidedBy ?? null,
      decidedAt: this.review?.decidedAt ?? null,
      decisionComment: this.review?.comment ?? null,
    };
  }

  private recordedMaskedColumns() {
    const columns = this.rowFilter?.maskedColumns?.();
    if (!columns) return null;
    // Row numbers past the rows the recording kept would mark nothing the player can show.
    return columns.map((c) => (c.rows ? { ...c, rows: c.rows.filter((r) => r < this.rows.length) } : c));
  }
}

/** Bind parameters as recorded: text as is, binary as base64, long values cut at `maxChars`. */
export function recordParams(values: (Buffer | null)[], formats: number[], types: number[], maxChars = 64 * 1024): RecordedParam[] {
  return values.map((v, i) => {
    const format = formats[i] === 1 ? "binary" : "text";
    const typeOid = types[i] ?? 0;
    if (v === null) return { format, value: null, typeOid };
    let value = format === "binary" ? v.toString("base64") : cleanText(v.toString("utf8"));
    const isTruncated = value.length > maxChars;
    if (isTruncated) value = value.slice(0, maxChars);
    return isTruncated ? { format, value, typeOid, isTruncated } : { format, value, typeOid };
  });
}

/** Statement text longer than this is recorded as a prefix and the full text's size and hash. */
export const RECORDED_SQL_CHARS = 64 * 1024;

/** The statement's text for the record: whole when short; else a capped prefix, its size and hash. */
function recordedSql(sql: string, digest: StatementContext["sqlDigest"]): string {
  if (!digest && sql.length <= RECORDED_SQL_CHARS) return cleanText(sql);
  const full = digest ?? { bytes: Buffer.byteLength(sql), sha256: createHash("sha256").update(sql).digest("hex") };
  return `${cleanText(sql.slice(0, RECORDED_SQL_CHARS))}\n/* … statement text cut by Warden: ${full.bytes} bytes in all, sha256 ${full.sha256} */`;
}
