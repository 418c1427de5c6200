// JSON from files a stranger may have written (a safetensors header, a model's
// config.json): one linear scan before `JSON.parse` refuses nesting deeper than a bound (deep
// nesting overflowed the stack when an error message stringified it) and an object key given
// twice (JSON.parse keeps the last, so a duplicated tensor silently replaced the first). Errors
// name the position, never echo the text: the file may not be what it claims to be.

/** Deeper than any config or header nabla writes (a config nests 4 levels). */
export const MAX_JSON_DEPTH = 64;

/** Parses `text`, or throws `${source} <what is wrong> … position <n>`. */
export function parseJsonBounded(text: string, source: string, maxDepth = MAX_JSON_DEPTH): unknown {
  checkStructure(text, source, maxDepth);
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the start of the text in some messages: keep only the position, if it gives one
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new Error(`${source} is not valid JSON${position === undefined ? "" : ` (error at position ${position})`}`);
  }
}

/** One pass over the text: nesting depth, and the keys of each open object. */
function checkStructure(text: string, source: string, maxDepth: number): void {
  // one entry per open bracket: the keys seen (objects) or null (arrays)
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      const keys = open.at(-1);
      if (expectKey && keys) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return; // JSON.parse reports the bad string
        }
        if (keys.has(key)) throw new Error(`${source} gives the key ${JSON.stringify(key.slice(0, 80))} twice in one object (position ${start})`);
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (open.length >= maxDepth) throw new Error(`${source} nests JSON deeper than ${maxDepth} levels (position ${i})`);
      open.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open.at(-1) instanceof Set;
    }
  }
}
