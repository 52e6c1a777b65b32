import type { MaskedColumn } from "@/drizzle/schema";
import { DETECTORS, type Detector, type MaskingPolicy } from "@/lib/policy/policy-document";
import {
  compileMaskingPolicy,
  maskColumnText,
  planColumn as planPolicyColumn,
  type ColumnMatch,
  type ColumnPlan as PolicyColumnPlan,
  type CompiledMaskingPolicy,
  type MaskingContext,
  type MaskingExemption,
  type ValueClass,
} from "@/lib/policy/masking";
import { createAsciiMasker } from "@/lib/policy/masking/ascii-mask";
import { detectorBit, detectorMask, possibleDetectors } from "@/lib/policy/masking/detectors/prefilter";
import { applyFindings, findDetected, findDetectedInAscii } from "@/lib/policy/masking/mask-detected";
import type { RowFilter } from "../hooks/gateway-hooks";
import { protocolViolation } from "../protocol/client-error";
import { createMaskTally } from "../metrics/mask-tally";
import { canWriteText, readValueText, writeValueText } from "./value-types";

/** A connection's masking section, prepared once per policy version. */
export type CompiledMasking = CompiledMaskingPolicy & { version: number };

/**
 * Throws on a semantic type the policy does not define (a validated document has none): the caller
 * then fails closed for every result of the connection rather than leave a rule's column unmasked.
 */
export function compileMasking(version: number, masking: MaskingPolicy, ctx: MaskingContext): CompiledMasking {
  return { version, ...compileMaskingPolicy(masking, ctx) };
}

/** What masking does with one result column, and whether its values come in binary format. */
export type ColumnPlan = { kind: "pass" } | (Exclude<PolicyColumnPlan, { kind: "pass" }> & { isBinary: boolean });

export function planColumn(m: CompiledMasking, match: ColumnMatch | null, cls: ValueClass, isBinary: boolean): ColumnPlan {
  const plan = planPolicyColumn(m, match, cls);
  return plan.kind === "pass" ? plan : { ...plan, isBinary };
}

export const UNCHANGED = Symbol("unchanged");
export type CellResult = Buffer | null | typeof UNCHANGED;

/**
 * Masks one non-null value as its plan says. `fired` collects the detectors that found something.
 * A masked value a binary column cannot carry as text becomes NULL.
 */
export function maskCell(value: Buffer, plan: ColumnPlan, m: CompiledMasking, fired?: Set<Detector>): CellResult {
  if (plan.kind === "pass") return UNCHANGED;
  const { cls, isBinary } = plan;
  if (plan.kind === "rule" && !canWriteText(cls, isBinary)) return null;
  const text = readValueText(value, cls, isBinary);
  if (text === null) return UNCHANGED;
  const masked = maskColumnText(text, plan, m);
  if (masked === null) return UNCHANGED;
  for (const d of masked.fired) fired?.add(d);
  if (masked.text === null || !canWriteText(cls, isBinary)) return null;
  return writeValueText(masked.text, cls, isBinary);
}

/** Row numbers listed per column for the player; the recording keeps fewer rows than this anyway. */
const MAX_LISTED_ROWS = 100_000;

/** Which columns masking touched, for the recording (`statements.masked_columns`). */
export class MaskedColumnsSummary {
  /** `bits`: the detectors noteFindingBits has added to `detectors` (a mask of detectorBit). */
  private readonly found = new Map<number, { detectors: Set<Detector>; rows: number[]; isTruncated: boolean; bits: number }>();

  constructor(
    private readonly names: readonly string[],
    private readonly plans: readonly ColumnPlan[],
    private readonly m: CompiledMasking,
    private readonly exemptGroup: string | null,
  ) {}

  /**
   * Findings in a row the recording does not keep (past its cap): the column's detectors count, but
   * the row is not listed, since the player can only mark the rows it has; the list says it is
   * incomplete instead. The detectors are a mask of detectorBit, and the set is touched only when
   * one fires in the column for the first time.
   */
  noteUnrecordedFindings(column: number, fired: number): void {
    let f = this.found.get(column);
    if (!f) this.found.set(column, (f = { detectors: new Set(), rows: [], isTruncated: false, bits: 0 }));
    if (fired & ~f.bits) {
      f.bits |= fired;
      for (const d of DETECTORS) if (fired & detectorBit(d)) f.detectors.add(d);
    }
    f.isTruncated = true;
  }

