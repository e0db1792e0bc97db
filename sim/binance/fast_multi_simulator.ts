/**
 * `FastMultiSimulator`: a Binance-spot-shaped simulator of many symbols built for load: one
 * {@linkcode FastDepthMarket} per symbol (cheap frames), a steady aggregate rate, and ONE socket
 * write per connection per tick carrying every frame due on it.
 *
 * - Rate: each symbol sends `ratePerSymbol` depth frames per second, staggered (symbol k of n is
 *   phase-shifted by k/n of a period), so a tick carries about `n × rate × tick` frames; frames a
 *   late timer owes are sent at the next tick (the rate holds, the burst grows). `tickMs: 0`
 *   sends only on {@linkcode FastMultiSimulator.step}.
 * - Time base: every frame's `E` is CLOCK_REALTIME in MICROSECONDS (`wallNs / 1000`), not ms as
 *   on the venue, written into the encoded frames just before they are handed to the socket (16
 *   digits patched in place, after the tick's frames are built): a receiver in another process on
 *   the same machine subtracts it from its own wall clock (wire-to-book latency).
 * - REST `GET /api/v3/depth` and `/api/v3/exchangeInfo` as {@linkcode BinanceMultiSimulator}
 *   (one weight window); WebSocket `/stream?streams=…` (combined) and `/ws` + `SUBSCRIBE`, stream
 *   `<s>@depth@100ms`. No per-connection limits (the realistic simulator enforces those).
 * - Control: `POST /sim/fault?kind=skip_update&symbol=X` (that symbol's next frame is produced
 *   but not sent: a gap), `POST /sim/pause?on=1|0` (stop/resume producing), `GET /sim/state`
 *   (per-symbol last update id, frames sent and skipped; ticks, bytes, build time, CPU).
 * Allocates per tick: not a hot path of the project.
 * @module
 */
import process from "node:process";
import { type Clock, systemClock } from "../../engine/clock.ts";
import type { L2Book } from "../../venues/book.ts";
import { FastDepthMarket } from "./fast_depth.ts";
import { controlMessage, type SimClient } from "./_sim_streams.ts";
import { acceptLoop, readRequest, respond, writeHead } from "./_sim_http.ts";
import { acceptKey, SimSocket } from "./_sim_ws.ts";
import { MultiRestRoute } from "./_sim_multi_rest.ts";
import { E_PLACEHOLDER, framesDue, packTextFrames, stampDigits } from "./_fast_frames.ts";
import { type FastSimOptions, type FastSimStats, newFastSimStats } from "./_fast_sim_types.ts";

export type { FastSimOptions, FastSimStats } from "./_fast_sim_types.ts";

interface Client extends SimClient {
  subs: Uint8Array; // 1 per subscribed symbol index
  version: number; // -1: subs must be computed again (a control message came)
}

/** The fast many-symbol simulator. Close it with {@linkcode FastMultiSimulator.close}. */
export class FastMultiSimulator {
  /** Bound port. */
  readonly port: number;
  /** Symbols served. */
  readonly symbols: readonly string[];
  /** Counters. */
  readonly stats: FastSimStats = newFastSimStats();
  /** Frames sent per symbol. */
  readonly sent: Float64Array;
  /** True while producing is paused. */
  paused = false;
  readonly #o: FastSimOptions;
  readonly #clock: Clock;
  readonly #markets: FastDepthMarket[];
  readonly #index = new Map<string, number>(); // stream name -> symbol index
  readonly #produced: Float64Array;
  readonly #skip: Uint32Array;
  readonly #listener: Deno.Listener;
  readonly #clients = new Set<Client>();
  readonly #conns = new Set<Promise<void>>();
  readonly #rest: MultiRestRoute;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #accepting: Promise<void>;
  #runNs = 0; // producing time (pauses excluded)
  #lastNs: number;
  #closed = false;

