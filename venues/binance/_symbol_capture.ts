/**
 * Private: the capture sessions of {@linkcode SymbolBook}s — one {@linkcode BinanceCapture} per
 * symbol, `<capture-dir>/<SYMBOL>/<session>/` (snapshot.json and the snapshots after resyncs
 * listed in metadata.json, diffs.jsonl + receive times, trades, other frames, the symbol's market
 * and decimals). `BinanceHandler` opens one ({@linkcode openSymbolCapture}); `BinanceMultiHandler`
 * one per symbol, all with one session label, writes their progress with its periodic checks and
 * closes them at stop after the frames left in its inboxes were captured. Not on the per-frame path.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import type { Logger } from "../../engine/logger.ts";
import { BinanceCapture, type BinanceCaptureOptions } from "./capture.ts";
import type { SymbolBook } from "./symbol_book.ts";
import type { MultiConn } from "./_multi_conn.ts";
import type { BinanceMultiConfig } from "./_multi_config.ts";
import type { BinanceCommonConfig } from "./_config_common.ts";
import type { MultiFrames } from "./_multi_frames.ts";
import { InKind } from "./_inbox.ts";

/**
 * Open `b`'s capture under `cfg.captureDir` (its session, rotation, gzip), recording `wsUrl` and
 * `restUrl`, with the book's current scale; write errors go to `logger` under the book's source.
 */
export async function openSymbolCapture(
  cfg: BinanceCommonConfig & { captureDir: string },
  b: SymbolBook,
  wsUrl: string,
  restUrl: string,
  clock: Clock,
  logger: Logger,
): Promise<BinanceCapture> {
  const o: BinanceCaptureOptions = {
    dir: cfg.captureDir,
    symbol: b.symbol,
    wsUrl,
    restUrl,
    market: b.market,
    clock,
    onError: (m: string) => logger.error(b.source, `capture: ${m}`),
  };
  if (cfg.captureSession !== undefined) o.session = cfg.captureSession;
  if (cfg.captureRotate !== undefined) o.rotate = cfg.captureRotate;
  if (cfg.captureGzip !== undefined) o.gzip = cfg.captureGzip;
  const cap = b.capture = await BinanceCapture.open(o);
  const inst = b.stream.instrument;
  cap.decimals(inst.priceDecimals, inst.qtyDecimals);
  return cap;
}

/** Open a capture for every book (`cfg.captureDir` set); errors go to `logger` under each symbol's source. */
export async function openCaptures(
  cfg: BinanceMultiConfig,
  books: readonly SymbolBook[],
  conns: readonly MultiConn[],
  restUrl: string,
  clock: Clock,
  logger: Logger,
): Promise<void> {
  const dir = cfg.captureDir;
  if (dir === undefined) return;
  const session = cfg.captureSession ?? String(Math.floor(clock.wallNs() / 1e6));
  const urlOf = new Map<number, string>();
  for (const c of conns) for (const i of c.plan.symbols) urlOf.set(i, c.plan.url);
  const one = { ...cfg, captureDir: dir, captureSession: session };
  for (const [i, b] of books.entries()) {
    await openSymbolCapture(one, b, urlOf.get(i) ?? "", restUrl, clock, logger);
  }
  logger.info(books[0]!.source, `capturing ${books.length} symbols to ${dir}/<SYMBOL>/${session}`);
}

/** Write every capture's progress (the book's update id and resyncs). */
export function captureProgress(books: readonly SymbolBook[]): void {
  for (const b of books) b.capture?.progress(b.book.updateId, b.sync.resyncs);
}

/**
 * Stop: frames received but never processed (still in the inboxes) go to their captures (never
 * applied), then every capture is closed.
 */
export async function closeCaptures(
  books: readonly SymbolBook[],
  conns: readonly MultiConn[],
  frames: MultiFrames,
): Promise<void> {
  if (books[0]?.capture == null) return;
  for (const c of conns) {
    const inbox = c.inbox;
    for (; inbox.length > 0; inbox.shift()) {
      const i = inbox.head;
      if (inbox.kind(i) !== InKind.Message) continue;
      frames.captureOnly(inbox, i, c.plan.symbols[0]!);
    }
  }
  captureProgress(books);
  await Promise.all(books.map((b) => b.capture?.close()));
}

/** Why input was lost (a capture stopped writing), or undefined. */
export function captureLost(books: readonly SymbolBook[]): string | undefined {
  for (const b of books) {
    const stop = b.capture?.writer.stopped;
    if (stop) return `the capture of ${b.symbol} stopped writing: ${stop.reason}`;
  }
  return undefined;
}
