/**
 * Private: which of many symbols a Binance frame is about, read from the frame's text before it
 * is parsed, so the parser can run at that symbol's own scale in one pass: the stream name of a
 * combined frame (`{"stream":"btcusdt@depth@100ms",…`, up to `@`), else the value of the first
 * `"s":"…"`. Letters compare without case (the stream name is lower case, `s` upper case). An
 * open-addressing table of FNV-1a hashes over the UTF-16 code units; no allocation per lookup. A
 * frame written another way (spaces around `:`) is not found (-1): the caller then parses first
 * and asks the parser's `symbolIndex`.
 * @module
 */

const PREFIX = '{"stream":"';
const Q = 0x22; // "
const S = 0x73; // s
const COLON = 0x3a;
const AT = 0x40;

/** Symbol text → index. */
export class SymbolPeek {
  readonly #names: readonly string[];
  readonly #slots: Int32Array; // index + 1, 0 = empty
  readonly #hashes: Uint32Array;
  readonly #mask: number;
  #start = 0;
  #end = 0;

  /** Index `names` (alphanumeric; position = symbol index). */
  constructor(names: readonly string[]) {
    this.#names = names;
    let size = 16;
    while (size < names.length * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#hashes = new Uint32Array(size);
    this.#mask = size - 1;
    names.forEach((n, i) => {
      const h = hash(n, 0, n.length);
      let k = h & this.#mask;
      while (this.#slots[k] !== 0) k = (k + 1) & this.#mask;
      this.#slots[k] = i + 1;
      this.#hashes[k] = h;
    });
  }

  /** The index of the symbol `raw` names (its combined stream name, else its `"s":"…"`), or -1. */
  find(raw: string): number {
    if (!this.#locate(raw)) return -1;
    const start = this.#start;
    const end = this.#end;
    const h = hash(raw, start, end);
    for (let k = h & this.#mask;; k = (k + 1) & this.#mask) {
      const slot = this.#slots[k]!;
      if (slot === 0) return -1;
      if (this.#hashes[k] === h && same(this.#names[slot - 1]!, raw, start, end)) return slot - 1;
    }
  }

  // Set #start/#end to the symbol's characters in `raw`; false when there are none.
  #locate(raw: string): boolean {
    const len = raw.length;
    if (raw.startsWith(PREFIX)) {
      let e = PREFIX.length;
      while (e < len && raw.charCodeAt(e) !== AT && raw.charCodeAt(e) !== Q) e++;
      if (e < len && raw.charCodeAt(e) === AT) {
        this.#start = PREFIX.length;
        this.#end = e;
        return true;
      }
    }
    const n = len - 5;
    let i = 1;
    for (; i < n; i++) {
      if (
        raw.charCodeAt(i) === S && raw.charCodeAt(i - 1) === Q && raw.charCodeAt(i + 1) === Q &&
        raw.charCodeAt(i + 2) === COLON && raw.charCodeAt(i + 3) === Q
      ) break;
    }
    if (i >= n) return false;
    let e = i + 4;
    while (e < len && raw.charCodeAt(e) !== Q) e++;
    if (e >= len) return false;
    this.#start = i + 4;
    this.#end = e;
    return true;
  }
}

// FNV-1a over the code units, letters folded to lower case (| 0x20 keeps digits as they are).
function hash(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (s.charCodeAt(i) | 0x20), 0x01000193);
  return h >>> 0;
}

function same(name: string, raw: string, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== (raw.charCodeAt(start + i) | 0x20)) return false;
  }
  return true;
}
