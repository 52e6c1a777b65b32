import type { Metric, Registry } from "prom-client";

type MetricValue = { labels: Record<string, string | number>; value: number; metricName: string };

/**
 * A histogram without labels whose `observe` is a short loop over the bucket bounds and three
 * number updates (prom-client's Histogram allocates and hashes its labels on every observation, about
 * 150 ns measured). It is registered as a metric of its own: prom-client asks it for its values at
 * scrape time, in the shape its Histogram returns, so the text format and node:cluster aggregation
 * (summed per bucket) are prom-client's.
 */
export class FastHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum" as const;
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
    registry.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }

  /** The observations so far (tests and the scrape). */
  snapshot(): { count: number; sum: number } {
    return { count: this.count, sum: this.sum };
  }

  async get(): Promise<{ name: string; help: string; type: "histogram"; values: MetricValue[]; aggregator: "sum" }> {
    const values: MetricValue[] = [];
    let cumulative = 0;
    const bucket = `${this.name}_bucket`;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      values.push({ labels: { le: this.bounds[i] }, value: cumulative, metricName: bucket });
    }
    values.push({ labels: { le: "+Inf" }, value: this.count, metricName: bucket });
    values.push({ labels: {}, value: this.sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
