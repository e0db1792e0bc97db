/**
 * Replay of a Hyperliquid capture (`venues/hyperliquid/capture.ts` layout) through the SAME code
 * as live: `HlParser` (`venues/hyperliquid/parse.ts`), `BookDiffer` (`diff.ts`) and `L2Book`,
 * then L3 inference (`l3.ts`) into an `EventSink`.
 *
 * Mapping of each l2Book message (every one is a full top-20 window, no sequence number):
 * - The first book, and the first after each connection start (`metadata.json`
 *   `connections[].line`, or an l2Book `subscriptionResponse` after a book: a new connection
 *   subscribed), is a snapshot: `Clear` per side when L3 held anything, then one `Snapshot` per
 *   level. Trades at or before its time are dropped (already in it).
 * - Later books are diffed against the previous window ({@linkcode BookDiffer}); per change:
 *   `Insert` and a `Change` up → `Add`; `Delete` and a `Change` down → `Fill` / `Cancel`
 *   (trades or the heuristic decide, `classify.ts`); `Exit` (the level was only pushed beyond the
 *   20-level window, fate unknown) → one `Clear` per order of that level, with its order id and
 *   price, never a `Cancel`; `Enter` (a level appeared beyond the previous full window, where it
 *   may have rested unseen) → `Snapshot` (one order of its size), never an `Add`.
 * - `update_id` and `event_time_ms` are the book's `time` (ms); the receive time is the line's
 *   in `messages.recv_ns`.
 * - Trades (`trades` frames of the same file, read by a second reader, {@linkcode HlTradeFeed}):
 *   before a book with time `T`, every trade with time `<= T + afterMs` enters the
 *   {@linkcode TradeWindow}, and trades since the previous book's time are eligible;
 *   decreases match them by price and side (aggressor "B" consumes asks, "A" bids). Without any
 *   trade in the file, or with `useTrades: false`, the heuristic.
 * - Books of another coin are skipped (warned once); a truncated last line is not parsed (warned);
 *   malformed lines are counted and warned about (the first few verbatim).
 * @module
 */
import { L2Book } from "../venues/book.ts";
import { BookDiffer, ChangeList, LevelChange } from "../venues/hyperliquid/diff.ts";
import { HL_PARSE_ERROR_TEXT, HlFrame, HlMsg } from "../venues/hyperliquid/frame.ts";
import { HlParser } from "../venues/hyperliquid/parse.ts";
import { HL_BOOK_DEPTH, HL_PRICE_SCALE, HL_SIZE_SCALE } from "../venues/hyperliquid/types.ts";
import { L3Book } from "./l3.ts";
import { Attribution } from "./classify.ts";
import { TRADE_WINDOW_AFTER_MS, TradeWindow } from "./trade_window.ts";
import { NsTime, parseNs } from "./lines.ts";
import { type CaptureFiles, streamPaths } from "./reader.ts";
import type { ReplayOptions } from "./replay.ts";
import { FIXED_DECIMALS, Side } from "./schema.ts";
import type { ReplayStats } from "./summary.ts";
import { MAX_VERBATIM_WARNINGS, warnMalformed } from "./_warn.ts";
import { HlTradeFeed } from "./_hl_trade_feed.ts";
import {
  clearL3,
  closeInputs,
  finishStats,
  openDiffInputs,
  snapshotBook,
  startReplay,
  warnInputEnd,
} from "./_driver.ts";

if (HL_PRICE_SCALE !== FIXED_DECIMALS || HL_SIZE_SCALE !== FIXED_DECIMALS) {
  throw new RangeError("replay/hyperliquid.ts assumes the parser's scales equal the output's 10^8");
}

// True when the first `n` changes touch both sides.
function twoSided(c: ChangeList, n: number): boolean {
  let bids = 0;
  for (let i = 0; i < n; i++) bids += c.isBid[i]!;
  return bids > 0 && bids < n;
}

