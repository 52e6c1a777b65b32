import type { RunningWarden } from "./launch-warden";

export function printBanner(w: RunningWarden) {
  const lines = ["", "  Warden is running.", "", `  Console   ${w.consoleUrl}`];
  lines.push(`  Gateway   postgresql://localhost:${w.gateway.port} (TLS: ${w.gateway.tlsCertPath ? "on" : "off"})`);
  if (w.embedded) lines.push(`  Store     embedded PostgreSQL (${w.embedded.adminUrl.replace(/:[^:@/]+@/, ":***@")})`);
  if (w.demo) {
    lines.push("", "  Demo sign-ins (local OpenID provider):");
    for (const u of w.demo.users) lines.push(`    ${u.email.padEnd(24)} ${u.groups.join(", ")}`);
    lines.push(`    password: ${w.demo.password}`);
    if (w.demo.psqlCommand) {
      lines.push("", "  Query the demo database through the gateway as dev@example.com (token valid 8 h):", `    ${w.demo.psqlCommand}`);
    }
  }
  lines.push("", "  Press Ctrl-C to stop.", "");
  console.log(lines.join("\n"));
}
