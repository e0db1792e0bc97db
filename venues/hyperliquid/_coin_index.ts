/**
 * Private: find a coin by the bytes of a parsed frame without decoding them (no allocation per
 * message): an FNV-1a hash of the bytes picks a bucket, then the bytes are compared.
 * @module
 */

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
}

function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
