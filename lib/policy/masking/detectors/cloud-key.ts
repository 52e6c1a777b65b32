import { findRegexSpans, mergeSpans, type ContentDetector, type DetectedSpan } from "./detected-span";

/**
 * Cloud and SaaS credentials with a recognisable shape. Where a pattern needs context to be sure
 * (a field name, a URL), only the secret itself is the span, so the context stays readable:
 * `aws_secret_access_key=[redacted]`. Each pattern's first group is the secret.
 */
const CLOUD_KEY_PATTERNS: readonly RegExp[] = [
  // AWS access key ids: long-lived (AKIA) and temporary (ASIA).
  /(?<![A-Za-z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])/dg,
  // AWS secret access keys are 40 base64 characters with no prefix: only next to their name, as in
  // credentials files, env vars and STS JSON ("SecretAccessKey": "...").
  /(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
  // Google API keys.
  /(?<![A-Za-z0-9_-])(AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/dg,
  // Google service-account key files: the "private_key" value, escaped newlines and all.
  /"private_key"\s*:\s*"((?:[^"\\]|\\.)+)"/dg,
  // GitHub tokens: personal (ghp_), OAuth (gho_), user-to-server (ghu_), server-to-server (ghs_),
  // refresh (ghr_), fine-grained personal (github_pat_).
  /(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/dg,
  /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/dg,
  // Slack tokens: bot, user, app-level, legacy workspace, refresh and export (xoxb-, xoxp-, ...).
  /(?<![A-Za-z0-9-])(xox[abeprs]-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/dg,
  // Slack incoming webhooks: the path after the kind is the secret.
  /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9_/-]+)/dg,
];

export function findCloudKeys(text: string): DetectedSpan[] {
  if (text.length < 20) return [];
  return mergeSpans(CLOUD_KEY_PATTERNS.flatMap((re) => findRegexSpans(text, re)));
}

export const cloudKeyDetector: ContentDetector = { name: "cloud_key", find: findCloudKeys };
