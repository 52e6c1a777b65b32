/** The editor's tabs, in a plain module so the server page can read `?tab=` against them too. */
export const POLICY_EDITOR_TABS = ["rules", "settings", "masking", "raw", "history"] as const;
export type PolicyEditorTab = (typeof POLICY_EDITOR_TABS)[number];

export function parsePolicyEditorTab(value: unknown): PolicyEditorTab {
  return POLICY_EDITOR_TABS.find((t) => t === value) ?? "rules";
}