  noteFindings(column: number, row: number, detectors: Set<Detector>): void {
    let f = this.found.get(column);
    if (!f) this.found.set(column, (f = { detectors: new Set(), rows: [], isTruncated: false, bits: 0 }));
    for (const d of detectors) f.detectors.add(d);
    if (f.rows.length < MAX_LISTED_ROWS) f.rows.push(row);
    else f.isTruncated = true;
  }

  result(): MaskedColumn[] | null {
    const out: MaskedColumn[] = [];
    const exempt = this.exemptGroup ? { exemptGroup: this.exemptGroup } : {};
    this.plans.forEach((p, index) => {
      const name = this.names[index] ?? "";
      if (p.kind === "rule") {
        const { match } = p;
        // Lineage: the player says "masked: computed from public.customers.email" or "source unknown (why)".
        if (match.matchedBy === "lineage") out.push({ index, name, matchedBy: "lineage", semanticTypes: match.semanticTypes, rule: match.rule, sources: match.sources, ...exempt });
        else if (match.matchedBy === "undetermined") out.push({ index, name, matchedBy: "undetermined", semanticTypes: [], rule: null, reason: match.reason, ...exempt });
        else out.push({ index, name, matchedBy: match.matchedBy, semanticTypes: [p.type.id], rule: match.rule, ...exempt });
        return;
      }
      const f = this.found.get(index);
      if (!f) return;
      const detectors = this.m.detectors.filter((d) => f.detectors.has(d.detector));
      out.push({
        index,
        name,
        matchedBy: "detector",
        semanticTypes: [...new Set(detectors.map((d) => d.semanticType.id))],
        rule: null,
        detectors: detectors.map((d) => d.detector),
        rows: f.rows,
        ...(f.isTruncated ? { rowsTruncated: true } : {}),
        ...exempt,
      });
    });
    return out.length > 0 ? out : null;
  }
}

/** A cell masked where it lies in the frame: same length, new bytes. */
const IN_PLACE = Symbol("in place");
type FrameCellResult = CellResult | typeof IN_PLACE;

/** What a cell masker found besides its result: the detectors that fired, as a mask of detectorBit (0: none). */
type CellFindings = { fired: number };

/**
 * One column's masking on the hot path: the value is bytes[start, end) of a DataRow frame, which it
 * may overwrite (IN_PLACE) when the masked value has the same length, and otherwise returns like
 * maskCell. The result is always maskCell's; only the work differs:
 * - a rule whose method keeps the length (partial, inner, outer) masks an ASCII value byte by byte;
 * - a rule whose mask does not depend on the value (full) returns one buffer, made once;
 * - detectors first scan the bytes once (possibleDetectors), and a value in which none of them can
 *   find anything is neither decoded nor searched; the others run only the detectors that can, and
 *   in an ASCII value each finding is masked by byte where it lies.
 */
type CellMasker = (frame: Buffer, start: number, end: number, found: CellFindings) => FrameCellResult;

