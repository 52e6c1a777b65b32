import type { GatewayHooks, RowFilter } from "../hooks/gateway-hooks";
import type { StatementRun } from "./statement-run";

/**
 * Masking's place on the data path: once a result's columns are known, the masking hook gives the
 * run its row filter. One still being set up (a promise) makes the result's rows wait, with
 * everything after them (see UpstreamGate). Fail closed: a filter that cannot be set up withholds
 * the result.
 */
export function setUpRowFilter(run: StatementRun, hooks: GatewayHooks): void {
  const create = hooks.createRowFilter;
  if (!create || !run.columns) return;
  const failing = (err: unknown): RowFilter => ({
    transformRow: () => {
      throw err;
    },
    transformCopyData: () => {
      throw err;
    },
  });
  let made: ReturnType<typeof create>;
  try {
    made = create({ statement: run.ctx, columns: run.columns, copy: run.copy ?? undefined });
  } catch (err) {
    run.rowFilter = failing(err);
    return;
  }
  if (!(made instanceof Promise)) {
    run.rowFilter = made;
    return;
  }
  run.pendingRowFilter = made.then(
    (filter) => {
      run.rowFilter = filter;
      run.pendingRowFilter = null;
    },
    (err) => {
      run.rowFilter = failing(err);
      run.pendingRowFilter = null;
    },
  );
}
