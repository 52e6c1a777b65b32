"use client";

import clsx from "clsx";
import { useEffect, useMemo, useRef, type MouseEvent } from "react";
import { formatDuration } from "@/components/ui/format-duration";
import { useElementWidth } from "@/components/ui/use-element-width";
import { IDLE_GAP_CAP_MS, layoutBars, type Timeline } from "./timeline-model";
import { OUTCOME_FILL, type Outcome } from "./statement-outcome";
import type { Playback } from "./use-playback";

type SessionTimelineProps = {
  timeline: Timeline;
  selectedIndex: number;
  /** The sequence number of the statement at an index, for the bars' names. */
  seqAt: (index: number) => number;
  onSelect: (index: number) => void;
  playback: Pick<Playback, "subscribe" | "seekToTime">;
};

const TICKS = [0, 0.25, 0.5, 0.75, 1];
const LEGEND: { outcome: Outcome; label: string }[] = [
  { outcome: "ok", label: "ok" },
  { outcome: "error", label: "error" },
  { outcome: "blocked", label: "blocked" },
  { outcome: "held", label: "held or other" },
  { outcome: "running", label: "running" },
];

/**
 * Each statement as a bar at the time the gateway received it, as long as it ran, coloured by outcome,
 * with the playhead. Statements too close to tell apart at this width share a bar. The bars are
 * clickable for the mouse; keyboards step with the player's buttons and the statement list.
 */
export function SessionTimeline({ timeline, selectedIndex, seqAt, onSelect, playback }: SessionTimelineProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const playheadRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(trackRef);
  const bars = useMemo(() => layoutBars(timeline.items, timeline.totalMs, width), [timeline, width]);
  const { subscribe, seekToTime } = playback;

  useEffect(
    () =>
      subscribe((ms) => {
        const el = playheadRef.current;
        if (el) el.style.transform = `translateX(${timeline.totalMs > 0 ? (ms / timeline.totalMs) * width : 0}px)`;
      }),
    [subscribe, timeline.totalMs, width],
  );

  const onTrackClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || width === 0) return;
    const x = event.clientX - event.currentTarget.getBoundingClientRect().left;
    const index = seekToTime((x / width) * timeline.totalMs);
    if (index >= 0) onSelect(index);
  };

  const cap = `${IDLE_GAP_CAP_MS / 1000} s`;
  const gapNote =
    timeline.compressedGaps > 0
      ? `Idle gaps longer than ${cap} are shortened to ${cap} on this axis and in playback (${timeline.compressedGaps} shortened).`
      : `Real timing: no idle gap longer than ${cap} to shorten.`;

  return (
    <div>
      <div
        ref={trackRef}
        role="group"
        aria-label="Timeline"
        onClick={onTrackClick}
        title={gapNote}
        className="relative h-12 cursor-pointer rounded-md border border-slate-200 bg-slate-50"
      >
        {bars.map((bar) => {
          const isSelected = selectedIndex >= bar.first && selectedIndex <= bar.last;
          const count = bar.last - bar.first + 1;
          const name = count === 1 ? `Statement #${seqAt(bar.first)}, ${bar.outcome}` : `Statements #${seqAt(bar.first)} to #${seqAt(bar.last)}, ${bar.outcome}`;
          return (
            <button
              key={bar.first}
              type="button"
              // Out of the tab order: hundreds of bars would be a trap; the step buttons and the list do the same for keyboards.
              tabIndex={-1}
              aria-label={name}
              title={name}
              onClick={() => {
                onSelect(bar.first);
              }}
              style={{ left: bar.left, width: bar.width }}
              className={clsx(
                "absolute top-2 bottom-2 rounded-[1px] opacity-90 hover:opacity-100",
                OUTCOME_FILL[bar.outcome],
                isSelected && "ring-2 ring-slate-900 ring-offset-1",
              )}
            />
          );
        })}
        <div ref={playheadRef} aria-hidden className="pointer-events-none absolute top-0 bottom-0 left-0 w-0.5 bg-slate-900/70" />
      </div>
      <div aria-hidden className="relative mt-1 h-4 text-[11px] text-slate-500 tabular-nums">
        {TICKS.map((t) => (
          <span key={t} className={clsx("absolute", t === 0 ? "left-0" : t === 1 ? "right-0" : "-translate-x-1/2")} style={t > 0 && t < 1 ? { left: `${t * 100}%` } : undefined}>
            {formatDuration(t * timeline.totalMs)}
          </span>
        ))}
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
        {LEGEND.map((l) => (
          <span key={l.outcome} className="inline-flex items-center gap-1.5">
            <span aria-hidden className={clsx("h-2.5 w-2.5 rounded-sm", OUTCOME_FILL[l.outcome])} />
            {l.label}
          </span>
        ))}
        <span className="ml-auto">{gapNote}</span>
      </div>
    </div>
  );
}
