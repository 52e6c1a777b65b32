import { describe, expect, it } from "vitest";
import { isTypingTarget, moveSelection, resolveSelection, shortcutFor } from "./inbox-shortcuts";

const press = (key: string, modifiers: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; defaultPrevented: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  defaultPrevented: false,
  ...modifiers,
});

describe("shortcutFor", () => {
  it("maps j, k, a, r and ? to their actions", () => {
    expect(["j", "k", "a", "r", "?"].map((k) => shortcutFor(press(k)))).toEqual(["next", "previous", "approve", "reject", "help"]);
  });

  it("leaves other keys, modified keys and handled keys alone", () => {
    expect(shortcutFor(press("x"))).toBeNull();
    expect(shortcutFor(press("A"))).toBeNull();
    expect(shortcutFor(press("r", { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press("r", { metaKey: true }))).toBeNull();
    expect(shortcutFor(press("a", { altKey: true }))).toBeNull();
    expect(shortcutFor(press("j", { defaultPrevented: true }))).toBeNull();
  });
});

describe("isTypingTarget", () => {
  it("is true in text fields, text areas, selects and editable regions", () => {
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "number" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT" })).toBe(true);
    expect(isTypingTarget({ tagName: "SELECT" })).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });

  it("is false on buttons, checkboxes, cards and nothing", () => {
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "INPUT", type: "radio" })).toBe(false);
    expect(isTypingTarget({ tagName: "ARTICLE" })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe("selection", () => {
  const ids = ["a", "b", "c"];

  it("starts at the first request and stays within the ends", () => {
    expect(moveSelection(ids, null, 1)).toEqual({ id: "a", index: 0 });
    expect(moveSelection(ids, null, -1)).toEqual({ id: "a", index: 0 });
    expect(moveSelection(ids, { id: "a", index: 0 }, 1)).toEqual({ id: "b", index: 1 });
    expect(moveSelection(ids, { id: "c", index: 2 }, 1)).toEqual({ id: "c", index: 2 });
    expect(moveSelection(ids, { id: "a", index: 0 }, -1)).toEqual({ id: "a", index: 0 });
    expect(moveSelection([], { id: "a", index: 0 }, 1)).toBeNull();
  });

  it("follows the selected request as others arrive above it", () => {
    expect(resolveSelection(["new", "a", "b", "c"], { id: "b", index: 1 })).toBe(2);
  });

  it("passes to the request that took a decided one's place, or the last", () => {
    expect(resolveSelection(["a", "c"], { id: "b", index: 1 })).toBe(1);
    expect(resolveSelection(["a"], { id: "c", index: 2 })).toBe(0);
    expect(resolveSelection([], { id: "c", index: 2 })).toBe(-1);
    expect(resolveSelection(ids, null)).toBe(-1);
  });
});
