/**
 * Private: the WebSocket side of the Hyperliquid simulator — its connections and what each is
 * subscribed to, the venue's request protocol (subscribe, unsubscribe, ping; error frames for bad
 * requests), the per-IP limits (connections, subscriptions), the idle close, the faults that act
 * on connections, and the events tests wait for. The market (books, frames) lives in
 * `simulator.ts`, which hands frames to {@linkcode SimConnections.broadcast}. Allocates freely:
 * not a hot path.
 * @module
 */
import { subscriptionKey, validateSubscription } from "./_sim_protocol.ts";
import type { HlSimEvent } from "./_sim_types.ts";
import { HL_GREETING } from "../../venues/hyperliquid/types.ts";
import { type LongTimer, type LongTimerOptions, setLongTimeout } from "../../engine/timer.ts";

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

/** Counters of the simulator (shared with `simulator.ts`, which counts `books`). */
export interface HlSimStats {
  /** Connections accepted. */
  connections: number;
  /** Subscriptions accepted. */
  subscribes: number;
  /** Unsubscriptions accepted. */
  unsubscribes: number;
  /** Pings received. */
  pings: number;
  /** Pongs sent. */
  pongs: number;
  /** Steps published. */
  books: number;
  /** `error` faults sent. */
  errors: number;
  /** Connections or subscriptions refused for the venue's limits. */
  refused: number;
  /** `POST /info` requests. */
  infoRequests: number;
}

/** Limits and timing of {@linkcode SimConnections}. */
export interface SimConnOptions {
  /** Coins served (subscriptions to others are refused). */
  coins: readonly string[];
  /** Subscriptions allowed across all connections. */
  maxSubs: number;
  /** Connections allowed at once. */
  maxConns: number;
  /** Close a connection silent for this long, ms (0 = never). */
  idleMs: number;
  /** Timers behind the idle close. */
  timing: LongTimerOptions;
  /** The latest frame of a subscription key, sent right after it is subscribed. */
  frameOf: (key: string) => string | undefined;
}

/** The simulator's connections. */
export class SimConnections {
  /** Every subscription object received with `subscribe`, in order. */
  readonly subscriptions: Record<string, unknown>[] = [];
  readonly #o: SimConnOptions;
  readonly #stats: HlSimStats;
  readonly #conns = new Set<Conn>();
  readonly #stalled = new Set<string>(); // coins whose frames are held back
  #waiters: Waiter[] = [];

  /** Connections under `o`'s limits, counting into `stats`. */
  constructor(o: SimConnOptions, stats: HlSimStats) {
    this.#o = o;
    this.#stats = stats;
  }

  /** Open connections. */
  get size(): number {
    return this.#conns.size;
  }

  /** Resolves the next time `ev` happens. */
  waitFor(ev: HlSimEvent): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ ev, resolve }));
  }

  /** Hold `coin`'s frames back from every connection until `coin` is subscribed again. */
  stall(coin: string): void {
    this.#stalled.add(coin);
  }

  /** Send `frame` to every connection subscribed to `key` (`l2Book|BTC`, …). */
  broadcast(key: string, frame: string): void {
    if (this.#stalled.size > 0 && this.#stalled.has(key.slice(key.indexOf("|") + 1))) return;
    for (const c of this.#conns) if (c.subs.has(key)) this.#send(c, frame);
  }

  /** Send `frame` verbatim to every connection. */
  sendAll(frame: string): void {
    for (const c of this.#conns) this.#send(c, frame);
  }

  /** Close every connection with `code`/`reason`. */
  dropAll(code: number, reason: string): void {
    for (const c of this.#conns) this.#drop(c, code, reason);
  }

  /** Make every current connection receive nothing (no frames, no pongs). */
  silenceAll(): void {
    for (const c of this.#conns) c.silent = true;
  }

  /** Upgrade `req` and serve the venue's protocol on it. */
  accept(req: Request): Response {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const c: Conn = { ws: socket, subs: new Set(), silent: false, idle: undefined };
    socket.onopen = () => {
      if (this.#conns.size >= this.#o.maxConns) {
        this.#stats.refused++;
        socket.send(JSON.stringify({ channel: "error", data: `Too many connections (${this.#o.maxConns})` }));
        socket.close(1008, "too many connections");
        return;
      }
      this.#conns.add(c);
      this.#stats.connections++;
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

  #touch(c: Conn): void {
    if (this.#o.idleMs <= 0) return;
    c.idle?.clear();
    c.idle = setLongTimeout(() => this.#drop(c, 1000, "idle"), this.#o.idleMs, this.#o.timing);
  }

  #error(c: Conn, text: string): void {
    this.#send(c, JSON.stringify({ channel: "error", data: text }));
  }

  #request(c: Conn, text: string): void {
    let req: { method?: unknown; subscription?: Record<string, unknown> };
    try {
      req = JSON.parse(text);
    } catch {
      return this.#error(c, `Error parsing JSON into valid websocket request: ${text}`);
    }
    if (req.method === "ping") {
      this.#stats.pings++;
      this.#emit("ping");
      if (!c.silent) this.#stats.pongs++;
      this.#send(c, '{"channel":"pong"}');
      return;
    }
    const sub = req.subscription;
    if (
      sub === null || typeof sub !== "object" || (req.method !== "subscribe" && req.method !== "unsubscribe")
    ) {
      return this.#error(c, `Unsupported request: ${text}`);
    }
    const key = subscriptionKey(sub);
    if (req.method === "unsubscribe") {
      if (!c.subs.delete(key)) return this.#error(c, `Not subscribed: ${JSON.stringify(sub)}`);
      this.#stats.unsubscribes++;
      this.#send(c, JSON.stringify({ channel: "subscriptionResponse", data: req }));
      return;
    }
    const bad = validateSubscription(sub, this.#o.coins);
    if (bad !== "") return this.#error(c, `Invalid subscription: ${bad}`);
    if (c.subs.has(key)) return this.#error(c, `Already subscribed: ${JSON.stringify(sub)}`);
    let total = 0;
    for (const o of this.#conns) total += o.subs.size;
    if (total >= this.#o.maxSubs) {
      this.#stats.refused++;
      return this.#error(c, `Cannot track more than ${this.#o.maxSubs} total subscriptions`);
    }
    c.subs.add(key);
    this.#stats.subscribes++;
    this.subscriptions.push(sub);
    this.#stalled.delete(String(sub.coin));
    this.#send(c, JSON.stringify({ channel: "subscriptionResponse", data: req }));
    const now = this.#o.frameOf(key);
    if (now !== undefined && sub.type !== "trades") this.#send(c, now);
    this.#emit("subscribed");
  }
}