/** Replay a Hyperliquid capture into `opts.sink`. Returns the counters (warnings included). */
export async function replayHyperliquid(files: CaptureFiles, opts: ReplayOptions): Promise<ReplayStats> {
  const run = startReplay(files, opts, "hyperliquid");
  const { stats, warn } = run;
  const depth = files.metadata?.bookDepth;
  const differ = new BookDiffer(typeof depth === "number" && depth >= 1 ? depth : HL_BOOK_DEPTH);
  const book = new L2Book(256);
  const changes = new ChangeList();
  const parser = new HlParser();
  const frame = new HlFrame();
  const l3 = new L3Book(opts.sink, { cancelModel: opts.cancelModel, counts: stats.events });
  const ev = l3.ev;
  const attr = new Attribution();
  const recv = new NsTime();
  const every = opts.progressEvery ?? 4096;
  const conns = files.connections ?? [];
  let nextConn = 0;
  let coin = files.coin !== undefined ? new TextEncoder().encode(files.coin) : undefined;
  let otherCoin: string | undefined; // the first other coin seen
  let crossed = 0;
  let prevTime = -Infinity; // the previous book's time: trades since then may fill this book's decreases

  const [dr, rr] = await openDiffInputs(files);
  let feed = (opts.useTrades ?? true) && files.trades
    ? await HlTradeFeed.open(streamPaths(files, files.trades))
    : undefined;
  let recvOk = rr !== undefined;
  let recvLost = 0;
  let window: TradeWindow | undefined;
  try {
    if (feed && !(await feed.prime())) {
      await feed.close();
      feed = undefined; // no trades captured: the heuristic
    }
    if (feed) feed.coin = coin;
    window = feed ? new TradeWindow(1024, opts.tradeWindow) : undefined;
    attr.window = window;
    // Move the trades up to `untilMs` into `w` (undefined: drop them).
    const pullTrades = async (untilMs: number, w: TradeWindow | undefined): Promise<void> => {
      if (feed) { while (!feed.pull(untilMs, w, stats)) await feed.refill(); }
    };

    while (dr.next() || (await dr.nextLine())) {
      stats.diffLines++;
      stats.diffBytes += dr.end - dr.start + 1;
      if (recvOk) {
        if ((rr!.next() || (await rr!.nextLine())) && parseNs(rr!.buf, rr!.start, rr!.end, recv)) {
          ev.recvSec = recv.sec;
          ev.recvSubNs = recv.subNs;
        } else {
          recvOk = false;
          ev.recvSec = ev.recvSubNs = 0;
          recvLost = stats.diffLines;
        }
      }
      if (stats.diffLines % every === 0) opts.onProgress?.(stats);
      // A connection starts at this 0-based line: its first book is a fresh snapshot.
      while (nextConn < conns.length && conns[nextConn]! <= dr.lineNo - 1) {
        nextConn++;
        stats.connections++;
        differ.reset();
      }
      const kind = parser.parseBytes(dr.buf.subarray(dr.start, dr.end), dr.end - dr.start, frame);
      if (kind !== HlMsg.L2Book) {
        if (kind === HlMsg.Malformed) {
          const why = HL_PARSE_ERROR_TEXT[frame.error] ?? "malformed frame";
          warnMalformed(stats, warn, `${files.diffs}:${dr.lineNo}`, why, dr.buf, dr.start, dr.end);
        } else if (kind === HlMsg.Trades) stats.tradeLines++;
        else {
          stats.unknown++;
          // An l2Book subscription ack after a book: a new connection subscribed.
          if (kind === HlMsg.SubscriptionResponse && frame.subType === 1 && differ.hasSnapshot) {
            stats.connections++;
            differ.reset();
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
          otherCoin = new TextDecoder().decode(parser.bytes.subarray(frame.coinStart, frame.coinEnd));
          const mine = new TextDecoder().decode(coin);
          warn(`${files.diffs}:${dr.lineNo}: l2Book of ${otherCoin} skipped (replaying ${mine} only)`);
        }
        continue;
      }
      stats.depthFrames++;
      const time = frame.time;
      ev.updateId = time;
      ev.eventTimeMs = time;
      if (!differ.hasSnapshot) {
        await pullTrades(time, undefined);
        window?.clear();
        if (stats.snapshotsApplied > 0) {
          stats.resyncs++; // a reconnect: crossed by this snapshot
          stats.gapsCrossed++;
        }
        clearL3(l3);
        differ.apply(frame, book, changes);
        stats.snapshotsApplied++;
        snapshotBook(l3, book);
        prevTime = time;
      } else {
        await pullTrades(time + (opts.tradeWindow?.afterMs ?? TRADE_WINDOW_AFTER_MS), window);
        window?.setTime(time, Math.min(prevTime, time - window.beforeMs));
        attr.bb0 = book.bids.bestPrice();
        attr.ba0 = book.asks.bestPrice();
        const n = differ.apply(frame, book, changes);
        stats.applied++;
        attr.bb1 = book.bids.bestPrice();
        attr.ba1 = book.asks.bestPrice();
        attr.twoSided = twoSided(changes, n);
        for (let i = 0; i < n; i++) {
          const side = changes.isBid[i] === 1 ? Side.Bid : Side.Ask;
          const k = changes.kind[i]!;
          const px = changes.px[i]!;
          if (k === LevelChange.Exit) l3.dropLevel(side, px);
          else if (k === LevelChange.Enter) l3.snapshotLevel(side, px, changes.qty[i]!);
          else l3.change(side, px, changes.qty[i]!, attr);
          if (window !== undefined && window.size > 0) window.seen(side, px);
        }
        window?.endUpdate();
        prevTime = time;
      }
      if (book.isCrossed() && ++crossed <= MAX_VERBATIM_WARNINGS) {
        warn(
          `${files.diffs}:${dr.lineNo}: crossed book from the venue (best bid >= best ask): applied as sent`,
        );
      }
      opts.onApplied?.(time, time);
    }
    // Trades after the last book: read them so they are counted (as unmatched).
    await pullTrades(Infinity, window);
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
  stats.unchanged = differ.totals.unchanged;
  for (let k = 0; k < stats.levelChanges.length; k++) stats.levelChanges[k] = differ.totals.byKind[k] ?? 0;
  if (stats.connections === 0 && stats.snapshotsApplied > 0) stats.connections = 1;
  return finishStats(run, window);
}
