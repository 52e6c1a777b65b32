import type { Command } from "./command";
import { migrateCommand } from "./migrate";

export const commands: Command[] = [migrateCommand];
