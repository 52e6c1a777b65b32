/**
 * Who holds how many of a fixed number of places: the count behind GATEWAY_MAX_CONNECTIONS. One
 * ledger serves a single worker, or, kept by the cluster primary, every worker of a host (a worker
 * that exits gives back all it held).
 */
export class SlotLedger<Holder> {
  private readonly held = new Map<Holder, number>();
  private total = 0;

  constructor(readonly max: number) {}

  /** Places taken and not given back. */
  get inUse(): number {
    return this.total;
  }

  /** Takes a place for `holder`; false when every place is taken. */
  take(holder: Holder): boolean {
    if (this.total >= this.max) return false;
    this.held.set(holder, (this.held.get(holder) ?? 0) + 1);
    this.total++;
    return true;
  }

  /** Gives back one place of `holder` (a release it does not owe is ignored, never counted twice). */
  release(holder: Holder): void {
    const n = this.held.get(holder) ?? 0;
    if (n === 0) return;
    if (n === 1) this.held.delete(holder);
    else this.held.set(holder, n - 1);
    this.total--;
  }

  /** Gives back every place of `holder` (a worker that exited). */
  forget(holder: Holder): void {
    this.total -= this.held.get(holder) ?? 0;
    this.held.delete(holder);
  }
}
