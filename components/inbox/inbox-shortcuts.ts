/**
 * The inbox's keyboard shortcuts, as pure functions: which key does what, when a key press belongs
 * to a text field instead, and which pending request is selected as the list changes under it.
 */

export const INBOX_SHORTCUTS = [
  { key: "j", action: "next", description: "Select the next pending request" },
  { key: "k", action: "previous", description: "Select the previous pending request" },
  { key: "a", action: "approve", description: "Approve the selected request" },
  { key: "r", action: "reject", description: "Reject the selected request: puts you in its comment box" },
  { key: "?", action: "help", description: "Show these shortcuts" },
] as const;

export type InboxAction = (typeof INBOX_SHORTCUTS)[number]["action"];

/** What a key press is for: the fields of KeyboardEvent this needs. */
export type ShortcutKeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; defaultPrevented: boolean };

/** The shortcut a key press means, or null (modified keys stay the browser's, e.g. Ctrl+R reloads). */
export function shortcutFor(event: ShortcutKeyPress): InboxAction | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  return INBOX_SHORTCUTS.find((s) => s.key === event.key)?.action ?? null;
}

/** What a focused element must look like for key presses to be typing rather than shortcuts. */
export type FocusedElement = { tagName: string; isContentEditable?: boolean; type?: string } | null;

const TYPING_INPUT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number", "date", "datetime-local", "time", "month", "week"]);

/** True while the user types in a text field, a select or an editable region: shortcuts are off then. */
export function isTypingTarget(el: FocusedElement): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && TYPING_INPUT_TYPES.has((el.type || "text").toLowerCase());
}

/** The selection: a request's id, and where it was, so the next one takes its place once it is decided. */
export type InboxSelection = { id: string; index: number } | null;

/** The index of the selected request in `ids`, or -1 for none. A selection that left the list passes to whatever took its place. */
export function resolveSelection(ids: readonly string[], selection: InboxSelection): number {
  if (!selection || ids.length === 0) return -1;
  const index = ids.indexOf(selection.id);
  if (index >= 0) return index;
  return Math.min(selection.index, ids.length - 1);
}

/** j/k: the next or previous request, staying at the ends; with nothing selected, the first. */
export function moveSelection(ids: readonly string[], selection: InboxSelection, step: 1 | -1): InboxSelection {
  if (ids.length === 0) return null;
  const current = resolveSelection(ids, selection);
  const index = current < 0 ? 0 : Math.max(0, Math.min(ids.length - 1, current + step));
  return { id: ids[index], index };
}
