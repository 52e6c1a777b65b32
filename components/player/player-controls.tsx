"use client";

import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/select";
import { PLAYBACK_SPEEDS, type PlaybackSpeed } from "./use-playback";

type PlayerControlsProps = {
  isPlaying: boolean;
  speed: PlaybackSpeed;
  position: number;
  count: number;
  onPlay: () => void;
  onPause: () => void;
  onStep: (delta: -1 | 1) => void;
  onSpeed: (speed: PlaybackSpeed) => void;
};

/** Play, pause, step back and forward, speed; the buttons' names are what assistive technology and tests find. */
export function PlayerControls({ isPlaying, speed, position, count, onPlay, onPause, onStep, onSpeed }: PlayerControlsProps) {
  const isEmpty = count === 0;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button size="sm" onClick={() => onStep(-1)} disabled={isEmpty || position <= 0} aria-label="Previous statement" title="Previous statement">
        <Icon d="M9.5 4 4 10l5.5 6M15.5 4 10 10l5.5 6" />
      </Button>
      {isPlaying ? (
        <Button size="sm" variant="primary" onClick={onPause} className="w-20">
          <Icon d="M7 4v12M13 4v12" />
          Pause
        </Button>
      ) : (
        <Button size="sm" variant="primary" onClick={onPlay} disabled={isEmpty} className="w-20">
          <Icon d="M6 4v12l10-6z" filled />
          Play
        </Button>
      )}
      <Button size="sm" onClick={() => onStep(1)} disabled={isEmpty || position >= count - 1} aria-label="Next statement" title="Next statement">
        <Icon d="M10.5 4 16 10l-5.5 6M4.5 4 10 10l-5.5 6" />
      </Button>
      <label className="ml-2 inline-flex items-center gap-2 text-xs font-medium text-slate-600">
        Speed
        <Select value={speed} onChange={(e) => onSpeed(Number(e.target.value) as PlaybackSpeed)} className="h-8 w-20 py-1 text-xs">
          {PLAYBACK_SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </Select>
      </label>
      <span className="ml-2 text-xs text-slate-500 tabular-nums" aria-live={isPlaying ? "off" : "polite"}>
        {isEmpty ? "No statements" : `Statement ${(position + 1).toLocaleString()} of ${count.toLocaleString()}`}
      </span>
    </div>
  );
}

function Icon({ d, filled = false }: { d: string; filled?: boolean }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden className="h-4 w-4" fill={filled ? "currentColor" : "none"} stroke="currentColor" strokeWidth={filled ? 0 : 1.75} strokeLinecap="round" strokeLinejoin="round">
      <path d={d} />
    </svg>
  );
}
