import { approvalsCommand } from "./approvals";
import type { Command } from "./command";
import { migrateCommand } from "./migrate";
import { sessionsCommand } from "./sessions";
import { tokenCommand } from "./token";

export const commands: Command[] = [migrateCommand, tokenCommand, sessionsCommand, approvalsCommand];
