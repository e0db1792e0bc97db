/**
 * Private: which of many symbols a Binance frame is about, read from the frame's text before it
 * is parsed — the value of its first `"s":"…"` — so the parser can run at that symbol's own
 * scale in one pass. An open-addressing table of FNV-1a hashes over the UTF-16 code units; no
 * allocation per lookup. A frame written another way (spaces around `:`) is not found (-1): the
 * caller then parses first and asks the parser's `symbolIndex`.
 * @module
 */

const KEY = '"s":"';

/** Symbol text → index. */
export class SymbolPeek {
  readonly #names: readonly string[];
  readonly #slots: Int32Array; // index + 1, 0 = empty
  readonly #hashes: Uint32Array;
  readonly #mask: number;

  /** Index `names` (position = symbol index). */
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

  /** The index of the symbol named by `raw`'s first `"s":"…"`, or -1. */
  find(raw: string): number {
    const at = raw.indexOf(KEY);
    if (at < 0) return -1;
    const start = at + KEY.length;
    const end = raw.indexOf('"', start);
    if (end < 0) return -1;
    const h = hash(raw, start, end);
    for (let k = h & this.#mask;; k = (k + 1) & this.#mask) {
      const slot = this.#slots[k]!;
      if (slot === 0) return -1;
      if (this.#hashes[k] === h && same(this.#names[slot - 1]!, raw, start, end)) return slot - 1;
    }
  }
}

function hash(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function same(name: string, raw: string, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) !== raw.charCodeAt(start + i)) return false;
  return true;
}
