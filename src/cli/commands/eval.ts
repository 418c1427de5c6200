import { Command } from "commander";
export function evalCommand(): Command {
  return new Command("eval");
}
