/**
 * Private: the Hyperliquid adapter of the one replay driver — how a Hyperliquid capture
 * (`venues/hyperliquid/capture.ts` layout) becomes normalized records, through the SAME code as
 * live: `HlParser` (at the replay's precision, `_hl_scale.ts`) and the coin's `CoinBook`
 * (`venues/hyperliquid/coin_book.ts`: window, `BookDiffer`, `L2Book` and the `MarketStream`
 * messages it emits, given the line's exact receive time as seconds + ns), each message handed to
 * the stage (`_stage.ts`) with its context
 * (`_context.ts`: a window venue, so the consumer tells `Exit`/`Enter` from real deletions/adds).
 *
 * - Every l2Book is a full window with no sequence number: the first one, and the first after each
 *   connection start (`metadata.json` `connections[].line`, or an l2Book `subscriptionResponse`
 *   after a book: a new connection subscribed), is a `snapshot` message; the later ones are
 *   diffed against the previous window into an `update` message (possibly without levels).
 *   `update_id` and `event_time_ms` are the book's `time`; the receive time is the line's, exact
 *   (from `messages.recv_ns`).
 * - Trades (`trades` frames of the same file, read by a second reader, `_hl_trade_feed.ts`, when
 *   the stage matches them): before a book with time `T`, every trade with time `<= T + afterMs`
 *   becomes a `trade` message; before a snapshot, trades at or before its time are dropped
 *   (already in it).
 * - Books of another coin are skipped (warned once); a truncated last line is not parsed (warned);
 *   malformed lines are counted and warned about (the first few verbatim).
 * @module
 */
import { HL_PARSE_ERROR_TEXT, HlFrame, HlMsg } from "../venues/hyperliquid/frame.ts";
import { HlParser } from "../venues/hyperliquid/parse.ts";
import { HL_BOOK_DEPTH } from "../venues/hyperliquid/types.ts";
import { BookSource, CoinBook } from "../venues/hyperliquid/coin_book.ts";
import { InstrumentTable } from "../market/instrument.ts";
import { type RecordBatch, RecordKind } from "../market/record.ts";
import type { MarketStream } from "../market/stream.ts";
import { type LineReader, NsTime, parseNs } from "./lines.ts";
import { type CaptureFiles, streamPaths } from "./reader.ts";
import type { ReplayOptions } from "./replay.ts";
import { MAX_VERBATIM_WARNINGS, warnMalformed } from "./_warn.ts";
import { HlTradeFeed } from "./_hl_trade_feed.ts";
import { HlScale } from "./_hl_scale.ts";
import { closeInputs, type DriverStart, openDiffInputs, warnInputEnd } from "./_driver.ts";
import type { CaptureSource, L3Stage } from "./_stage.ts";
import type { TradeTarget } from "./_trade_feed.ts";
import { ContextTracker } from "./_context.ts";
import { TRADE_WINDOW_AFTER_MS } from "./trade_window.ts";

const dec = new TextDecoder();

/**
 * Open the Hyperliquid capture `files`: trades are read when `wantTrades` and the capture holds
 * any (else `useTrades` is false: the consumer uses the no-trades model). Its `read` puts the
 * capture into a stage, filling `run.stats` (all but the event and trade totals), and closes
 * the inputs; it does not finish the stage.
 */
export async function openHyperliquid(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  wantTrades: boolean,
): Promise<CaptureSource> {
  const scale = HlScale.of(files);
  let feed = wantTrades && files.trades
    ? await HlTradeFeed.open(streamPaths(files, files.trades), scale)
    : undefined;
  if (feed && !(await feed.prime())) {
    await feed.close();
    feed = undefined; // no trades captured: the no-trades model
  }
  return { useTrades: feed !== undefined, read: (stage) => readHl(files, opts, run, stage, scale, feed) };
}

