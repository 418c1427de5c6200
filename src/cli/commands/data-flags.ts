/** The data options `train` and `eval` share. */
import { Option, type Command } from "commander";
import { integerAtLeast, nonNegativeNumber } from "../option-parsers.js";
import { BUILT_IN } from "../data-source.js";

export interface DataFlags {
  data: string;
  samples?: number;
  noise?: number;
  classes?: number;
  label?: string;
}

export function dataOptions(command: Command, defaultData?: string): Command {
  const data = new Option("--data <name|file|dir>", `built-in data (${BUILT_IN.join(", ")}), a CSV file with a header, a directory of IDX files, or fashion-mnist[:DIR] / mnist:DIR`);
  return command
    .addOption(defaultData === undefined ? data : data.default(defaultData))
    .addOption(new Option("--samples <n>", "built-in data: number of points (default 500); CSV/IDX: use the first n rows").argParser(integerAtLeast("--samples", 1)))
    .addOption(new Option("--noise <s>", "built-in data: noise level (blobs: cluster standard deviation)").argParser(nonNegativeNumber("--noise")))
    .addOption(new Option("--classes <k>", "spiral and blobs: number of classes (default 3)").argParser(integerAtLeast("--classes", 2)))
    .option("--label <column>", "CSV: the label column, by name or 0-based index (default \"label\")");
}
