/**
 * Private: the captures of `HyperliquidMultiHandler` — one {@linkcode HlCapture} session per
 * coin (`<capture-dir>/<coin folder>/<session>/`, the one-coin layout) and the routing of every
 * received frame to it: slow `l2Book`, `trades` and the coin's subscription replies to
 * `messages.jsonl` (what replay reads), fast `l2Book` to `fast.jsonl`, `bbo` to `bbo.jsonl`,
 * frames of a connection that name no coin of it to `other.jsonl` of every coin that connection
 * serves. A connection start is noted in the coins of the connection that carries their slow
 * `l2Book`. Buffered appends only (the writers flush asynchronously).
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import type { Decimals } from "../binance/precision.ts";
import type { FrameData } from "../capture_writer.ts";
import { HlCapture, type HlCaptureOptions, type HlExtraStream } from "./capture.ts";
import type { CoinBook } from "./coin_book.ts";
import type { HyperliquidMultiConfig } from "./config.ts";
import type { Lane } from "./_lane.ts";

/** Every coin's capture session. */
export class MultiCapture {
  /** One session per coin, in coin order. */
  readonly sessions: HlCapture[];

  private constructor(sessions: HlCapture[]) {
    this.sessions = sessions;
  }

  /**
   * Open one session per coin under `cfg.captureDir` (all with the same session label). Throws
   * like {@linkcode HlCapture.open} (a bad session name, a session folder that is not empty).
   */
  static async open(
    cfg: HyperliquidMultiConfig,
    wsUrl: string,
    coins: readonly CoinBook[],
    lanes: readonly Lane[],
    ctx: HandlerContext,
  ): Promise<MultiCapture> {
    const channels = cfg.channels ?? ["l2book", "fast", "bbo"];
    const streams: HlExtraStream[] = ["other"];
    if (channels.includes("fast")) streams.push("fast");
    if (channels.includes("bbo")) streams.push("bbo");
    const session = cfg.captureSession ?? String(Math.floor(ctx.clock.wallNs() / 1e6));
    const sessions: HlCapture[] = [];
    try {
      for (let i = 0; i < coins.length; i++) {
        const subs: unknown[] = [];
        for (const l of lanes) {
          l.coinIndex.forEach((c, r) => c === i && subs.push(JSON.parse(l.requests[r]!).subscription));
        }
        const o: HlCaptureOptions = {
          captureDir: cfg.captureDir!,
          coin: coins[i]!.coin,
          session,
          wsUrl,
          subscription: subs,
          clock: ctx.clock,
          onError: (m) => ctx.logger.error(ctx.source, `capture ${coins[i]!.coin}: ${m}`),
          streams,
        };
        if (cfg.captureRotate !== undefined) o.rotate = cfg.captureRotate;
        if (cfg.captureGzip !== undefined) o.gzip = cfg.captureGzip;
        const cap = await HlCapture.open(o);
        cap.noteScale(coins[i]!.decimals, coins[i]!.venue);
        sessions.push(cap);
      }
    } catch (e) {
      await Promise.all(sessions.map((s) => s.close()));
      throw e;
    }
    return new MultiCapture(sessions);
  }

  /** Bytes written over every session. */
  get bytesWritten(): number {
    let n = 0;
    for (const s of this.sessions) n += s.bytesWritten;
    return n;
  }

  /** A connection opened: a new connection starts in the coins whose slow `l2Book` it carries. */
  connection(l: Lane, wallNs: number): void {
    if (l.fast) return;
    for (const i of l.coins) this.sessions[i]!.noteConnection(wallNs);
  }

  /** An `l2Book` frame of coin `i` (fast when it came on a fast connection) with book `time`. */
  book(i: number, fast: boolean, data: FrameData, wallNs: number, time: number): void {
    const s = this.sessions[i]!;
    if (fast) return s.appendTo("fast", data, wallNs);
    s.append(data, wallNs);
    s.noteBook(time);
  }

  /** A `bbo` frame of coin `i`. */
  bbo(i: number, data: FrameData, wallNs: number): void {
    this.sessions[i]!.appendTo("bbo", data, wallNs);
  }

  /** A `trades` frame of coin `i`. */
  trades(i: number, data: FrameData, wallNs: number): void {
    const s = this.sessions[i]!;
    s.append(data, wallNs);
    s.meta.trades++;
  }

  /** A subscription reply naming coin `i` (fast ones beside the fast frames). */
  reply(i: number, fast: boolean, data: FrameData, wallNs: number): void {
    if (fast) this.sessions[i]!.appendTo("fast", data, wallNs);
    else this.sessions[i]!.append(data, wallNs);
  }

  /** A frame of connection `l` that names no coin of it (pong, error, malformed, another coin). */
  other(l: Lane, data: FrameData, wallNs: number, kind: "error" | "malformed" | "other"): void {
    for (const i of l.coins) {
      const s = this.sessions[i]!;
      s.appendTo("other", data, wallNs);
      if (kind === "error") s.meta.errors++;
      else if (kind === "malformed") s.meta.malformed++;
    }
  }

  /** Count a greeting in the coins of connection `l`. */
  greeting(l: Lane): void {
    for (const i of l.coins) this.sessions[i]!.meta.greetings++;
  }

  /** Coin `i` is now at scale `d`. */
  noteScale(i: number, d: Decimals): void {
    this.sessions[i]!.noteScale(d);
  }

  /** Why a session stopped writing, for the first one that did, or undefined. */
  stopped(): string | undefined {
    for (const s of this.sessions) {
      const st = s.writer.stopped;
      if (st) return `${s.meta.instrument}: ${st.reason}`;
    }
    return undefined;
  }

  /** Close every session. */
  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}