async function readHl(
  files: CaptureFiles,
  opts: Omit<ReplayOptions, "sink">,
  run: DriverStart,
  stage: L3Stage,
  scale: HlScale,
  feed: HlTradeFeed | undefined,
): Promise<void> {
  const { stats, warn } = run;
  const md = files.metadata?.bookDepth;
  const depth = typeof md === "number" && md >= 1 ? md : HL_BOOK_DEPTH;
  const parser = new HlParser();
  scale.follow(parser);
  const frame = new HlFrame();
  const recv = new NsTime();
  const every = opts.progressEvery ?? 4096;
  const afterMs = opts.tradeWindow?.afterMs ?? TRADE_WINDOW_AFTER_MS;
  const conns = files.connections ?? [];
  let nextConn = 0;
  let coin = files.coin !== undefined ? new TextEncoder().encode(files.coin) : undefined;
  let cb: CoinBook | undefined; // made at the first book of the coin
  let stream: MarketStream | undefined; // its stream
  let otherCoin: string | undefined; // the first other coin seen
  let crossed = 0;
  let recvSec = 0;
  let recvSubNs = 0;
  let time = 0; // the book's time: the context's ids
  let beforeBook = false; // trades being emitted precede a snapshot
  scale.onRescale = () => {
    // The next window is a snapshot at the new scale (every l2Book is a whole window).
    cb?.rescale({ priceDecimals: scale.priceDecimals, qtyDecimals: scale.qtyDecimals });
    cb?.book.clear();
    stats.rescales++;
  };
  const openCoin = (name: string): CoinBook => {
    const c = new CoinBook(name, { depth, instruments: new InstrumentTable() });
    c.stream.instrument.priceDecimals = scale.priceDecimals;
    c.stream.instrument.qtyDecimals = scale.qtyDecimals;
    const t = new ContextTracker(c.book, depth);
    c.stream.addSink({
      write(batch: RecordBatch): void {
        if (batch.messageKind !== RecordKind.Trade) t.update(time, time, false);
        else if (beforeBook) return; // published, but already in the snapshot that follows
        stage.write(batch, t.ctx);
      },
    });
    return c;
  };
  const tradeTarget: TradeTarget = {
    push(price: number, qty: number, bidConsumed: boolean, timeMs: number, id: number): void {
      stream?.trade(price, qty, !bidConsumed, id, timeMs, recvSec, recvSubNs); // none: no book was seen
    },
  };

  let dr: LineReader | undefined;
  let rr: LineReader | undefined;
  let recvOk = false;
  let recvLost = 0;
  const before = opts.beforeLine;
  try {
    [dr, rr] = await openDiffInputs(files);
    recvOk = rr !== undefined;
    if (feed) feed.coin = coin;
    // Emit the trades up to `untilMs` (`before`: they precede a snapshot, L3 does not see them).
    const pullTrades = async (untilMs: number, before: boolean): Promise<void> => {
      if (!feed) return;
      beforeBook = before;
      while (!feed.pull(untilMs, tradeTarget, stats, before)) await feed.refill();
      beforeBook = false;
    };

    while (dr.next() || (await dr.nextLine())) {
      stats.diffLines++;
      stats.diffBytes += dr.end - dr.start + 1;
      if (recvOk) {
        if ((rr!.next() || (await rr!.nextLine())) && parseNs(rr!.buf, rr!.start, rr!.end, recv)) {
          recvSec = recv.sec;
          recvSubNs = recv.subNs;
        } else {
          recvOk = false;
          recvSec = recvSubNs = 0;
          recvLost = stats.diffLines;
        }
      }
      if (before !== undefined) {
        const p = before(recvSec, recvSubNs);
        if (p !== undefined) await p;
      }
      if (stats.diffLines % every === 0) opts.onProgress?.(stats);
      // A connection starts at this 0-based line: its first book is a fresh snapshot.
      while (nextConn < conns.length && conns[nextConn]! <= dr.lineNo - 1) {
        nextConn++;
        stats.connections++;
        cb?.forget();
      }
      // The view takes the byte after the line (its '\n'): the parser's sentinel goes there, in place
      // (a view ending at the line would make the parser copy it).
      const kind = scale.parse(parser, dr.buf.subarray(dr.start, dr.end + 1), dr.end - dr.start, frame);
      if (kind !== HlMsg.L2Book) {
        if (kind === HlMsg.Malformed) {
          const why = HL_PARSE_ERROR_TEXT[frame.error] ?? "malformed frame";
          warnMalformed(stats, warn, `${files.diffs}:${dr.lineNo}`, why, dr.buf, dr.start, dr.end);
        } else if (kind === HlMsg.Trades) stats.tradeLines++;
        else {
          stats.unknown++;
          // An l2Book subscription ack after a book: a new connection subscribed.
          if (kind === HlMsg.SubscriptionResponse && frame.subType === 1 && cb?.differ.hasSnapshot) {
            stats.connections++;
            cb.forget();
          }
        }
        continue;
      }
      if (coin === undefined) {
        coin = parser.bytes.slice(frame.coinStart, frame.coinEnd);
        if (feed) feed.coin = coin;
      } else if (!parser.rangeEquals(frame.coinStart, frame.coinEnd, coin)) {
        stats.skipped++;
        if (otherCoin === undefined) {
          otherCoin = dec.decode(parser.bytes.subarray(frame.coinStart, frame.coinEnd));
          warn(
            `${files.diffs}:${dr.lineNo}: l2Book of ${otherCoin} skipped (replaying ${
              dec.decode(coin)
            } only)`,
          );
        }
        continue;
      }
      if (cb === undefined) {
        cb = openCoin(dec.decode(coin));
        stream = cb.stream;
        await opts.onStream?.(stream);
      }
      stats.depthFrames++;
      time = frame.time;
      if (!cb.differ.hasSnapshot) {
        await pullTrades(time, true);
        if (stats.snapshotsApplied > 0) {
          stats.resyncs++; // a reconnect: crossed by this snapshot
          stats.gapsCrossed++;
        }
        stats.snapshotsApplied++;
      } else {
        await pullTrades(time + afterMs, false);
        stats.applied++;
      }
      // The snapshot, or the update message, as live emits it (with the line's exact receive time).
      cb.apply(BookSource.Slow, frame, recvSec, recvSubNs);
      if (cb.book.isCrossed() && ++crossed <= MAX_VERBATIM_WARNINGS) {
        warn(
          `${files.diffs}:${dr.lineNo}: crossed book from the venue (best bid >= best ask): applied as sent`,
        );
      }
      opts.onApplied?.(time, time);
    }
    // Trades after the last book: read them so they are counted (as unmatched).
    await pullTrades(Infinity, false);
    await warnInputEnd(files, dr, rr, recvOk, recvLost, stats.diffLines, "message", warn);
    if (crossed > MAX_VERBATIM_WARNINGS) warn(`${crossed} crossed books in total (applied as sent)`);
    const lost = dr.error
      ? `; input lost: ${files.diffs} could not be read past line ${dr.lineNo} (${dr.error})`
      : "";
    if (stats.snapshotsApplied === 0) {
      const why = otherCoin !== undefined
        ? `no l2Book of ${
          files.coin ?? "the replayed coin"
        } (metadata.json) in ${files.diffs}: its books are of ${otherCoin}`
        : `no l2Book message in ${files.diffs}`;
      stats.failure = `the book was never synchronized: ${why}${lost}`;
    } else if (lost) stats.failure = lost.slice(2);
  } finally {
    await closeInputs(dr, rr, feed);
  }
  stats.priceDecimals = scale.priceDecimals;
  stats.qtyDecimals = scale.qtyDecimals;
  if (cb) {
    const totals = cb.differ.totals;
    stats.unchanged = totals.unchanged;
    for (let k = 0; k < stats.levelChanges.length; k++) stats.levelChanges[k] = totals.byKind[k] ?? 0;
  }
  if (stats.connections === 0 && stats.snapshotsApplied > 0) stats.connections = 1;
}
