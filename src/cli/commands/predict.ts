import { Command } from "commander";
export function predictCommand(): Command {
  return new Command("predict");
}
