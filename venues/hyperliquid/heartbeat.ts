/**
 * The Hyperliquid client heartbeat as a pure, clock-driven state machine (no timers, no I/O).
 *
 * The server closes a connection it has not heard from for 60 s. The client therefore sends
 * `{"method":"ping"}` once nothing was sent for `pingAfterMs` (default 50 s, as the official
 * SDK) and expects `{"channel":"pong"}` within `pongTimeoutMs` (default 10 s); otherwise the
 * connection is dead and must be replaced. Both deadlines are the shared silence watch
 * (`venues/_silence.ts`): one on what the client sends, one on the pong. The caller feeds times
 * from its {@linkcode Clock} (`monoNs`), calls {@linkcode Heartbeat.poll} whenever it runs (and
 * at {@linkcode Heartbeat.nextDueNs} at the latest), and acts on the returned code.
 * @module
 */
import { Silence, SilenceWatch } from "../_silence.ts";

/** What {@linkcode Heartbeat.poll} asks the caller to do. */
export const HeartbeatAction = {
  /** Nothing to do. */
  None: 0,
  /** Send `{"method":"ping"}` now (the heartbeat already counts it as sent). */
  SendPing: 1,
  /** No pong arrived in time: close and reconnect. */
  Timeout: 2,
} as const;
/** A value of {@linkcode HeartbeatAction}. */
export type HeartbeatAction = typeof HeartbeatAction[keyof typeof HeartbeatAction];

/** Options for {@linkcode Heartbeat}. */
export interface HeartbeatOptions {
  /** Send a ping after this long without sending anything, ms (default 50 000). */
  pingAfterMs?: number;
  /** Give up when the pong takes longer than this, ms (default 10 000). */
  pongTimeoutMs?: number;
}

/** Heartbeat state of one connection. */
export class Heartbeat {
  /** Idle time before a ping, ns. */
  readonly pingAfterNs: number;
  /** Pong deadline after a ping, ns. */
  readonly pongTimeoutNs: number;
  /** Pings sent so far (all connections). */
  pings = 0;
  /** Pongs received in time so far. */
  pongs = 0;
  /** Pong timeouts so far. */
  timeouts = 0;
  readonly #idle: SilenceWatch; // nothing sent for pingAfter
  readonly #pong: SilenceWatch; // no pong for pongTimeout after a ping
  #awaiting = false;

  /** A heartbeat; throws RangeError unless both periods are > 0. */
  constructor(options: HeartbeatOptions = {}) {
    const ping = options.pingAfterMs ?? 50_000;
    const pong = options.pongTimeoutMs ?? 10_000;
    if (!(ping > 0) || !(pong > 0)) throw new RangeError("pingAfterMs and pongTimeoutMs must be > 0");
    this.#idle = new SilenceWatch(ping);
    this.#pong = new SilenceWatch(pong);
    this.pingAfterNs = this.#idle.afterNs;
    this.pongTimeoutNs = this.#pong.afterNs;
    this.#idle.arm(0);
  }

  /** True while a ping is unanswered. */
  get awaitingPong(): boolean {
    return this.#awaiting;
  }

  /** A new connection opened at `nowNs` (nothing sent yet, no ping outstanding). */
  reset(nowNs: number): void {
    this.#idle.arm(nowNs);
    this.#pong.disarm();
    this.#awaiting = false;
  }

  /** The client sent a frame (e.g. a subscribe) at `nowNs`. */
  onSent(nowNs: number): void {
    this.#idle.arm(nowNs);
  }

  /** A pong arrived. Returns false when none was expected (an unsolicited pong). */
  onPong(_nowNs: number): boolean {
    if (!this.#awaiting) return false;
    this.#awaiting = false;
    this.#pong.disarm();
    this.pongs++;
    return true;
  }

  /** What to do at `nowNs`. A `SendPing` result is already recorded as sent at `nowNs`. */
  poll(nowNs: number): HeartbeatAction {
    if (this.#awaiting) {
      if (this.#pong.poll(nowNs) === Silence.None) return HeartbeatAction.None;
      this.#awaiting = false;
      this.timeouts++;
      return HeartbeatAction.Timeout;
    }
    if (this.#idle.poll(nowNs) === Silence.None) return HeartbeatAction.None;
    this.#awaiting = true;
    this.#pong.arm(nowNs);
    this.#idle.arm(nowNs);
    this.pings++;
    return HeartbeatAction.SendPing;
  }

  /** The monotonic time (ns) at which {@linkcode Heartbeat.poll} will next have something to do. */
  nextDueNs(): number {
    return this.#awaiting ? this.#pong.nextDueNs() : this.#idle.nextDueNs();
  }
}
