import { approvalsCommand } from "./approvals";
import type { Command } from "./command";
import { exportCommand } from "./export";
import { migrateCommand } from "./migrate";
import { sessionsCommand } from "./sessions";
import { tokenCommand } from "./token";
import { verifyCommand } from "./verify";

export const commands: Command[] = [migrateCommand, tokenCommand, sessionsCommand, approvalsCommand, verifyCommand, exportCommand];
