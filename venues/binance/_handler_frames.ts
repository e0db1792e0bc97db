/**
 * Private: what `BinanceHandler` does with one frame of its socket — parse it (encoded once into
 * the capture chunk and parsed there in place, when capturing), fit the symbol's scale to it,
 * refuse a frame of another symbol, apply a depth diff or a trade to the {@linkcode SymbolBook}
 * and emit its records, log `latency("apply")` (parse + sync) and `latency("wire_to_book")`
 * (receive → book updated), and commit the capture line after the book. Binary frames are
 * captured as they came, never parsed. Returns what the handler must act on
 * ({@linkcode FrameOutcome}). The per-frame hot path: no allocation (the rescale path allocates).
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import type { Logger } from "../../engine/logger.ts";
import type { FrameData } from "../capture_writer.ts";
import { frameByteLength } from "../capture_frame.ts";
import { FrameKind, type ParsedFrame, parseFrameInPlace } from "./parse.ts";
import type { Inbox } from "./_inbox.ts";
import { DiffResult } from "./sync.ts";
import type { SymbolBook } from "./symbol_book.ts";
import type { FeedGuard } from "./_handler_guard.ts";

/** What a frame asks of the handler. */
export const FrameOutcome = {
  /** Nothing. */
  None: 0,
  /** A depth diff went to the sync: check whether the book is synchronized (or lost) now. */
  Depth: 1,
  /** `serverShutdown`: reconnect now. */
  Shutdown: 2,
} as const;

/** The frames of one symbol's socket. */
export class SymbolFrames {
  /** Market-data messages processed (depth + trades). */
  messages = 0;
  /** Malformed frames seen. */
  malformed = 0;
  readonly #sb: SymbolBook;
  readonly #pf: ParsedFrame;
  readonly #guard: FeedGuard;
  #apply = 0;
  #wire = 0;

  /** Frames of `sb`'s socket, parsed into `pf`, faults kept by `guard`. */
  constructor(sb: SymbolBook, pf: ParsedFrame, guard: FeedGuard) {
    this.#sb = sb;
    this.#pf = pf;
    this.#guard = guard;
  }

  /** Intern the latency labels (at start). */
  labels(logger: Logger): void {
    this.#apply = logger.intern("apply");
    this.#wire = logger.intern("wire_to_book");
  }

  /**
   * Handle the frame at inbox slot `i` (a `Message` entry), logging under `src`; `start` is the
   * time already read when this frame's work starts, or NaN to read it from `clock` here.
   */
  onFrame(logger: Logger, src: number, clock: Clock, inbox: Inbox, i: number, start: number): number {
    const t0 = start === start ? start : clock.monoNs();
    const recvMono = inbox.monoNs(i), recvWall = inbox.wallNs(i);
    const pf = this.#pf;
    const sb = this.#sb;
    const cap = sb.capture;
    // A binary frame (its ArrayBuffer, queued as it came): never parsed, captured as is.
    if (!inbox.hasBytes(i)) return this.#onBinary(logger, src, inbox.text(i), recvMono, recvWall);
    // The frame's UTF-8 bytes, parsed where the inbox holds them; capturing, they are copied once
    // into the capture chunk and parsed there; the line is committed only after the book is updated.
    const b = inbox.bytes, s = inbox.start(i), e = inbox.end(i);
    let kind = cap === null ? parseFrameInPlace(b, s, e, pf) : cap.parseBytes(b, s, e, pf);
    if (kind === FrameKind.Malformed && (pf.tooFine || pf.tooLarge)) {
      kind = sb.fit(
        pf,
        kind,
        () => cap === null ? parseFrameInPlace(b, s, e, pf) : cap.reparse(pf),
        recvWall,
      );
    }
    if (pf.foreign && kind !== FrameKind.Malformed) {
      // A frame of another symbol (e.g. --symbol ETHUSDT on a BTCUSDT stream): never applied.
      cap?.commitOther(recvWall); // nothing received is lost
      this.#guard.refuseForeign(logger, src, b.subarray(s, e), recvMono);
      return FrameOutcome.None;
    }
    if (kind === FrameKind.Depth) {
      this.messages++;
      this.#guard.silence.onData(recvMono);
      const r = sb.applyDiff(pf.diff, recvMono);
      const t1 = clock.monoNs();
      logger.latency(this.#apply, t1 - t0, src);
      if (r === DiffResult.Applied) logger.latency(this.#wire, t1 - recvMono, src);
      sb.emitDiff(pf.diff, r, recvWall);
      cap?.commitDiff(recvWall, pf.diff.firstId, pf.diff.lastId);
      return FrameOutcome.Depth;
    }
    if (kind === FrameKind.Trade || kind === FrameKind.AggTrade) {
      this.messages++;
      sb.onTrade(pf.trade, recvWall);
      cap?.commitTrade(recvWall);
    } else if (kind === FrameKind.Malformed) {
      this.malformed++;
      cap?.commitDiff(recvWall, 0, 0); // nothing received is lost
      logger.warning(src, "malformed frame ignored: " + pf.reason);
    } else {
      cap?.commitOther(recvWall);
      if (kind === FrameKind.ServerShutdown) {
        logger.warning(src, "serverShutdown received: reconnecting now");
        return FrameOutcome.Shutdown;
      }
      if (kind === FrameKind.ErrorReply) logger.warning(src, "error reply: " + pf.errorMsg);
    }
    return FrameOutcome.None;
  }

  // The capture records the frame as it came (one JSON line in other.jsonl); the book never sees it.
  #onBinary(logger: Logger, src: number, frame: unknown, recvMono: number, recvWall: number): number {
    const cap = this.#sb.capture;
    if (cap !== null) {
      cap.parse(frame as FrameData, this.#pf);
      cap.commitOther(recvWall);
    }
    this.#guard.binaryFrame(logger, src, frameByteLength(frame), recvMono);
    return FrameOutcome.None;
  }
}
