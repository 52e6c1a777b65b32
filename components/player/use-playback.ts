"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { indexAtTime, type Timeline } from "./timeline-model";

export const PLAYBACK_SPEEDS = [1, 2, 4, 10] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

type PositionListener = (ms: number) => void;

type PlaybackOptions = {
  timeline: Timeline;
  /** Called when the playhead moves into another statement while playing. */
  onStep: (index: number) => void;
};

/**
 * Replays a session on its timeline: the playhead advances with the clock (times the speed), and each
 * statement becomes the selected step when the playhead reaches its start. The playhead's position
 * lives in a ref and is pushed to subscribers (the timeline's playhead line) 60 times a second, so
 * playing re-renders React only when the step changes, not on every frame.
 */
export function usePlayback({ timeline, onStep }: PlaybackOptions) {
  const [isPlaying, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<PlaybackSpeed>(1);
  const positionRef = useRef(0);
  const stepRef = useRef(0);
  const listeners = useRef(new Set<PositionListener>());
  // The animation loop reads the newest values without restarting on every render.
  const latest = useRef({ timeline, onStep, speed });
  useEffect(() => {
    latest.current = { timeline, onStep, speed };
  });

  const publish = useCallback((ms: number) => {
    positionRef.current = ms;
    for (const listener of listeners.current) listener(ms);
  }, []);

  const subscribe = useCallback((listener: PositionListener) => {
    listeners.current.add(listener);
    listener(positionRef.current);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  /** Moves the playhead to a statement the user picked (click, step, keyboard); playing goes on from there. */
  const seekToIndex = useCallback(
    (index: number) => {
      stepRef.current = index;
      publish(latest.current.timeline.items[index]?.startMs ?? 0);
    },
    [publish],
  );

  /** Moves the playhead to a time on the axis (a click on the track) and returns the statement there. */
  const seekToTime = useCallback(
    (ms: number) => {
      const { items, totalMs } = latest.current.timeline;
      const clamped = Math.max(0, Math.min(ms, totalMs));
      stepRef.current = indexAtTime(items, clamped);
      publish(clamped);
      return stepRef.current;
    },
    [publish],
  );

  const play = useCallback(() => {
    const { timeline: t, onStep: step } = latest.current;
    if (t.items.length === 0) return;
    // Play at the end starts over.
    if (positionRef.current >= t.totalMs) {
      stepRef.current = 0;
      publish(0);
      step(0);
    }
    setPlaying(true);
  }, [publish]);

  const pause = useCallback(() => setPlaying(false), []);

  useEffect(() => {
    if (!isPlaying) return;
    let frame = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const { timeline: t, onStep: step, speed: x } = latest.current;
      const position = Math.min(t.totalMs, positionRef.current + (now - last) * x);
      last = now;
      publish(position);
      const index = indexAtTime(t.items, position);
      if (index !== stepRef.current && index >= 0) {
        stepRef.current = index;
        step(index);
      }
      if (position >= t.totalMs) {
        setPlaying(false);
        return;
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [isPlaying, publish]);

  return { isPlaying, play, pause, speed, setSpeed, seekToIndex, seekToTime, subscribe };
}

export type Playback = ReturnType<typeof usePlayback>;
