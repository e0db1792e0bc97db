/**
 * Private: find a coin by the bytes of a parsed frame without decoding them (no allocation per
 * message): an FNV-1a hash of the bytes picks a bucket, then the bytes are compared. Also finds
 * the coin of a raw frame before it is parsed ({@linkcode CoinIndex.findInText}: the first
 * `"coin":"…"` of the text), so the parser can be set to that coin's scale first.
 * @module
 */

const COIN_KEY = '"coin":"';

/** Coin name bytes → index. */
export class CoinIndex {
  readonly #names: Uint8Array[];
  readonly #buckets = new Map<number, number[]>();

  /** Index `names` (UTF-8 bytes), position = coin index. */
  constructor(names: Uint8Array[]) {
    this.#names = names;
    names.forEach((b, i) => {
      const h = hash(b, 0, b.length);
      const list = this.#buckets.get(h);
      if (list) list.push(i);
      else this.#buckets.set(h, [i]);
    });
  }

  /** The index of the coin whose bytes are `bytes[start, end)`, or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const list = this.#buckets.get(hash(bytes, start, end));
    if (list === undefined) return -1;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      const n = this.#names[i]!;
      if (n.length !== end - start) continue;
      let same = true;
      for (let j = 0; j < n.length && same; j++) same = n[j] === bytes[start + j];
      if (same) return i;
    }
    return -1;
  }

  /**
   * The index of the coin named by the first `"coin":"…"` in `text`, or -1 (none, not served,
   * or a name with non-ASCII characters or escapes, which the parsed frame then settles). No
   * allocation.
   */
  findInText(text: string): number {
    const k = text.indexOf(COIN_KEY);
    if (k < 0) return -1;
    const start = k + COIN_KEY.length;
    const end = text.indexOf('"', start);
    if (end < 0) return -1;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c > 127 || c === 92) return -1;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const list = this.#buckets.get(h >>> 0);
    if (list === undefined) return -1;
    for (let k2 = 0; k2 < list.length; k2++) {
      const i = list[k2]!;
      const n = this.#names[i]!;
      if (n.length !== end - start) continue;
      let same = true;
      for (let j = 0; j < n.length && same; j++) same = n[j] === text.charCodeAt(start + j);
      if (same) return i;
    }
    return -1;
  }
}

function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
