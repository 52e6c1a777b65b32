"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import clsx from "clsx";
import { memo, useEffect, useId, useRef, type CSSProperties, type KeyboardEvent } from "react";
import { formatDuration } from "@/components/ui/format-duration";
import type { StatementSummaryDto } from "@/lib/shared/contracts/sessions";
import { OutcomeDot } from "./outcome-badge";
import { statementOutcome } from "./statement-outcome";

const ROW_HEIGHT = 56;
const PAGE_STEP = 10;

type StatementListProps = {
  statements: StatementSummaryDto[];
  selectedIndex: number;
  onSelect: (index: number) => void;
};

/**
 * The session's statements as a listbox, virtualised: only the rows in view (plus a few) are in the
 * DOM, so 10,000 statements scroll like ten. The list keeps focus and points at the selected row with
 * aria-activedescendant; arrow keys, Page Up/Down, Home and End move the selection.
 */
export function StatementList({ statements, selectedIndex, onSelect }: StatementListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const virtualizer = useVirtualizer({
    count: statements.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // React 19 warns about flushSync inside effects; a frame of lag while scrolling is invisible here.
    useFlushSync: false,
  });

  // Keep the selected row in view, whether it was picked here, on the timeline, or by playback.
  useEffect(() => {
    if (selectedIndex >= 0 && selectedIndex < statements.length) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, statements.length, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    const last = statements.length - 1;
    const next =
      event.key === "ArrowDown" ? selectedIndex + 1
      : event.key === "ArrowUp" ? selectedIndex - 1
      : event.key === "PageDown" ? selectedIndex + PAGE_STEP
      : event.key === "PageUp" ? selectedIndex - PAGE_STEP
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (next === null || last < 0) return;
    event.preventDefault();
    onSelect(Math.max(0, Math.min(last, next)));
  };

  return (
    <div
      ref={scrollRef}
      role="listbox"
      aria-label="Statements"
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 ? `${idPrefix}-${selectedIndex}` : undefined}
      onKeyDown={onKeyDown}
      className="max-h-[30rem] overflow-y-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset"
    >
      <div role="presentation" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <StatementRow
            key={row.key}
            id={`${idPrefix}-${row.index}`}
            statement={statements[row.index]}
            position={row.index + 1}
            setSize={statements.length}
            isSelected={row.index === selectedIndex}
            onSelect={onSelect}
            index={row.index}
            style={{ height: row.size, transform: `translateY(${row.start}px)` }}
          />
        ))}
      </div>
    </div>
  );
}

type StatementRowProps = {
  id: string;
  statement: StatementSummaryDto;
  index: number;
  position: number;
  setSize: number;
  isSelected: boolean;
  onSelect: (index: number) => void;
  style: CSSProperties;
};

const StatementRow = memo(function StatementRow({ id, statement: s, index, position, setSize, isSelected, onSelect, style }: StatementRowProps) {
  const { outcome, label } = statementOutcome(s);
  const firstLine = s.sqlPreview.replace(/\s+/g, " ").trim();
  return (
    <div
      id={id}
      role="option"
      aria-selected={isSelected}
      aria-posinset={position}
      aria-setsize={setSize}
      onClick={() => onSelect(index)}
      style={style}
      className={clsx(
        "absolute top-0 left-0 w-full cursor-pointer border-b border-slate-100 px-4 py-2",
        isSelected ? "bg-brand-50 shadow-[inset_3px_0_0] shadow-brand-600" : "hover:bg-slate-50",
      )}
    >
      <div className="flex items-center gap-2 text-xs">
        <span className="font-mono font-semibold text-slate-500">#{s.seq}</span>
        <OutcomeDot outcome={outcome} />
        <span className="text-slate-600">{label}</span>
        {s.errorCode && <span className="font-mono text-red-700">{s.errorCode}</span>}
        <span className="ml-auto text-slate-500 tabular-nums">
          {s.rowCount !== null && `${s.rowCount.toLocaleString()} ${s.rowCount === 1 ? "row" : "rows"} · `}
          {formatDuration(s.durationMs)}
        </span>
      </div>
      <p className="mt-1 truncate font-mono text-xs text-slate-800" title={s.sqlPreview}>
        {firstLine}
        {s.isSqlTruncated && "…"}
      </p>
    </div>
  );
});
