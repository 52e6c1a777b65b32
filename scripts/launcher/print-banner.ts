import type { RunningWarden } from "./launch-warden";

export function printBanner(w: RunningWarden) {
  const lines = ["", "  Warden is running.", "", `  Console   ${w.consoleUrl}`];
  if (w.embedded) lines.push(`  Store     embedded PostgreSQL (${w.embedded.adminUrl.replace(/:[^:@/]+@/, ":***@")})`);
  if (w.demo) {
    lines.push("", "  Demo sign-ins (local OpenID provider):");
    for (const u of w.demo.users) lines.push(`    ${u.email.padEnd(24)} ${u.groups.join(", ")}`);
    lines.push(`    password: ${w.demo.password}`);
  }
  lines.push("", "  Press Ctrl-C to stop.", "");
  console.log(lines.join("\n"));
}
