/**
 * The handler's I/O side: one WebSocket at a time (opened through the redirect follower) and
 * REST snapshot fetches. Every callback only queues into the {@linkcode Inbox} with its receive
 * time and calls `wake()`; the handler's `pollOnce` does the rest. Each connection has a
 * generation number, carried by every entry it queues (frames included), so events of a
 * replaced connection can be told apart. Snapshot fetches time out (`snapshotTimeoutMs`) and
 * carry the caller's request tag; `stop` waits for the close handshake at most `closeTimeoutMs`.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { errorText, isUnretryable } from "../_fatal.ts";
import { Inbox, InKind } from "./_inbox.ts";
import { type OpenSocket, openSocket, type WsTransport } from "./_ws_open.ts";

/** Options of {@linkcode WsSession}. */
export interface WsSessionOptions {
  /** Stream URL. */
  url: string;
  /** Where input goes. */
  inbox: Inbox;
  /** Receive-time clock. */
  clock: Clock;
  /** Called after queuing. */
  wake: () => void;
  /** Redirects followed per connect. */
  maxHops: number;
  /** Queue a `Renew` entry this long after each open, ms. */
  maxConnectionMs: number;
  /** Abort a snapshot fetch after this long (queued as status 0), ms. */
  snapshotTimeoutMs: number;
  /** At stop, wait at most this long for the peer to confirm the close, ms. */
  closeTimeoutMs: number;
  /** "raw" (default: `RawWebSocket`, bounded read-ahead) or "websocket" (Deno's); see `_ws_open.ts`. */
  transport?: WsTransport;
  /** "raw": inbox entries at which the socket stops reading until a poll drains it (default 8192). */
  readAhead?: number;
}

/** One WebSocket at a time, plus snapshot fetches. */
export class WsSession {
  /** Generation of the current connection (bumped by `open` and `close`). */
  gen = 0;
  /** Connections opened. */
  opened = 0;
  readonly #o: WsSessionOptions;
  readonly #abort = new AbortController();
  readonly #fetches = new Set<Promise<void>>();
  #ws: OpenSocket | null = null;
  #renew: ReturnType<typeof setTimeout> | undefined;
  #connecting: Promise<void> | null = null;
  #closed: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Nothing is opened until {@linkcode WsSession.open}. */
  constructor(o: WsSessionOptions) {
    this.#o = o;
  }

  /** Close the current connection (if any) and open a new one. */
  open(): void {
    if (this.#stopped) return;
    this.close("reconnecting");
    const gen = ++this.gen;
    const { inbox, clock, wake } = this.#o;
    const closed = Promise.withResolvers<void>();
    this.#closed = closed.promise;
    const opening = openSocket({
      url: this.#o.url,
      transport: this.#o.transport ?? "raw",
      readAhead: this.#o.readAhead ?? 8192,
      maxHops: this.#o.maxHops,
      signal: this.#abort.signal,
      inbox,
      clock,
      wake,
      onClosed: () => closed.resolve(),
    }, gen);
    this.#connecting = opening.then(
      (s) => {
        if (gen !== this.gen || this.#stopped) {
          s.start();
          s.close(1000, "superseded");
          return;
        }
        this.#ws = s;
        this.opened++;
        inbox.push(InKind.Open, s.url, clock.monoNs(), clock.wallNs(), gen);
        s.start();
        this.#renew = setTimeout(() => {
          inbox.push(InKind.Renew, "", clock.monoNs(), clock.wallNs(), gen);
          wake();
        }, this.#o.maxConnectionMs);
        wake();
      },
      (e) => {
        closed.resolve();
        const fatal = isUnretryable(e) ? 1 : 0;
        inbox.push(InKind.ConnectFailed, errorText(e), clock.monoNs(), clock.wallNs(), gen, fatal);
        wake();
      },
    ).finally(() => {
      this.#connecting = null;
    });
  }

  /** Close the current connection; its later events carry an old generation. */
  close(reason: string): void {
    clearTimeout(this.#renew);
    this.gen++;
    this.#ws?.close(1000, reason);
    this.#ws = null;
  }

  /** Send `text` on the open socket (e.g. a `SUBSCRIBE`); false when none is open. */
  send(text: string): boolean {
    return this.#ws !== null && this.#ws.send(text);
  }

  /** Forget the current socket after its close event (it is already closed). */
  closedByPeer(): void {
    clearTimeout(this.#renew);
    this.#ws = null;
  }

  /**
   * GET `url` and queue the answer as a `Snapshot` entry tagged `tag` (status 0 on a network
   * error or after `snapshotTimeoutMs`, -1 when the request can never be made: see `_fatal.ts`).
   */
  fetchSnapshot(url: string, tag: number): void {
    const p = this.#fetch(url, tag);
    this.#fetches.add(p);
    p.finally(() => this.#fetches.delete(p));
  }

  /**
   * Stop: abort fetches, close the socket and wait for its close event — at most
   * `closeTimeoutMs` (a peer that never answers the close frame leaves Deno's socket open, and
   * its close event, if it ever comes, is then queued after stop). Resolves true when the close
   * was confirmed.
   */
  async stop(): Promise<boolean> {
    this.#stopped = true;
    this.#abort.abort();
    this.close("stopping");
    if (this.#connecting) await this.#connecting;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#o.closeTimeoutMs);
      Deno.unrefTimer(timer);
    });
    try {
      const confirmed = await Promise.race([this.#closed.then(() => true), timedOut]);
      await Promise.all([...this.#fetches]);
      return confirmed;
    } finally {
      clearTimeout(timer);
    }
  }

  async #fetch(url: string, tag: number): Promise<void> {
    let status = 0;
    let body = "";
    let retry = NaN;
    let used = NaN;
    // Like AbortSignal.any([stop, AbortSignal.timeout(ms)]), but the timer is cleared as soon as
    // the answer is read, so no timer outlives the request.
    const ms = this.#o.snapshotTimeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException("timeout", "TimeoutError")), ms);
    const signal = AbortSignal.any([this.#abort.signal, timeout.signal]);
    try {
      const r = await fetch(url, { signal });
      status = r.status;
      body = await r.text();
      const ra = r.headers.get("retry-after");
      const uw = r.headers.get("x-mbx-used-weight-1m");
      if (ra !== null) retry = Number(ra);
      if (uw !== null) used = Number(uw);
    } catch (e) {
      status = isUnretryable(e) ? -1 : 0;
      body = timeout.signal.aborted ? `timed out after ${ms} ms` : errorText(e);
    } finally {
      clearTimeout(timer);
    }
    const { inbox, clock, wake } = this.#o;
    inbox.push(InKind.Snapshot, body, clock.monoNs(), clock.wallNs(), status, retry, used, tag);
    wake();
  }
}
