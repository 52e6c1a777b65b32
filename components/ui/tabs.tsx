"use client";

import clsx from "clsx";
import { useRef, type KeyboardEvent, type ReactNode } from "react";

export type TabItem<K extends string> = { key: K; label: string };

const tabId = (idPrefix: string, key: string) => `${idPrefix}-tab-${key}`;
const panelId = (idPrefix: string, key: string) => `${idPrefix}-panel-${key}`;

type TabListProps<K extends string> = {
  label: string;
  idPrefix: string;
  tabs: TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
};

/** WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs. */
export function TabList<K extends string>({ label, idPrefix, tabs, selected, onSelect }: TabListProps<K>) {
  const refs = useRef(new Map<K, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.key === selected);
    const next =
      event.key === "ArrowRight" ? (index + 1) % tabs.length
      : event.key === "ArrowLeft" ? (index - 1 + tabs.length) % tabs.length
      : event.key === "Home" ? 0
      : event.key === "End" ? tabs.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    onSelect(tabs[next].key);
    refs.current.get(tabs[next].key)?.focus();
  };
  return (
    // On a phone a long row of tabs scrolls sideways inside itself rather than widening the page.
    <div role="tablist" aria-label={label} onKeyDown={onKeyDown} className="mb-5 flex gap-1 border-b border-slate-200 max-md:overflow-x-auto max-md:overflow-y-hidden">
      {tabs.map((tab) => {
        const isSelected = tab.key === selected;
        return (
          <button
            key={tab.key}
            ref={(el) => {
              if (el) refs.current.set(tab.key, el);
              else refs.current.delete(tab.key);
            }}
            type="button"
            role="tab"
            id={tabId(idPrefix, tab.key)}
            aria-selected={isSelected}
            aria-controls={panelId(idPrefix, tab.key)}
            // Only the selected tab is in the tab order; the arrow keys move within the list.
            tabIndex={isSelected ? 0 : -1}
            onClick={() => onSelect(tab.key)}
            className={clsx(
              "-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:rounded-t focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
              isSelected ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800",
            )}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}

type TabPanelProps = { idPrefix: string; tabKey: string; isSelected: boolean; children: ReactNode };

/** Hidden panels stay mounted, so a half-edited form survives a look at another tab. */
export function TabPanel({ idPrefix, tabKey, isSelected, children }: TabPanelProps) {
  return (
    <div role="tabpanel" id={panelId(idPrefix, tabKey)} aria-labelledby={tabId(idPrefix, tabKey)} hidden={!isSelected} tabIndex={0} className="focus-visible:outline-none">
      {children}
    </div>
  );
}