function createCellMasker(plan: Exclude<ColumnPlan, { kind: "pass" }>, m: CompiledMasking): CellMasker {
  const { cls, isBinary } = plan;
  const firedSet = new Set<Detector>();
  const slow: CellMasker = (frame, start, end, found) => {
    firedSet.clear();
    const r = maskCell(frame.subarray(start, end), plan, m, firedSet);
    found.fired = firedSet.size === 0 ? 0 : detectorMask(firedSet);
    return r;
  };
  const isJson = cls === "json" || cls === "jsonb";
  // The value's bytes are its text (writeValueText writes the text as it is): text format, or binary text and json.
  const isTextAsIs = !isBinary || cls === "text" || cls === "json";
  if (plan.kind === "rule") {
    if (!canWriteText(cls, isBinary)) return () => null;
    if (!isTextAsIs) return slow;
    if (plan.type.method.algorithm === "full") {
      const constant = maskColumnText("", plan, m);
      const value = constant === null || constant.text === null ? null : writeValueText(constant.text, cls, isBinary);
      return () => value;
    }
    const ascii = isJson ? null : createAsciiMasker(plan.type.method, plan.type.format);
    if (!ascii) return slow;
    return (frame, start, end, found) => (ascii(frame, start, end) ? IN_PLACE : slow(frame, start, end, found));
  }
  // Detectors. Binary int8 and numeric are decoded to digits first: no byte scan for them.
  const skip = isBinary && cls === "jsonb" ? 1 : 0;
  if (!isTextAsIs && cls !== "other" && skip === 0) return slow;
  const { detectors, ctx } = m;
  const enabled = detectorMask(detectors.map((d) => d.detector));
  const bits = detectors.map((d) => detectorBit(d.detector));
  // Each detector's method on bytes, where it keeps the length (by rank, as findings name them).
  const asciiMaskers = detectors.map((d) => createAsciiMasker(d.semanticType.method, d.semanticType.format));
  const scan = { isAscii: false };
  return (frame, start, end, found) => {
    // jsonb's version byte is checked where it is read (readValueText).
    if (skip && frame[start] !== 1) return slow(frame, start, end, found);
    const possible = possibleDetectors(frame, start + skip, end, enabled, scan);
    if (possible === 0) return UNCHANGED;
    // A JSON value's masked text may need to become a JSON string: maskColumnText knows how.
    if (isJson) return slow(frame, start, end, found);
    // ASCII: a finding's offsets in the text are its bytes' offsets, and its mask may go right there.
    const { isAscii } = scan;
    const chosen = isAscii ? findDetectedInAscii(frame, start, end, detectors, possible, latin1) : findDetected(frame.toString("utf8", start, end), detectors, possible);
    if (chosen.length === 0) return UNCHANGED;
    let isByByte = isAscii && isTextAsIs;
    let fired = 0;
    for (let k = 0; k < chosen.length; k++) {
      const rank = chosen[k]!.rank;
      fired |= bits[rank]!;
      if (!asciiMaskers[rank]) isByByte = false;
    }
    found.fired = fired;
    if (!canWriteText(cls, isBinary)) return null;
    if (isByByte) {
      for (let k = 0; k < chosen.length; k++) {
        const f = chosen[k]!;
        asciiMaskers[f.rank]!(frame, start + f.start, start + f.end);
      }
      return IN_PLACE;
    }
    const masked = applyFindings(frame.toString(isAscii ? "latin1" : "utf8", start, end), chosen, detectors, ctx);
    if (masked === null) return null;
    if (isTextAsIs && Buffer.byteLength(masked) === end - start) {
      frame.write(masked, start, "utf8");
      return IN_PLACE;
    }
    return writeValueText(masked, cls, isBinary);
  };
}

const latin1 = (b: Buffer, start: number, end: number) => b.toString("latin1", start, end);

/**
 * Masks DataRow values column by column. For a session under an exemption, rows reach the client
 * as they are and only the recording's copy is masked (the recording is read by people the
 * exemption does not cover).
 *
 * Rows the recording keeps go through transformRow (the values, decoded); every other row through
 * transformFrame, which masks the frame as it came, in place where the lengths allow, so a stream
 * of masked rows is still written as whole chunks (OutputBuffer), with nothing decoded or copied;
 * its findings count for the column but list no rows (noteUnrecordedFindings).
 */
export function createRowMasker(plans: ColumnPlan[], names: string[], m: CompiledMasking, exemption: MaskingExemption | null): RowFilter | undefined {
  const active = plans.map((p, i) => (p.kind === "pass" ? -1 : i)).filter((i) => i >= 0);
  if (active.length === 0) return undefined;
  const summary = new MaskedColumnsSummary(names, plans, m, exemption?.group ?? null);
  // Values an exempt session receives unmasked are not counted as masked.
  const tally = exemption ? null : createMaskTally(plans, m);
  let row = 0;
  const fired = new Set<Detector>();
  const maskRow = (values: (Buffer | null)[]): (Buffer | null)[] => {
    let out = values;
    for (const i of active) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      fired.clear();
      const masked = maskCell(v, plans[i]!, m, fired);
      if (fired.size > 0) summary.noteFindings(i, row, fired);
      if (masked === UNCHANGED) continue;
      tally?.note(i, fired);
      if (out === values) out = values.slice();
      out[i] = masked;
    }
    row++;
    return out;
  };
  if (exemption) return { transformRow: (values) => values, recordRow: maskRow, transformFrame: (frame) => frame, maskedColumns: () => summary.result() };
  const maskFrame = createFrameMasker(plans, m, {
    noteFindings: (column, found) => summary.noteUnrecordedFindings(column, found),
    noteMasked: (column, found) => tally?.noteBits(column, found),
    nextRow: () => row++,
  });
  return { transformRow: maskRow, transformFrame: maskFrame, maskedColumns: () => summary.result() };
}

