import { approvalsCommand } from "./approvals";
import type { Command } from "./command";
import { exportCommand } from "./export";
import { mcpCommand } from "./mcp";
import { migrateCommand } from "./migrate";
import { outboxCommand } from "./outbox";
import { retentionCommand } from "./retention";
import { sessionsCommand } from "./sessions";
import { tokenCommand } from "./token";
import { verifyCommand } from "./verify";

/** In the order `warden --help` lists them: what a newcomer needs first. */
export const commands: Command[] = [tokenCommand, sessionsCommand, approvalsCommand, mcpCommand, verifyCommand, retentionCommand, outboxCommand, exportCommand, migrateCommand];
