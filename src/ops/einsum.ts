/**
 * `einsum`: sums of products written in Einstein's notation (PyTorch's `torch.einsum`), as a
 * composite of views, sums and batched products, so its gradient is theirs. Each operand's
 * repeated letters become a diagonal view and its letters needed nowhere else are summed out;
 * then the operands are contracted left to right, each pair as one batched matmul over the
 * letters they share; the result is permuted to the output's letters.
 */
import { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import { diagonal } from "./diagonal.js";

/** One operand's letters, one per dim (an ellipsis already spelled out as letters of its own). */
type Letters = string[];

/** Letters standing for the dims an ellipsis covers: private-use characters, never in an equation. */
const ELLIPSIS_BASE = 0xe000;

function parseTerm(term: string, ndim: number, position: number, ellipsisDims: number): Letters {
  const parts = term.split("...");
  if (parts.length > 2) throw new Error(`einsum: operand ${position} ("${term}") has more than one ellipsis`);
  for (const part of parts) {
    for (const ch of part) if (!/[a-zA-Z]/.test(ch)) throw new Error(`einsum: "${ch}" in operand ${position} ("${term}") is not a letter (subscripts are a–z and A–Z, and "...")`);
  }
  const named = parts.join("").length;
  if (parts.length === 1) {
    if (named !== ndim) throw new Error(`einsum: operand ${position} has ${ndim} dim${ndim === 1 ? "" : "s"} but "${term}" names ${named}`);
    return [...term];
  }
  if (named > ndim) throw new Error(`einsum: operand ${position} has ${ndim} dim${ndim === 1 ? "" : "s"} but "${term}" names ${named} besides its ellipsis`);
  const covered = ndim - named;
  // an ellipsis's dims align from the right across operands, as broadcasting does
  const dots = Array.from({ length: covered }, (_, k) => String.fromCharCode(ELLIPSIS_BASE + ellipsisDims - covered + k));
  return [...parts[0]!, ...dots, ...parts[1]!];
}

/**
 * An operand's repeated letters (of equal sizes, checked) as diagonal views: "ii" of a [n, n]
 * matrix reads its n diagonal entries (the diagonal's dim goes last, as `diagonal` puts it).
 */
function diagonals(x: Tensor, letters: Letters): [Tensor, Letters] {
  let view = x;
  let current = [...letters];
  // one repeated pair at a time: a letter repeated a third time is found again on the next pass
  for (;;) {
    const d = current.findIndex((letter, k) => current.indexOf(letter, k + 1) >= 0);
    if (d < 0) return [view, current];
    const again = current.indexOf(current[d]!, d + 1);
    view = diagonal(view, 0, d, again);
    current = [...current.filter((_, k) => k !== d && k !== again), current[d]!];
  }
}

/** Permutes and reshapes `x` (letters `from`) to `groups` of letters, each group one dim (its letters' sizes multiplied). */
function grouped(x: Tensor, from: Letters, groups: Letters[], sizes: Map<string, number>): Tensor {
  const order = groups.flat();
  const moved = x.permute(order.map((letter) => from.indexOf(letter)));
  const expanded = moved.expand(order.map((letter) => sizes.get(letter)!));
  return expanded.reshape(groups.map((group) => group.reduce((n, letter) => n * sizes.get(letter)!, 1)));
}

/**
 * Backs the `einsum` function: sums of products over the letters of `equation`
 * (`"bij,bjk->bik"` is a batched product, `"ii->"` a trace, `"i,j->ij"` an outer product).
 * Without `->` the output is every letter that appears once, in alphabetical order (after any
 * ellipsis). `...` stands for broadcast dims; a letter's sizes must agree or be 1.
 *
 * @example
 * ```ts
 * import { einsum, tensor } from "nabla";
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor([[5, 6], [7, 8]]);
 * console.log(einsum("ij,jk->ik", a, b).toArray()); // [[19, 22], [43, 50]]
 * console.log(einsum("ii", a).item(), einsum("ij->j", a).toArray()); // 5 [4, 6]
 * console.log(einsum("i,j->ij", tensor([1, 2]), tensor([3, 4, 5])).shape); // [2, 3]
 * ```
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 0) throw new Error("einsum: expected at least one operand");
  operands.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`einsum: operand ${i} is not a tensor`);
  });
  const text = equation.replace(/\s+/g, "");
  const arrow = text.indexOf("->");
  const terms = (arrow < 0 ? text : text.slice(0, arrow)).split(",");
  if (terms.length !== operands.length) throw new Error(`einsum: "${equation}" has ${terms.length} operand term${terms.length === 1 ? "" : "s"} but ${operands.length} operand${operands.length === 1 ? " was" : "s were"} given`);
  const ellipsisDims = Math.max(0, ...terms.map((term, i) => (term.includes("...") ? operands[i]!.ndim - term.replace("...", "").length : 0)));
  const inputs = terms.map((term, i) => parseTerm(term, operands[i]!.ndim, i, ellipsisDims));
  const counts = new Map<string, number>();
  for (const letters of inputs) for (const letter of letters) counts.set(letter, (counts.get(letter) ?? 0) + 1);
  const dots = Array.from({ length: ellipsisDims }, (_, k) => String.fromCharCode(ELLIPSIS_BASE + k));
  let output: Letters;
  if (arrow < 0) output = [...dots, ...[...counts.keys()].filter((l) => l.charCodeAt(0) < ELLIPSIS_BASE && counts.get(l) === 1).sort()];
  else {
    const right = text.slice(arrow + 2);
    output = right.includes("...") ? parseTerm(right, right.replace("...", "").length + ellipsisDims, -1, ellipsisDims) : [...right];
    for (const letter of output) {
      if (!/[a-zA-Z]/.test(letter) && letter.charCodeAt(0) < ELLIPSIS_BASE) throw new Error(`einsum: "${letter}" in the output ("${right}") is not a letter`);
      if (!counts.has(letter)) throw new Error(`einsum: output subscript ${letter} of "${equation}" appears in no operand`);
      if (output.indexOf(letter) !== output.lastIndexOf(letter)) throw new Error(`einsum: output subscript ${letter} of "${equation}" appears more than once`);
    }
  }
  // a letter repeated in one operand (a diagonal) needs equal sizes there
  inputs.forEach((letters, i) =>
    letters.forEach((letter, d) => {
      const again = letters.indexOf(letter, d + 1);
      const shape = operands[i]!.shape;
      if (again >= 0 && shape[d] !== shape[again]) {
        throw new Error(`einsum: subscript ${letter} of operand ${i} is repeated over dims of sizes ${shape[d]} and ${shape[again]} ${formatShape(shape)}; a diagonal needs equal sizes`);
      }
    }),
  );
  // every letter's size: equal across operands, or 1 (broadcast)
  const sizes = new Map<string, number>();
  inputs.forEach((letters, i) =>
    letters.forEach((letter, d) => {
      const size = operands[i]!.shape[d]!;
      const seen = sizes.get(letter);
      if (seen === undefined || seen === 1) sizes.set(letter, size);
      else if (size !== 1 && size !== seen) {
        const name = letter.charCodeAt(0) >= ELLIPSIS_BASE ? "the ellipsis's dims" : `subscript ${letter}`;
        throw new Error(`einsum: ${name} has size ${seen} in an earlier operand but ${size} in operand ${i} ${formatShape(operands[i]!.shape)}`);
      }
    }),
  );
  let pending = operands.map((x, i) => diagonals(x, inputs[i]!));
  // letters each operand needs kept: those of the output and of any other operand
  const neededBeyond = (index: number, rest: readonly [Tensor, Letters][]): Set<string> => new Set([...output, ...rest.filter((_, k) => k !== index).flatMap(([, l]) => l)]);
  pending = pending.map(([x, letters], i) => {
    const needed = neededBeyond(i, pending);
    const alone = letters.map((l, d) => (needed.has(l) ? -1 : d)).filter((d) => d >= 0);
    return alone.length === 0 ? [x, letters] : [x.sum(alone), letters.filter((l) => needed.has(l))];
  });
  let [result, letters] = pending[0]!;
  for (let i = 1; i < pending.length; i++) {
    const [other, otherLetters] = pending[i]!;
    const later = new Set([...output, ...pending.slice(i + 1).flatMap(([, l]) => l)]);
    const shared = letters.filter((l) => otherLetters.includes(l));
    const batch = shared.filter((l) => later.has(l));
    const contracted = shared.filter((l) => !later.has(l));
    const left = letters.filter((l) => !shared.includes(l));
    const right = otherLetters.filter((l) => !shared.includes(l));
    // [batch, left, contracted] · [batch, contracted, right] = [batch, left, right]
    const product = grouped(result, letters, [batch, left, contracted], sizes).matmul(grouped(other, otherLetters, [batch, contracted, right], sizes));
    letters = [...batch, ...left, ...right];
    result = product.reshape(letters.map((l) => sizes.get(l)!));
  }
  // what no later operand needs and the output leaves out (a single operand's letters shared by none)
  const extra = letters.map((l, d) => (output.includes(l) ? -1 : d)).filter((d) => d >= 0);
  if (extra.length > 0) {
    result = result.sum(extra);
    letters = letters.filter((l) => output.includes(l));
  }
  const order = output.map((l) => letters.indexOf(l));
  return result.permute(order); // a view where the result is an operand, as PyTorch's
}
