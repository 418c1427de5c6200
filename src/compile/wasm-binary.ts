/**
 * A small WebAssembly binary encoder: enough of the format (LEB128 numbers, the type, import,
 * function, export and code sections, the instructions compile()'s generated kernels use) to
 * build a module at run time from a plan (wasm-codegen.ts). Written here rather than taken from
 * a library: the plan's generated code is the core of compile(), and the subset it needs is small.
 *
 * Instructions are appended as bytes through {@link Code}; {@link encodeModule} wraps function
 * bodies into a module that imports one memory and some functions and exports every body.
 *
 * @example
 * ```ts
 * const body = new Code();
 * body.op(OP.localGet).u32(0).op(OP.localGet).u32(1).op(OP.i32Add);
 * const bytes = encodeModule({
 *   memory: null,
 *   imports: [],
 *   functions: [{ name: "add", params: [VALUE.i32, VALUE.i32], results: [VALUE.i32], locals: [], body }],
 * });
 * WebAssembly.validate(bytes); // true
 * ```
 */

/** Value types, as the binary format writes them. */
export const VALUE = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValueType = (typeof VALUE)[keyof typeof VALUE];

/** Single-byte opcodes of the instructions the generated kernels use. */
export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f32Load: 0x2a, f64Load: 0x2b, f32Store: 0x38, f64Store: 0x39,
  i32Const: 0x41, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtU: 0x49, i32GeU: 0x4f,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivU: 0x6e, i32RemU: 0x70, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76,
  f32DemoteF64: 0xb6, f64PromoteF32: 0xbb,
  simd: 0xfd,
} as const;

/** Scalar float ops by element type: comparisons then arithmetic (the f64 opcode is the f32 one plus a fixed distance within each run). */
export const FLOAT = {
  f32: { eq: 0x5b, ne: 0x5c, lt: 0x5d, gt: 0x5e, le: 0x5f, ge: 0x60, abs: 0x8b, neg: 0x8c, ceil: 0x8d, floor: 0x8e, trunc: 0x8f, nearest: 0x90, sqrt: 0x91, add: 0x92, sub: 0x93, mul: 0x94, div: 0x95 },
  f64: { eq: 0x61, ne: 0x62, lt: 0x63, gt: 0x64, le: 0x65, ge: 0x66, abs: 0x99, neg: 0x9a, ceil: 0x9b, floor: 0x9c, trunc: 0x9d, nearest: 0x9e, sqrt: 0x9f, add: 0xa0, sub: 0xa1, mul: 0xa2, div: 0xa3 },
} as const;

/** SIMD opcodes (after the 0xfd prefix), shared and per lane shape. */
export const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52,
  f32: { splat: 0x13, replaceLane: 0x20, eq: 0x41, ne: 0x42, lt: 0x43, gt: 0x44, le: 0x45, ge: 0x46, ceil: 0x67, floor: 0x68, trunc: 0x69, nearest: 0x6a, abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 },
  f64: { splat: 0x14, replaceLane: 0x22, eq: 0x47, ne: 0x48, lt: 0x49, gt: 0x4a, le: 0x4b, ge: 0x4c, ceil: 0x74, floor: 0x75, trunc: 0x7a, nearest: 0x94, abs: 0xec, neg: 0xed, sqrt: 0xef, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3 },
} as const;

/** Scratch for a float constant's bytes. */
const floatBytes = new DataView(new ArrayBuffer(8));

/** A growing byte buffer with the format's number encodings. */
export class Code {
  private bytes: number[] = [];

  /** Appends raw bytes. */
  byte(...values: number[]): this {
    for (const value of values) this.bytes.push(value & 0xff);
    return this;
  }

  /** An opcode (one byte). */
  op(code: number): this {
    this.bytes.push(code);
    return this;
  }

  /** A SIMD opcode: the prefix, then the opcode as unsigned LEB128. */
  simd(code: number): this {
    return this.op(OP.simd).u32(code);
  }

