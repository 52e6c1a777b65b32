import { DETECTORS, type Detector } from "@/lib/policy/policy-document";
import type { ColumnPlan, CompiledMasking } from "../masking/result-masking";
import type { CounterCell } from "./counter-cells";
import { maskedValues } from "./gateway-metrics";

export type MaskTally = {
  note(column: number, fired: ReadonlySet<Detector>): void;
  /** note with the detectors as a mask of detectorBit (lib/policy/masking/detectors/prefilter.ts). */
  noteBits(column: number, fired: number): void;
};

/**
 * Counts one result's masked values by semantic type. The cells of rule columns are found once per
 * result (here), so a masked value costs one increment; a detector's cell is found the first time it
 * fires in this result.
 */
export function createMaskTally(plans: readonly ColumnPlan[], m: CompiledMasking): MaskTally {
  const ruleCells = plans.map((p) => (p.kind === "rule" ? maskedValues.cell(p.type.id) : null));
  const detectorCells = new Map<Detector, CounterCell>();
  const detectorCell = (d: Detector): CounterCell => {
    let cell = detectorCells.get(d);
    if (!cell) detectorCells.set(d, (cell = maskedValues.cell(m.detectors.find((e) => e.detector === d)?.semanticType.id ?? d)));
    return cell;
  };
  return {
    note(column, fired) {
      const cell = ruleCells[column];
      if (cell) {
        cell.n++;
        return;
      }
      for (const d of fired) detectorCell(d).n++;
    },
    noteBits(column, fired) {
      const cell = ruleCells[column];
      if (cell) {
        cell.n++;
        return;
      }
      for (let i = 0; fired !== 0 && i < DETECTORS.length; i++) {
        if (fired & (1 << i)) detectorCell(DETECTORS[i]!).n++;
      }
    },
  };
}
