/**
 * Private: the texts of `BinanceHandler`'s fault warnings — a silent feed, frames of another
 * symbol, binary frames. Built only when a warning is actually logged (rate-limited by the
 * caller), so their allocations stay off the per-frame path.
 * @module
 */
import { Silence } from "../_silence.ts";

/** The warning for a silence of `seconds` (`r` from `SilenceWatch.poll`, not `None`). */
export function silenceWarning(r: Silence, seconds: number, symbol: string, wsUrl: string): string {
  if (r === Silence.NeverData) {
    return `no depth data for ${symbol} within ${seconds} s of connecting to ${wsUrl}: check the ` +
      "symbol and the stream (a typo or a delisted symbol gets no frames); book stale; reconnecting";
  }
  return `no depth data for ${seconds} s with the socket open: book stale; reconnecting`;
}

/** The warning for `n` refused frames of another symbol; `raw` is the latest (its `s` is quoted). */
export function foreignWarning(n: number, raw: string, symbol: string): string {
  const got = /"s"\s*:\s*"([^"]{0,40})"/.exec(raw)?.[1] ?? "?";
  return `${n} frame(s) of symbol ${got} refused, not applied ` +
    `(this handler is for ${symbol}; check --ws-url)`;
}

/** The warning for binary frames: `n` since the last warning (0 when held back), `bytes` of the latest. */
export function binaryWarning(n: number, bytes: number, captured: boolean): string {
  return `binary frame ignored (${bytes} bytes; ${n} since the last warning; Binance sends text)` +
    (captured ? "" : ": the capture cannot store binary frames, not captured");
}