  private constructor(listener: Deno.Listener, o: FastSimOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.symbols = o.symbols;
    this.#markets = o.symbols.map((symbol, k) =>
      new FastDepthMarket({
        symbol,
        seed: (o.seed ?? 1) + k,
        midTicks: 10_000 + 3700 * k,
        ...(o.maxChanges !== undefined ? { maxChanges: o.maxChanges } : {}),
      })
    );
    o.symbols.forEach((s, k) => this.#index.set(`${s.toLowerCase()}@depth@100ms`, k));
    this.sent = new Float64Array(o.symbols.length);
    this.#produced = new Float64Array(o.symbols.length);
    this.#skip = new Uint32Array(o.symbols.length);
    const byName = new Map(this.#markets.map((m) => [m.symbol, m]));
    this.#rest = new MultiRestRoute(byName, this.#clock, o.weightLimit ?? 6000);
    this.#lastNs = this.#clock.monoNs();
    this.#accepting = acceptLoop(listener, (c) => this.#serve(c), this.#conns);
    const every = o.tickMs ?? 1;
    if (every > 0) this.#timer = setInterval(() => this.#tick(), every);
  }

  /** Listen on 127.0.0.1 and start producing. Rejects with a RangeError on no or repeated symbols, or a bad rate. */
  static start(o: FastSimOptions): Promise<FastMultiSimulator> {
    const rate = o.ratePerSymbol ?? 250;
    if (o.symbols.length === 0) return Promise.reject(new RangeError("no symbols"));
    if (new Set(o.symbols).size !== o.symbols.length) {
      return Promise.reject(new RangeError("a symbol is listed twice"));
    }
    if (!(rate > 0 && Number.isFinite(rate))) {
      return Promise.reject(new RangeError("ratePerSymbol must be > 0"));
    }
    const listener = Deno.listen({ hostname: "127.0.0.1", port: o.port ?? 0 });
    return Promise.resolve(new FastMultiSimulator(listener, o));
  }

  /** `http://127.0.0.1:<port>` (REST base). */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** `ws://127.0.0.1:<port>` (WebSocket base). */
  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** Streams subscribed over all open connections. */
  get streams(): number {
    let n = 0;
    for (const c of this.#clients) n += c.streams.size;
    return n;
  }

  /** The true book of `symbol` (integers at {@linkcode FastMultiSimulator.scale}). */
  truth(symbol: string): L2Book {
    return this.#market(symbol).book;
  }
  /** The scale of every symbol's true book. */
  scale(symbol: string): { priceDecimals: number; qtyDecimals: number } {
    const m = this.#market(symbol);
    return { priceDecimals: m.priceScale, qtyDecimals: m.qtyScale };
  }

  /** Arm `skip_update` on `symbol`: its next frame is produced (ids used) and not sent. */
  fault(kind: "skip_update", symbol: string): void {
    if (kind !== "skip_update") throw new RangeError(`unknown fault ${kind}`);
    const k = this.#indexOf(symbol);
    this.#skip[k] = this.#skip[k]! + 1;
  }

  /**
   * Produce and send what the rate makes due by now, as a timer tick does — for a caller that
   * keeps the time itself (`tickMs: 0`, e.g. a loop that ticks every millisecond on time).
   */
  tick(): void {
    this.#tick();
  }

  /** Produce and send `n` frames of every symbol now (any pause aside). */
  step(n = 1): void {
    const due = new Uint32Array(this.#markets.length).fill(n);
    this.#send(due);
  }

  /** The `/sim/state` object: per symbol `[symbol, last update id, sent, skipped]`, and the counters. */
  state(): Record<string, unknown> {
    const cpu = process.cpuUsage();
    return {
      paused: this.paused,
      symbols: this.#markets.map((m, k) => [m.symbol, m.book.updateId, this.sent[k], this.#skipped(k)]),
      ...this.stats,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      snapshots: Object.fromEntries(this.#rest.stats.snapshots),
    };
  }

  /** Stop: timer, listener, connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#listener.close();
    await this.#accepting;
    for (const c of this.#clients) c.sock.drop();
    await Promise.all([...this.#conns]);
  }

  #tick(): void {
    const now = this.#clock.monoNs();
    if (!this.paused) this.#runNs += now - this.#lastNs;
    this.#lastNs = now;
    if (this.paused) return;
    const n = this.#markets.length;
    const rate = this.#o.ratePerSymbol ?? 250;
    const due = new Uint32Array(n);
    for (let k = 0; k < n; k++) due[k] = Math.max(0, framesDue(this.#runNs, rate, k, n) - this.#produced[k]!);
    this.#send(due);
  }

  // Build the frames due, then one write per connection (each stamped at its hand-off).
  #send(due: Uint32Array): void {
    if (this.#closed) return;
    const t0 = this.#clock.monoNs();
    const texts: string[] = [];
    const syms: number[] = [];
    for (let k = 0; k < due.length; k++) {
      for (let r = 0; r < due[k]!; r++) {
        const frame = this.#markets[k]!.next(E_PLACEHOLDER);
        this.#produced[k] = this.#produced[k]! + 1;
        if (this.#skip[k]! > 0) {
          this.#skip[k] = this.#skip[k]! - 1;
          this.stats.skipped++;
          continue;
        }
        this.sent[k] = this.sent[k]! + 1;
        texts.push(frame);
        syms.push(k);
      }
    }
    if (texts.length === 0) return;
    this.stats.ticks++;
    this.stats.frames += texts.length;
    if (texts.length > this.stats.maxTickFrames) this.stats.maxTickFrames = texts.length;
    for (const c of this.#clients) {
      if (c.version < 0) this.#resubscribe(c);
      const mine: string[] = [];
      for (let i = 0; i < texts.length; i++) {
        const k = syms[i]!;
        if (c.subs[k] === 0) continue;
        const t = texts[i]!;
        mine.push(c.combined ? `{"stream":"${this.symbols[k]!.toLowerCase()}@depth@100ms","data":${t}}` : t);
      }
      if (mine.length === 0) continue;
      const at: number[] = [];
      const bytes = packTextFrames(mine, at);
      this.stats.bytes += bytes.length;
      stampDigits(bytes, at, Math.round(this.#clock.wallNs() / 1000));
      c.sock.sendRaw(bytes);
    }
    const took = this.#clock.monoNs() - t0;
    this.stats.buildNsSum += took;
    if (took > this.stats.buildNsMax) this.stats.buildNsMax = took;
  }

  #skipped(k: number): number {
    return this.#produced[k]! - this.sent[k]!;
  }

  #resubscribe(c: Client): void {
    c.subs.fill(0);
    for (const s of c.streams) {
      const k = this.#index.get(s);
      if (k !== undefined) c.subs[k] = 1;
    }
    c.version = 0;
  }

  #indexOf(symbol: string): number {
    const k = this.#index.get(`${symbol.toLowerCase()}@depth@100ms`);
    if (k === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return k;
  }

  #market(symbol: string): FastDepthMarket {
    return this.#markets[this.#indexOf(symbol)]!;
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const req = await readRequest(conn);
    if (req === null) return conn.close();
    const path = req.url.pathname;
    const q = req.url.searchParams;
    if (path === "/api/v3/depth" || path === "/api/v3/exchangeInfo") return this.#rest.serve(conn, req.url);
    if (path === "/sim/state") return respond(conn, 200, JSON.stringify(this.state()));
    if (path === "/sim/pause") {
      this.paused = q.get("on") !== "0";
      return respond(conn, 200, `{"paused":${this.paused}}`);
    }
    if (path === "/sim/fault") {
      try {
        this.fault(q.get("kind") as "skip_update", q.get("symbol") ?? "");
      } catch (e) {
        return respond(conn, 400, JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      }
      return respond(conn, 200, `{"ok":true}`);
    }
    if (path !== "/ws" && path !== "/stream") return respond(conn, 404, `{"code":-1,"msg":"not found"}`);
    const key = req.headers.get("sec-websocket-key");
    if (key === undefined) return respond(conn, 400, `{"code":-1,"msg":"upgrade required"}`);
    const accept = await acceptKey(key);
    await writeHead(conn, 101, {
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Accept": accept,
    });
    const c: Client = {
      sock: new SimSocket(conn, req.target, req.rest, this.#o.clientMaxBacklog),
      combined: path === "/stream",
      streams: new Set(),
      subs: new Uint8Array(this.#markets.length),
      version: -1,
    };
    for (const n of (q.get("streams") ?? "").split("/")) if (n) c.streams.add(n);
    c.sock.onText = (t) => {
      controlMessage(c, t);
      c.version = -1;
    };
    c.sock.onClosed = () => {
      this.#clients.delete(c);
      this.stats.disconnects++;
    };
    this.#clients.add(c);
    this.stats.connections++;
    await c.sock.done;
  }
}
