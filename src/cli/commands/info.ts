import { Command } from "commander";
export function infoCommand(): Command {
  return new Command("info");
}
