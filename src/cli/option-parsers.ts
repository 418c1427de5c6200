/** Parsers for option values: each names the option and the bad value in its error. */
import { fail } from "./user-error.js";

function toNumber(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) fail(`${option} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

/** `> 0` (learning rates). */
export function positiveNumber(option: string): (text: string) => number {
  return (text) => {
    const value = toNumber(option, text);
    if (!(value > 0)) fail(`${option} must be a positive number, got ${text}`);
    return value;
  };
}

/** `≥ 0` (noise, momentum, weight decay). */
export function nonNegativeNumber(option: string): (text: string) => number {
  return (text) => {
    const value = toNumber(option, text);
    if (value < 0) fail(`${option} must be ≥ 0, got ${text}`);
    return value;
  };
}

/** An integer `≥ min` (epochs, samples, batch size). */
export function integerAtLeast(option: string, min: number): (text: string) => number {
  return (text) => {
    const value = toNumber(option, text);
    if (!Number.isInteger(value) || value < min) fail(`${option} must be an integer ≥ ${min}, got ${text}`);
    return value;
  };
}

/** In `[0, 1)` (validation split, dropout). */
export function fraction(option: string): (text: string) => number {
  return (text) => {
    const value = toNumber(option, text);
    if (!(value >= 0 && value < 1)) fail(`${option} must be in [0, 1), got ${text}`);
    return value;
  };
}

/** One of `choices`. */
export function oneOf<T extends string>(option: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) fail(`${option} must be one of ${choices.join(", ")}, got ${JSON.stringify(text)}`);
    return text as T;
  };
}

/** Layer sizes "2-16-16-2" (with --layers) or hidden sizes "16,16" (with --hidden; "" for none). */
export function sizeList(option: string, separator: "-" | ","): (text: string) => number[] {
  return (text) => {
    if (separator === "," && text.trim() === "") return [];
    const sizes = text.split(separator).map((part) => Number(part.trim()));
    if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
      fail(`${option} must be positive integers separated by "${separator}" (e.g. ${separator === "-" ? "2-16-16-2" : "16,16"}), got ${JSON.stringify(text)}`);
    }
    return sizes;
  };
}
