#!/usr/bin/env node
/**
 * The `nabla` executable. A user's mistake (bad option, missing file, not a model) ends in one
 * line on stderr and a non-zero exit code, never a stack trace (NABLA_DEBUG=1 shows it).
 */
import { CommanderError } from "commander";
import { createProgram } from "./program.js";

function commandName(argv: readonly string[]): string {
  const name = argv.find((arg) => !arg.startsWith("-"));
  return name !== undefined && ["train", "eval", "predict", "graph", "info", "export"].includes(name) ? `nabla ${name}` : "nabla";
}

async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (unknown option, --help …).
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${commandName(argv)}: ${message.replace(/\s*\n\s*/g, "; ")}\n`);
    if (process.env.NABLA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

// `nabla … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