/**
 * transformFrame: walks a DataRow's values in the frame itself (as decodeDataRow reads them, with
 * the same checks) and masks the active columns' values. Returns the frame itself when nothing
 * changed or values were masked in place (callers must not take its identity for "unchanged"), or a
 * new frame when a value's length changed.
 */
function createFrameMasker(
  plans: readonly ColumnPlan[],
  m: CompiledMasking,
  notes: {
    /** Detectors found something in a column's value (`fired`, a mask of detectorBit, is not 0). */
    noteFindings(column: number, fired: number): void;
    /** A column's value was masked. */
    noteMasked(column: number, fired: number): void;
    nextRow(): void;
  },
): (frame: Buffer) => Buffer {
  const { noteFindings, noteMasked, nextRow } = notes;
  const maskers: (CellMasker | null)[] = plans.map((p) => (p.kind === "pass" ? null : createCellMasker(p, m)));
  const found: CellFindings = { fired: 0 };
  // Values replaced by ones of another length, for the row being masked: where each was, and what replaces it.
  let replacedAt: number[] = [];
  let replacedEnd: number[] = [];
  let replacedBy: (Buffer | null)[] = [];
  return (frame) => {
    if (frame.length < 7) throw protocolViolation("invalid length in DataRow message");
    const n = (frame[5]! << 24) >> 16 | frame[6]!;
    if (n < 0) throw protocolViolation("invalid column count in DataRow message");
    let off = 7;
    let replaced = 0;
    for (let i = 0; i < n; i++) {
      if (off + 4 > frame.length) throw protocolViolation("invalid length in DataRow message");
      const len = (frame[off]! << 24) | (frame[off + 1]! << 16) | (frame[off + 2]! << 8) | frame[off + 3]!;
      off += 4;
      if (len === -1) continue;
      if (len < 0 || off + len > frame.length) throw protocolViolation("invalid length in DataRow message");
      const masker = i < maskers.length ? maskers[i] : null;
      if (masker) {
        found.fired = 0;
        const r = masker(frame, off, off + len, found);
        if (found.fired !== 0) noteFindings(i, found.fired);
        if (r !== UNCHANGED) {
          noteMasked(i, found.fired);
          if (r !== IN_PLACE) {
            replacedAt[replaced] = off - 4;
            replacedEnd[replaced] = off + len;
            replacedBy[replaced] = r;
            replaced++;
          }
        }
      }
      off += len;
    }
    nextRow();
    if (replaced === 0) return frame;
    let size = frame.length;
    for (let k = 0; k < replaced; k++) size += 4 + (replacedBy[k]?.length ?? 0) - (replacedEnd[k]! - replacedAt[k]!);
    const out = Buffer.allocUnsafe(size);
    let from = 0;
    let to = 0;
    for (let k = 0; k < replaced; k++) {
      to += frame.copy(out, to, from, replacedAt[k]);
      const v = replacedBy[k];
      out.writeInt32BE(v ? v.length : -1, to);
      to += 4;
      if (v) to += v.copy(out, to);
      from = replacedEnd[k]!;
    }
    frame.copy(out, to, from);
    out.writeInt32BE(size - 1, 1);
    // Nothing of this row is kept past it.
    if (replacedBy.length > 64) [replacedAt, replacedEnd, replacedBy] = [[], [], []];
    else replacedBy.fill(null, 0, replaced);
    return out;
  };
}
