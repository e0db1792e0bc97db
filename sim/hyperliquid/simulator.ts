/**
 * A local Hyperliquid-compatible WebSocket server on 127.0.0.1 for tests, demos and
 * `deno task sim:hyperliquid`.
 *
 * Protocol, as the venue: on connect the plain-text greeting "Websocket connection
 * established."; `{"method":"subscribe","subscription":{"type":"l2Book","coin":C,…}}` is
 * validated (coin, `nSigFigs` ∈ {2,3,4,5}, `mantissa` ∈ {1,2,5} only with `nSigFigs` 5) and
 * answered with `subscriptionResponse` echoing the subscription, then the current book at once;
 * `trades` subscriptions get trades; `{"method":"ping"}` gets `{"channel":"pong"}`; bad requests
 * get `{"channel":"error","data":"…"}`; a connection that sends nothing for `idleTimeoutMs` is
 * closed (the venue's 60 s rule). Aggregation by `nSigFigs` is acknowledged but not applied.
 *
 * Books come from a seeded {@linkcode SynthBook} or from a recorded capture's lines (e.g. the
 * shared fixture), sent verbatim in order and cycled. {@linkcode HyperliquidSimulator.step}
 * publishes the next book (tests step by hand; `intervalMs` > 0 steps on a timer).
 *
 * Faults ({@linkcode HyperliquidSimulator.fault}): `disconnect` closes every connection;
 * `error` sends an error frame; `silence` makes current connections receive nothing (no books,
 * no pongs) until the client gives up; `cross` makes the next book crossed. Allocates freely:
 * not a hot path. Option types live in `_sim_types.ts`, subscription validation and the
 * `cross` rewrite in `_sim_protocol.ts`.
 * @module
 */
import { SynthBook } from "./_synth.ts";
import { crossLine, subscriptionKey, validateSubscription } from "./_sim_protocol.ts";
import { HL_FAST_DEPTH } from "../../venues/hyperliquid/coin_book.ts";
import type { HlSimEvent, HlSimFault, HlSimOptions } from "./_sim_types.ts";
import { HL_GREETING } from "../../venues/hyperliquid/types.ts";
import {
  type LongTimer,
  type LongTimerOptions,
  setLongInterval,
  setLongTimeout,
} from "../../engine/timer.ts";

export type { HlSimEvent, HlSimFault, HlSimOptions } from "./_sim_types.ts";
export { validateSubscription } from "./_sim_protocol.ts";

interface Waiter {
  ev: HlSimEvent;
  resolve: () => void;
}

interface Conn {
  ws: WebSocket;
  subs: Set<string>;
  silent: boolean;
  idle: LongTimer | undefined;
}

/** The simulator server. Create with {@linkcode HyperliquidSimulator.start}. */
export class HyperliquidSimulator {
  /** The port bound. */
  readonly port: number;
  /** Coin served (the first of {@linkcode coins}). */
  readonly coin: string;
  /** Coins served. */
  readonly coins: readonly string[];
  /** The last `l2Book` frame published (undefined before the first step). */
  lastBook: string | undefined;
  /** Counters for tests. */
  readonly stats = { connections: 0, subscribes: 0, pings: 0, pongs: 0, books: 0, errors: 0, refused: 0 };
  readonly #server: Deno.HttpServer;
  readonly #conns = new Set<Conn>();
  readonly #synth: SynthBook | undefined;
  readonly #synths = new Map<string, SynthBook>();
  readonly #frames = new Map<string, string>(); // subscription key -> the latest frame
  readonly #slowEvery: number;
  readonly #maxSubs: number;
  readonly #maxConns: number;
  readonly #lines: string[];
  readonly #tradeEvery: number;
  readonly #idleMs: number;
  #line = 0;
  #time: number;
  #crossNext = false;
  #timer: LongTimer | undefined;
  readonly #timing: LongTimerOptions;
  #waiters: Waiter[] = [];

