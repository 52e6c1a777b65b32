import { z } from "zod";

/**
 * An IdP group name as Warden matches it (exactly, as the IdP sends it): letters, digits and
 * . _ - : @ / +, starting with a letter or digit. Spaces, semicolons and commas are refused rather
 * than silently split, so `developer;; ad min` is an error instead of three odd groups.
 */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,99}$/;

/** The typed text of a groups field, split on commas only: a space inside a name stays and is refused by the pattern. */
export function parseGroupList(text: string): string[] {
  return text
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
}

/** A list of group names, deduplicated; the message names the first name that does not fit. */
export const groupNameList = z
  .array(z.string().trim())
  .max(50, "List at most 50 groups.")
  .superRefine((groups, ctx) => {
    const bad = groups.find((g) => !GROUP_NAME_PATTERN.test(g));
    if (bad !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${bad.slice(0, 40)}" is not a group name: use letters, digits and . _ - : @ / + (no spaces or semicolons), and separate groups with commas.`,
      });
    }
  })
  .transform((gs) => [...new Set(gs)]);
