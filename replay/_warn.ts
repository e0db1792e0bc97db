/**
 * Warnings that quote input, made safe for a terminal: raw bytes of a corrupt input are never
 * echoed (every byte outside printable ASCII becomes `\xNN`), any message is kept on one line
 * with its control characters escaped, and malformed lines are quoted only up to a limit, after
 * which one line says that further ones are only counted. Runs on the rare path (allocates).
 * @module
 */
import type { ReplayStats } from "./summary.ts";

/** Malformed lines quoted verbatim in warnings (per replay); later ones are only counted. */
export const MAX_VERBATIM_WARNINGS = 5;

/** Most bytes of an input line quoted in a warning. */
export const QUOTE_BYTES = 120;

const HEX = "0123456789abcdef";

/**
 * `b[start, end)` as printable text: printable ASCII as is (a backslash doubled), every other
 * byte as `\xNN`; at most `max` input bytes, then `…`.
 */
export function quoteBytes(b: Uint8Array, start: number, end: number, max = QUOTE_BYTES): string {
  const stop = Math.min(end, start + max);
  let s = "";
  for (let i = start; i < stop; i++) {
    const c = b[i]!;
    if (c === 0x5c) s += "\\\\";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\x" + HEX[c >> 4] + HEX[c & 15];
  }
  return stop < end ? s + "…" : s;
}

// C0 and C1 controls, DEL, format characters (bidi overrides, zero-width), line separators.
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** `msg` with every control or format character escaped (`\xNN` / `\u{N}`): one safe line. */
export function printable(msg: string): string {
  return msg.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? "\\x" + HEX[n >> 4] + HEX[n & 15] : `\\u{${n.toString(16)}}`;
  });
}

/**
 * Count a malformed line in `stats.malformed` and warn about it: the first
 * {@linkcode MAX_VERBATIM_WARNINGS} are quoted (`where: reason: <line>`), the next one only says
 * that further ones are suppressed; {@linkcode warnMalformedTotal} gives the total at the end.
 */
export function warnMalformed(
  stats: ReplayStats,
  warn: (msg: string) => void,
  where: string,
  reason: string,
  b: Uint8Array,
  start: number,
  end: number,
): void {
  const n = ++stats.malformed;
  if (n <= MAX_VERBATIM_WARNINGS) warn(`${where}: ${reason}: ${quoteBytes(b, start, end)}`);
  else if (n === MAX_VERBATIM_WARNINGS + 1) {
    warn(`further malformed-line warnings suppressed (the total follows at the end)`);
  }
}

/** At the end of a replay: the total of malformed lines, when some were not quoted. */
export function warnMalformedTotal(stats: ReplayStats, warn: (msg: string) => void): void {
  if (stats.malformed > MAX_VERBATIM_WARNINGS) {
    warn(`${stats.malformed} malformed lines in all (the first ${MAX_VERBATIM_WARNINGS} quoted above)`);
  }
}