  private constructor(opts: HlSimOptions, server: (h: Deno.ServeHandler) => Deno.HttpServer) {
    this.coins = opts.lines ? [opts.coin ?? "BTC"] : opts.coins ?? [opts.coin ?? "BTC"];
    this.coin = this.coins[0]!;
    this.#lines = (opts.lines ?? []).filter((l) => l.includes('"l2Book"') || l.includes('"trades"'));
    if (!opts.lines) {
      this.coins.forEach((c, i) => this.#synths.set(c, new SynthBook(c, (opts.seed ?? 1) + i)));
    }
    this.#synth = this.#synths.get(this.coin);
    this.#slowEvery = opts.slowEvery ?? 1;
    this.#maxSubs = opts.maxSubscriptions ?? 1000;
    this.#maxConns = opts.maxConnections ?? 10;
    this.#tradeEvery = opts.tradeEvery ?? 3;
    this.#idleMs = opts.idleTimeoutMs ?? 60_000;
    this.#timing = opts.timing ?? {};
    this.#time = opts.startTimeMs ?? 1_700_000_000_000;
    if (this.#synth) this.#render(false);
    else {
      this.#advanceLines(false);
      this.#frames.set(`l2Book|${this.coin}`, this.lastBook!);
    }
    this.#server = server((req) => this.#handle(req));
    this.port = (this.#server.addr as Deno.NetAddr).port;
    const every = opts.intervalMs ?? 0;
    if (every > 0) this.#timer = setLongInterval(() => this.step(), every, this.#timing);
  }

  /** Bind 127.0.0.1:`port` and start serving. */
  static start(opts: HlSimOptions = {}): Promise<HyperliquidSimulator> {
    if (opts.lines && opts.lines.filter((l) => l.includes('"l2Book"')).length === 0) {
      return Promise.reject(new RangeError("lines hold no l2Book frame"));
    }
    return new Promise((resolve) => {
      const sim: HyperliquidSimulator = new HyperliquidSimulator(opts, (h) =>
        Deno.serve({
          hostname: "127.0.0.1",
          port: opts.port ?? 0,
          onListen: () => queueMicrotask(() => resolve(sim)),
        }, h));
    });
  }

  /** WebSocket URL of the server. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Open connections. */
  get connections(): number {
    return this.#conns.size;
  }

  /** Resolves the next time `ev` happens. */
  waitFor(ev: HlSimEvent): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ ev, resolve }));
  }

  /**
   * Publish the next step to every subscribed connection: per coin the trades, the slow l2Book
   * (every `slowEvery` steps), the fast l2Book (top 5 of the same truth) and the bbo when the
   * best levels changed. Returns the first coin's slow book frame (sent or not).
   */
  step(): string {
    let frame: string;
    if (this.#synth) {
      this.#time += 500;
      const n = ++this.stats.books;
      for (const [coin, synth] of this.#synths) {
        synth.step();
        if (this.#tradeEvery > 0 && n % this.#tradeEvery === 0) {
          this.#broadcast(`trades|${coin}`, synth.tradesFrame(this.#time - 1));
        }
      }
      this.#render(true, n % this.#slowEvery === 0);
      frame = this.lastBook!;
    } else {
      this.stats.books++;
      frame = this.#advanceLines(true);
      if (this.#crossNext) frame = crossLine(frame);
      this.lastBook = frame;
      this.#frames.set(`l2Book|${this.coin}`, frame);
      this.#broadcast(`l2Book|${this.coin}`, frame);
    }
    this.#crossNext = false;
    return frame;
  }

  // Render every coin's frames at the current time; `send` broadcasts them (slow ones if `slow`).
  #render(send: boolean, slow = true): void {
    for (const [coin, synth] of this.#synths) {
      const crossed = this.#crossNext && coin === this.coin;
      const book = synth.bookFrame(this.#time, crossed);
      if (coin === this.coin) this.lastBook = book;
      const bbo = synth.bboFrame(this.#time);
      const oldBbo = this.#frames.get(`bbo|${coin}`);
      const same = oldBbo !== undefined &&
        oldBbo.slice(oldBbo.indexOf('"bbo":[')) === bbo.slice(bbo.indexOf('"bbo":['));
      const fresh: [string, string, boolean][] = [
        [`l2Book|${coin}`, book, slow],
        [`l2Book.fast|${coin}`, synth.bookFrame(this.#time, crossed, HL_FAST_DEPTH), true],
        [`bbo|${coin}`, bbo, !same],
      ];
      for (const [key, f, due] of fresh) {
        if (!due) continue;
        this.#frames.set(key, f);
        if (send) this.#broadcast(key, f);
      }
    }
  }

  /** Inject a fault (see the module doc). */
  fault(kind: HlSimFault): void {
    switch (kind) {
      case "disconnect":
        for (const c of this.#conns) this.#drop(c, 1012, "simulated disconnect");
        break;
      case "error":
        this.stats.errors++;
        for (const c of this.#conns) this.#send(c, '{"channel":"error","data":"Simulated server error"}');
        break;
      case "silence":
        for (const c of this.#conns) c.silent = true;
        break;
      case "cross":
        this.#crossNext = true;
        break;
    }
  }

  /** Send `frame` verbatim to every connection (tests: malformed or unexpected frames). */
  sendRaw(frame: string): void {
    for (const c of this.#conns) this.#send(c, frame);
  }

  /** Close every connection and the server. */
  async close(): Promise<void> {
    this.#timer?.clear();
    this.#timer = undefined;
    for (const c of this.#conns) this.#drop(c, 1001, "simulator closing");
    await this.#server.shutdown();
  }

  // Next l2Book line (sending the trades lines before it when `send`), cycling.
  #advanceLines(send: boolean): string {
    for (let guard = 0; guard <= this.#lines.length * 2; guard++) {
      const line = this.#lines[this.#line]!;
      this.#line = (this.#line + 1) % this.#lines.length;
      if (line.includes('"l2Book"')) {
        if (!send) this.lastBook = line;
        return line;
      }
      if (send) this.#broadcast(`trades|${this.coin}`, line);
    }
    throw new RangeError("no l2Book line");
  }

  #broadcast(key: string, frame: string): void {
    for (const c of this.#conns) if (c.subs.has(key)) this.#send(c, frame);
  }

  #send(c: Conn, frame: string): void {
    if (!c.silent && c.ws.readyState === WebSocket.OPEN) c.ws.send(frame);
  }

  #drop(c: Conn, code: number, reason: string): void {
    c.idle?.clear();
    c.idle = undefined;
    this.#conns.delete(c);
    try {
      c.ws.close(code, reason);
    } catch { /* already closing */ }
  }

  #emit(ev: HlSimEvent): void {
    const keep: Waiter[] = [];
    for (const w of this.#waiters) w.ev === ev ? w.resolve() : keep.push(w);
    this.#waiters = keep;
  }

  #handle(req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("websocket only\n", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    const c: Conn = { ws: socket, subs: new Set(), silent: false, idle: undefined };
    socket.onopen = () => {
      if (this.#conns.size >= this.#maxConns) {
        this.stats.refused++;
        socket.send(JSON.stringify({ channel: "error", data: `Too many connections (${this.#maxConns})` }));
        socket.close(1008, "too many connections");
        return;
      }
      this.#conns.add(c);
      this.stats.connections++;
      socket.send(HL_GREETING);
      this.#touch(c);
      this.#emit("connection");
    };
    socket.onmessage = (e) => {
      this.#touch(c);
      this.#request(c, typeof e.data === "string" ? e.data : "");
    };
    socket.onclose = () => {
      c.idle?.clear();
      c.idle = undefined;
      this.#conns.delete(c);
      this.#emit("closed");
    };
    socket.onerror = () => {};
    return response;
  }

  #touch(c: Conn): void {
    if (this.#idleMs <= 0) return;
    c.idle?.clear();
    c.idle = setLongTimeout(() => this.#drop(c, 1000, "idle"), this.#idleMs, this.#timing);
  }

  #request(c: Conn, text: string): void {
    let req: { method?: unknown; subscription?: Record<string, unknown> };
    try {
      req = JSON.parse(text);
    } catch {
      this.#send(
        c,
        JSON.stringify({
          channel: "error",
          data: `Error parsing JSON into valid websocket request: ${text}`,
        }),
      );
      return;
    }
    if (req.method === "ping") {
      this.stats.pings++;
      this.#emit("ping");
      if (!c.silent) this.stats.pongs++;
      this.#send(c, '{"channel":"pong"}');
      return;
    }
    const sub = req.subscription;
    if (req.method !== "subscribe" || sub === null || typeof sub !== "object") {
      this.#send(c, JSON.stringify({ channel: "error", data: `Unsupported request: ${text}` }));
      return;
    }
    const bad = validateSubscription(sub, this.coins);
    if (bad !== "") {
      this.#send(c, JSON.stringify({ channel: "error", data: `Invalid subscription: ${bad}` }));
      return;
    }
    const key = subscriptionKey(sub);
    if (c.subs.has(key)) {
      this.#send(c, JSON.stringify({ channel: "error", data: `Already subscribed: ${JSON.stringify(sub)}` }));
      return;
    }
    let total = 0;
    for (const o of this.#conns) total += o.subs.size;
    if (total >= this.#maxSubs) {
      this.stats.refused++;
      this.#send(
        c,
        JSON.stringify({
          channel: "error",
          data: `Cannot track more than ${this.#maxSubs} total subscriptions`,
        }),
      );
      return;
    }
    c.subs.add(key);
    this.stats.subscribes++;
    this.#send(c, JSON.stringify({ channel: "subscriptionResponse", data: req }));
    const now = this.#frames.get(key);
    if (now !== undefined && sub.type !== "trades") this.#send(c, now);
    this.#emit("subscribed");
  }
}
