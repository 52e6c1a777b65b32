import type { BadgeTone } from "@/components/ui/badge";

/** Colour an action by its verb ("connection.delete" -> red), so destructive events stand out in the list. */
export function actionTone(action: string): BadgeTone {
  const verb = action.split(".").pop() ?? action;
  if (/delete|remove|revoke|reject|deny|block|fail/.test(verb)) return "danger";
  if (/create|add|approve|grant|mint/.test(verb)) return "success";
  if (/update|change|edit|rename|rotate/.test(verb)) return "brand";
  if (/hold|timeout|expire/.test(verb)) return "warning";
  return "neutral";
}
