"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import { ACTIVITY_OUTCOME_MEANINGS, ACTIVITY_OUTCOMES, type ActivitySeries } from "@/lib/shared/contracts/overview";
import { formatDateTime, formatTimeOfDay } from "@/lib/shared/format-date-time";
import { describeSeries, formatBucketUtc } from "./describe-series";
import { OUTCOME_COLOR, OUTCOME_LABEL } from "./outcome-style";

type ActivityChartProps = { title: string; period: string; series: ActivitySeries; testId: string };

/**
 * Statements per bucket, stacked by outcome. The caption states the totals and a visually hidden
 * table lists every non-empty bucket, so the figures are there for screen readers (and tests), not
 * only in the drawing.
 */
export function ActivityChart({ title, period, series, testId }: ActivityChartProps) {
  const summary = describeSeries(series, period);
  const nonEmpty = series.buckets.filter((b) => ACTIVITY_OUTCOMES.some((o) => b[o] > 0));
  return (
    <Card title={title} description={`Per ${series.bucketMinutes === 1 ? "minute" : `${series.bucketMinutes} minutes`}, by outcome.`}>
      <figure data-testid={testId} aria-label={title}>
        <figcaption data-testid={`${testId}-summary`} className="mb-3 text-sm text-slate-600 tabular-nums">
          {summary}
        </figcaption>
        {/* The drawing repeats the caption and the table below for sighted readers. */}
        <div className="h-48 w-full" aria-hidden>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={series.buckets} margin={{ top: 4, right: 4, bottom: 0, left: -16 }} barCategoryGap={1}>
              <CartesianGrid vertical={false} stroke="var(--color-slate-200)" />
              <XAxis dataKey="start" tickFormatter={(iso: string) => formatTimeOfDay(iso)} tick={{ fontSize: 11, fill: "var(--color-slate-500)" }} minTickGap={24} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "var(--color-slate-500)" }} width={40} />
              <Tooltip
                labelFormatter={(label) => formatDateTime(String(label))}
                cursor={{ fill: "var(--color-slate-100)" }}
                contentStyle={{ backgroundColor: "var(--color-white)", borderColor: "var(--color-slate-200)", color: "var(--color-slate-900)" }}
              />
              {ACTIVITY_OUTCOMES.map((o) => (
                <Bar key={o} dataKey={o} name={OUTCOME_LABEL[o]} stackId="outcome" fill={OUTCOME_COLOR[o]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {/* A table ignores its width, so hiding it takes a box that does not: sr-only on the table itself widened the page. */}
        <div className="sr-only">
          <table>
            <caption>{`${title}: statements by outcome, buckets with activity (UTC)`}</caption>
            <thead>
              <tr>
                <th scope="col">From (UTC)</th>
                {ACTIVITY_OUTCOMES.map((o) => (
                  <th key={o} scope="col">{OUTCOME_LABEL[o]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {nonEmpty.map((b) => (
                <tr key={b.start}>
                  <th scope="row">{formatBucketUtc(b.start)}</th>
                  {ACTIVITY_OUTCOMES.map((o) => (
                    <td key={o}>{b[o]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
    </Card>
  );
}

/** What each colour means, defined once for both charts, with how each outcome is counted. */
export function OutcomeLegend() {
  return (
    <div className="space-y-2" data-testid="outcome-legend">
    <ul className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600" aria-label="Outcomes">
      {ACTIVITY_OUTCOMES.map((o) => (
        <li key={o} className="inline-flex items-center gap-1.5" title={ACTIVITY_OUTCOME_MEANINGS[o]}>
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: OUTCOME_COLOR[o] }} />
          <span className="font-medium text-slate-800">{OUTCOME_LABEL[o]}</span>
          <span className="sr-only">: {ACTIVITY_OUTCOME_MEANINGS[o]}</span>
        </li>
      ))}
    </ul>
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer select-none text-slate-500 hover:text-slate-700">How statements are counted</summary>
        <p className="mt-1">Each statement counts once, in the first outcome that fits, in this order:</p>
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          {(["held", "blocked", "error", "masked", "ok"] as const).map((o) => (
            <div key={o} className="contents">
              <dt className="font-medium text-slate-800">{OUTCOME_LABEL[o]}</dt>
              <dd>{ACTIVITY_OUTCOME_MEANINGS[o]}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
