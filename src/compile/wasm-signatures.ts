/**
 * The function signatures a WebAssembly module exports, read from its bytes: a generated module
 * that imports the kernels must declare each import with exactly the kernel's type, and the
 * engine's reflection (WebAssembly.Module.exports) gives names only. Reads the type, import,
 * function and export sections and skips the rest.
 */
import { VALUE, type ValueType } from "./wasm-binary.js";

/** An exported function's parameter and result types (value type codes, i64's 0x7e among them). */
export interface Signature {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/** i32, i64, f32, f64, v128. */
const VALUE_TYPES: ReadonlySet<number> = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b]);

/** Whether a signature's types are all ones the encoder writes (wasm-binary.ts's VALUE: no i64). */
export function encodable(types: readonly number[]): types is readonly ValueType[] {
  const known: readonly number[] = Object.values(VALUE);
  return types.every((type) => known.includes(type));
}

/** The signature of every function `bytes` exports, by export name. */
export function exportedSignatures(bytes: Uint8Array): Map<string, Signature> {
  const reader = new Reader(bytes);
  if (reader.u32Fixed() !== 0x6d736100 || reader.u32Fixed() !== 1) throw new Error("wasm signatures: not a WebAssembly module (version 1)");
  const types: Signature[] = [];
  const functionTypes: number[] = []; // by function index: imported functions first
  const signatures = new Map<string, Signature>();
  while (!reader.done()) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.at + size;
    if (id === 1) {
      for (let count = reader.u32(); count > 0; count--) {
        if (reader.byte() !== 0x60) throw new Error("wasm signatures: a type that is not a function type");
        types.push({ params: reader.valueTypes(), results: reader.valueTypes() });
      }
    } else if (id === 2) {
      for (let count = reader.u32(); count > 0; count--) {
        reader.name();
        reader.name();
        const kind = reader.byte();
        if (kind === 0x00) functionTypes.push(reader.u32());
        else if (kind === 0x01) reader.byte(), reader.limits(); // a table: element type, limits
        else if (kind === 0x02) reader.limits();
        else if (kind === 0x03) reader.byte(), reader.byte(); // a global: type, mutability
        else throw new Error(`wasm signatures: unknown import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let count = reader.u32(); count > 0; count--) functionTypes.push(reader.u32());
    } else if (id === 7) {
      for (let count = reader.u32(); count > 0; count--) {
        const name = reader.name();
        const kind = reader.byte();
        const index = reader.u32();
        if (kind !== 0x00) continue;
        const type = types[functionTypes[index]!];
        if (type === undefined) throw new Error(`wasm signatures: export ${name} has no type`);
        signatures.set(name, type);
      }
    }
    reader.at = end;
  }
  return signatures;
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.at >= this.bytes.length;
  }

  byte(): number {
    if (this.at >= this.bytes.length) throw new Error("wasm signatures: the module ends early");
    return this.bytes[this.at++]!;
  }

  u32Fixed(): number {
    const value = this.bytes[this.at]! | (this.bytes[this.at + 1]! << 8) | (this.bytes[this.at + 2]! << 16) | (this.bytes[this.at + 3]! << 24);
    this.at += 4;
    return value >>> 0;
  }

  /** Unsigned LEB128. */
  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error("wasm signatures: a number longer than 5 bytes");
  }

  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }

  limits(): void {
    const flags = this.byte();
    this.u32();
    if ((flags & 1) !== 0) this.u32();
  }

  valueTypes(): number[] {
    const list: number[] = [];
    for (let count = this.u32(); count > 0; count--) {
      const type = this.byte();
      if (!VALUE_TYPES.has(type)) throw new Error(`wasm signatures: value type 0x${type.toString(16)} is not a number or vector type`);
      list.push(type);
    }
    return list;
  }
}
