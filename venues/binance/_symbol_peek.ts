/**
 * Private: which of many symbols a Binance frame is about, read from the frame's bytes.
 *
 * - {@linkcode SymbolPeek.peek}, before the frame is parsed, so the parser can run at that
 *   symbol's own scale in one pass: the stream name of a combined frame
 *   (`{"stream":"btcusdt@depth@100ms",…`, up to `@`), else the value of the first `"s":"…"`.
 *   Letters compare without case (the stream name is lower case, `s` upper case). A frame written
 *   another way (spaces around `:`) is not found (-1): the caller then asks the parser.
 * - {@linkcode SymbolPeek.find}, the parser's lookup of a parsed `s` (`ParsedFrame.symbols`):
 *   exact bytes of the upper-case symbol. The symbol peeked last is compared first, so a frame
 *   whose `s` is the peeked symbol costs one comparison, no hash.
 *
 * An open-addressing table of FNV-1a hashes over the bytes (letters folded); no allocation per
 * lookup.
 * @module
 */

const PREFIX = new TextEncoder().encode('{"stream":"');
const Q = 0x22; // "
const S = 0x73; // s
const COLON = 0x3a;
const AT = 0x40;

/** Symbol bytes → index. */
export class SymbolPeek {
  readonly #names: readonly Uint8Array[]; // upper case
  readonly #slots: Int32Array; // index + 1, 0 = empty
  readonly #hashes: Uint32Array;
  readonly #mask: number;
  #last = -1;
  #start = 0;
  #end = 0;

  /** Index `names` (alphanumeric ASCII; position = symbol index). */
  constructor(names: readonly string[]) {
    const enc = new TextEncoder();
    this.#names = names.map((n) => enc.encode(n.toUpperCase()));
    let size = 16;
    while (size < names.length * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#hashes = new Uint32Array(size);
    this.#mask = size - 1;
    this.#names.forEach((n, i) => {
      const h = hash(n, 0, n.length);
      let k = h & this.#mask;
      while (this.#slots[k] !== 0) k = (k + 1) & this.#mask;
      this.#slots[k] = i + 1;
      this.#hashes[k] = h;
    });
  }

  /**
   * The index of the symbol the frame `b[start, end)` names (its combined stream name, else its
   * first `"s":"…"`), letters without case, or -1.
   */
  peek(b: Uint8Array, start: number, end: number): number {
    this.#last = this.#locate(b, start, end) ? this.#lookup(b, this.#start, this.#end, true) : -1;
    return this.#last;
  }

  /** The index of the symbol whose upper-case bytes are exactly `b[start, end)`, or -1. */
  find(b: Uint8Array, start: number, end: number): number {
    const k = this.#last;
    if (k >= 0 && same(this.#names[k]!, b, start, end, false)) return k;
    return this.#lookup(b, start, end, false);
  }

  #lookup(b: Uint8Array, start: number, end: number, fold: boolean): number {
    const h = hash(b, start, end);
    for (let k = h & this.#mask;; k = (k + 1) & this.#mask) {
      const slot = this.#slots[k]!;
      if (slot === 0) return -1;
      if (this.#hashes[k] === h && same(this.#names[slot - 1]!, b, start, end, fold)) return slot - 1;
    }
  }

  // Set #start/#end to the symbol's bytes in b[start, end); false when there are none.
  #locate(b: Uint8Array, start: number, end: number): boolean {
    const np = PREFIX.length;
    let combined = end - start > np;
    for (let i = 0; combined && i < np; i++) combined = b[start + i] === PREFIX[i];
    if (combined) {
      let e = start + np;
      while (e < end && b[e] !== AT && b[e] !== Q) e++;
      if (e < end && b[e] === AT) {
        this.#start = start + np;
        this.#end = e;
        return true;
      }
    }
    const n = end - 5;
    let i = start + 1;
    for (; i < n; i++) {
      if (
        b[i] === S && b[i - 1] === Q && b[i + 1] === Q && b[i + 2] === COLON && b[i + 3] === Q
      ) break;
    }
    if (i >= n) return false;
    let e = i + 4;
    while (e < end && b[e] !== Q) e++;
    if (e >= end) return false;
    this.#start = i + 4;
    this.#end = e;
    return true;
  }
}

// FNV-1a over the bytes, letters folded to lower case (| 0x20 keeps digits as they are).
function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i]! | 0x20), 0x01000193);
  return h >>> 0;
}

// `name` equals b[start, end): exactly, or with letters folded (`fold`).
function same(name: Uint8Array, b: Uint8Array, start: number, end: number, fold: boolean): boolean {
  if (name.length !== end - start) return false;
  return fold ? sameFolded(name, b, start) : sameExact(name, b, start);
}

function sameFolded(name: Uint8Array, b: Uint8Array, start: number): boolean {
  for (let i = 0; i < name.length; i++) if ((name[i]! | 0x20) !== (b[start + i]! | 0x20)) return false;
  return true;
}

function sameExact(name: Uint8Array, b: Uint8Array, start: number): boolean {
  for (let i = 0; i < name.length; i++) if (name[i] !== b[start + i]) return false;
  return true;
}
