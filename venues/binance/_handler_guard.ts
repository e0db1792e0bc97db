/**
 * Private: the feed-fault state of `BinanceHandler` — the silence watch and the stale flag, the
 * counters and rate-limited warnings of frames it must refuse (another symbol's, binary), and
 * the fatal error that ends a run. The handler decides what to do (reconnect, not apply,
 * capture); this keeps the state and writes the warnings. Warning texts are built only when a
 * warning is logged, so their allocations stay off the per-frame path.
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import { Silence, SilenceWatch } from "../_silence.ts";
import { WarnLimit } from "../_warn_limit.ts";

/** Feed faults of one Binance instrument. */
export class FeedGuard {
  /** No depth frame for the limit with the socket open (see `SilenceWatch`). */
  readonly silence: SilenceWatch;
  /** Depth and trade frames of another symbol refused. */
  readonly foreign = new WarnLimit();
  /** Binary frames received. */
  readonly binary = new WarnLimit();
  /** The book is not live (silent feed or lost connection, not synchronized since). */
  stale = false;
  /** Why the run must end (an error retrying cannot fix); undefined while running. */
  fatal: string | undefined;
  readonly #symbol: string;
  readonly #wsUrl: string;

  /** Guard `symbol` streamed from `wsUrl`, silent after `staleAfterMs`. */
  constructor(staleAfterMs: number, symbol: string, wsUrl: string) {
    this.silence = new SilenceWatch(staleAfterMs);
    this.#symbol = symbol;
    this.#wsUrl = wsUrl;
  }

  /** Poll the silence watch at `now`; on a silence, warn and mark the book stale. */
  checkSilence(logger: Logger, src: number, now: number): Silence {
    const r = this.silence.poll(now);
    if (r === Silence.None) return r;
    const s = this.silence.afterNs / 1e9;
    this.stale = true;
    logger.warning(
      src,
      r === Silence.NeverData
        ? `no depth data for ${this.#symbol} within ${s} s of connecting to ${this.#wsUrl}: check the ` +
          "symbol and the stream (a typo or a delisted symbol gets no frames); book stale; reconnecting"
        : `no depth data for ${s} s with the socket open: book stale; reconnecting`,
    );
    return r;
  }

  /** A frame of another symbol received at `recvMono`: count it, warn at most every 10 s. */
  refuseForeign(logger: Logger, src: number, frame: Uint8Array, recvMono: number): void {
    const n = this.foreign.hit(recvMono);
    if (n === 0) return;
    const got = /"s"\s*:\s*"([^"]{0,40})"/.exec(new TextDecoder().decode(frame))?.[1] ?? "?";
    logger.warning(
      src,
      `${n} frame(s) of symbol ${got} refused, not applied (this handler is for ${this.#symbol}; check --ws-url)`,
    );
  }

  /** A binary frame of `bytes` received at `recvMono`: count it, warn at most every 10 s. */
  binaryFrame(logger: Logger, src: number, bytes: number, recvMono: number): void {
    const n = this.binary.hit(recvMono);
    if (n === 0) return;
    logger.warning(
      src,
      `${n} binary frame(s) ignored (the latest ${bytes} bytes; Binance sends text frames)`,
    );
  }

  /** Record the fatal error `msg` and log it once. Returns false when one was recorded already. */
  fail(logger: Logger, src: number, msg: string): boolean {
    if (this.fatal !== undefined) return false;
    this.fatal = msg;
    this.silence.cancel();
    logger.error(src, `${msg}; stopping (retrying cannot fix this)`);
    return true;
  }
}