  /** Unsigned LEB128 of a 32-bit value. */
  u32(value: number): this {
    if (value >= 0 && value < 128 && value % 1 === 0) {
      this.bytes.push(value); // most immediates: one byte, one step (this runs cold, once per plan)
      return this;
    }
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`wasm encoder: ${value} is not a u32`);
    let rest = value;
    do {
      const low = rest % 128;
      rest = Math.floor(rest / 128);
      this.bytes.push(rest === 0 ? low : low | 0x80);
    } while (rest !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit value (i32.const's immediate). */
  i32(value: number): this {
    let rest = value | 0;
    for (;;) {
      const low = rest & 0x7f;
      rest >>= 7;
      const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
      this.bytes.push(done ? low : low | 0x80);
      if (done) return this;
    }
  }

  /** An f32 or f64 constant's bytes, little-endian. */
  float(value: number, bytes: 4 | 8): this {
    if (bytes === 4) floatBytes.setFloat32(0, value, true);
    else floatBytes.setFloat64(0, value, true);
    for (let i = 0; i < bytes; i++) this.bytes.push(floatBytes.getUint8(i));
    return this;
  }

  /** A memory access's alignment (log2 bytes) and static offset. */
  memarg(alignLog2: number, offset: number): this {
    return this.u32(alignLog2).u32(offset);
  }

  /** A name, length first (ASCII: the names here are identifiers). */
  name(text: string): this {
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`wasm encoder: name ${JSON.stringify(text)} is not printable ASCII`);
    this.u32(text.length);
    for (let i = 0; i < text.length; i++) this.bytes.push(text.charCodeAt(i));
    return this;
  }

  /** Another buffer's bytes, its length first (a section's or a body's size). */
  sized(inner: Code): this {
    return this.u32(inner.bytes.length).append(inner);
  }

  /**
   * Another buffer's bytes, pushed one by one: `concat` made a new array of everything written
   * so far on every call, so a module of many function bodies took time quadratic in its size
   * (an LSTM's plan: 0.8 s of its first replays).
   */
  append(inner: Code): this {
    const { bytes } = this;
    for (const value of inner.bytes) bytes.push(value);
    return this;
  }

  /** The bytes written so far. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.bytes);
  }
}

/** A function imported from module `module` under `name`, with its signature. */
export interface ImportedFunction {
  readonly module: string;
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

/** A function the module defines and exports as `name`; its body ends with `end` here. */
export interface DefinedFunction {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  /** Local types after the parameters, one entry per local. */
  readonly locals: readonly ValueType[];
  readonly body: Code;
}

/** The memory imported as env.memory: `pages` minimum; `shared` memories declare the same maximum. */
export interface ImportedMemory {
  readonly pages: number;
  readonly shared: boolean;
}

/** Encodes a module importing `memory` (when given) and `imports`, defining and exporting `functions`. */
export function encodeModule(spec: { memory: ImportedMemory | null; imports: readonly ImportedFunction[]; functions: readonly DefinedFunction[] }): Uint8Array<ArrayBuffer> {
  const signatures: string[] = [];
  const typeOf = (params: readonly ValueType[], results: readonly ValueType[]): number => {
    const key = `${params.join(",")}:${results.join(",")}`;
    const found = signatures.indexOf(key);
    return found >= 0 ? found : signatures.push(key) - 1;
  };
  const importTypes = spec.imports.map((fn) => typeOf(fn.params, fn.results));
  const functionTypes = spec.functions.map((fn) => typeOf(fn.params, fn.results));

  const types = new Code().u32(signatures.length);
  for (const key of signatures) {
    const [params, results] = key.split(":").map((list) => (list === "" ? [] : list.split(",").map(Number)));
    types.byte(0x60).u32(params!.length).byte(...params!).u32(results!.length).byte(...results!);
  }
  const imports = new Code().u32(spec.imports.length + (spec.memory === null ? 0 : 1));
  if (spec.memory !== null) {
    const { pages, shared } = spec.memory;
    imports.name("env").name("memory").byte(0x02);
    if (shared) imports.byte(0x03).u32(pages).u32(pages);
    else imports.byte(0x00).u32(pages);
  }
  spec.imports.forEach((fn, i) => imports.name(fn.module).name(fn.name).byte(0x00).u32(importTypes[i]!));
  const functions = new Code().u32(spec.functions.length);
  for (const type of functionTypes) functions.u32(type);
  const exports = new Code().u32(spec.functions.length);
  spec.functions.forEach((fn, i) => exports.name(fn.name).byte(0x00).u32(spec.imports.length + i));
  const code = new Code().u32(spec.functions.length);
  for (const fn of spec.functions) {
    const body = new Code();
    // locals as runs of one type
    const runs: [ValueType, number][] = [];
    for (const type of fn.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[0] === type) last[1]++;
      else runs.push([type, 1]);
    }
    body.u32(runs.length);
    for (const [type, count] of runs) body.u32(count).byte(type);
    body.append(fn.body).op(OP.end);
    code.sized(body);
  }
  const module = new Code().byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const section = (id: number, content: Code): void => void module.byte(id).sized(content);
  section(1, types);
  section(2, imports);
  section(3, functions);
  section(7, exports);
  section(10, code);
  return module.toBytes();
}
