/**
 * Private: the wire side of `FastMultiSimulator` — the frames each symbol owes at a time (the
 * staggered rate), many server text frames packed into one buffer (one socket write per
 * connection per tick), and the send-time stamp patched into each frame's `E` just before the
 * hand-off. Allocates per call: not a hot path of the project.
 * @module
 */

const enc = new TextEncoder();

/**
 * Frames symbol `k` of `n` owes after `runNs` of producing at `perSecond`: symbols are staggered
 * by k/n of a period, so n symbols spread their frames evenly over time.
 */
export function framesDue(runNs: number, perSecond: number, k: number, n: number): number {
  return Math.floor((runNs * perSecond) / 1e9 + k / n);
}

/** The `E` every frame is built with: 16 digits, overwritten at send time by {@linkcode stampDigits}. */
export const E_PLACEHOLDER = 1_000_000_000_000_000;

/** Write `value` (16 decimal digits) at each byte offset of `at` in `bytes`. */
export function stampDigits(bytes: Uint8Array, at: readonly number[], value: number): void {
  const d = String(value);
  if (d.length !== 16) throw new RangeError(`not 16 digits: ${d}`);
  for (const o of at) for (let i = 0; i < 16; i++) bytes[o + i] = d.charCodeAt(i);
}

/**
 * Server text frames (unmasked, FIN) of ASCII `texts`, back to back in one buffer; the byte
 * offset of each frame's `"E":` value is pushed to `eAt`. Allocates.
 */
export function packTextFrames(texts: readonly string[], eAt: number[] = []): Uint8Array {
  let n = 0;
  for (const t of texts) n += t.length + (t.length < 126 ? 2 : t.length < 65536 ? 4 : 10);
  const out = new Uint8Array(n);
  let o = 0;
  for (const t of texts) {
    const len = t.length;
    out[o] = 0x81;
    if (len < 126) (out[o + 1] = len, o += 2);
    else if (len < 65536) (out[o + 1] = 126, out[o + 2] = len >> 8, out[o + 3] = len & 0xff, o += 4);
    else {
      out[o + 1] = 127;
      new DataView(out.buffer).setBigUint64(o + 2, BigInt(len));
      o += 10;
    }
    const w = enc.encodeInto(t, out.subarray(o)).written;
    if (w !== len) throw new RangeError("packTextFrames: text is not ASCII");
    const e = t.indexOf('"E":');
    if (e >= 0) eAt.push(o + e + 4);
    o += w;
  }
  return out;
}
