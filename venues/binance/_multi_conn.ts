/**
 * Private: one WebSocket connection of `BinanceMultiHandler` — its planned streams and symbols,
 * its {@linkcode WsSession} and inbox, its reconnect backoff, and the pacing of its `SUBSCRIBE`
 * messages (mode "message"): at most `perSecond` per second on this connection (the venue counts
 * 5 incoming messages per second, pongs included; the default 4 leaves room for Deno's automatic
 * pong), sent again from the first after every (re)connect. Not on the per-frame hot path.
 * @module
 */
import type { Clock } from "../../engine/clock.ts";
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { SendPacer } from "../hyperliquid/send_pacer.ts";
import { Inbox } from "./_inbox.ts";
import { WsSession } from "./_ws_session.ts";
import type { PlannedConnection } from "./stream_plan.ts";
import type { WsTransport } from "./_ws_open.ts";

/** Options of {@linkcode MultiConn}. */
export interface MultiConnOptions {
  /** Receive-time clock. */
  clock: Clock;
  /** Called after queuing. */
  wake: () => void;
  /** Reconnect backoff. */
  backoff: BackoffOptions;
  /** SUBSCRIBE messages per second on this connection. */
  perSecond: number;
  /** Redirects followed per connect. */
  maxHops: number;
  /** Renew the connection after this long, ms. */
  maxConnectionMs: number;
  /** Wait at most this long for the close at stop, ms. */
  closeTimeoutMs: number;
  /** The transport (default "raw"). */
  transport?: WsTransport;
  /** "raw": inbox entries at which reading pauses (default 8192). */
  readAhead?: number;
}

/** One planned connection and its state. */
export class MultiConn {
  /** The plan (URL, streams, symbol indexes, SUBSCRIBE bodies). */
  readonly plan: PlannedConnection;
  /** Input of this connection. */
  readonly inbox = new Inbox(1 << 12);
  /** The socket. */
  readonly io: WsSession;
  /** Reconnect delays. */
  readonly backoff: Backoff;
  /** SUBSCRIBE pacing. */
  readonly pacer: SendPacer;
  /** True between its `Open` and its `Close`. */
  open = false;
  /** SUBSCRIBE messages of the current connection sent so far. */
  subscribed = 0;
  /** Monotonic time of the open or of the last frame, ns (silence watch of the connection). */
  lastFrameNs = 0;
  /** Pending reconnect (or paced connect) timer. */
  timer: ReturnType<typeof setTimeout> | undefined;

  /** A connection of `plan`; nothing opens until `io.open()`. */
  constructor(plan: PlannedConnection, o: MultiConnOptions) {
    this.plan = plan;
    this.backoff = new Backoff(o.backoff);
    this.pacer = new SendPacer(o.perSecond, 1e9);
    this.io = new WsSession({
      url: plan.url,
      inbox: this.inbox,
      clock: o.clock,
      wake: o.wake,
      maxHops: o.maxHops,
      maxConnectionMs: o.maxConnectionMs,
      snapshotTimeoutMs: 0,
      closeTimeoutMs: o.closeTimeoutMs,
      ...(o.transport !== undefined ? { transport: o.transport } : {}),
      ...(o.readAhead !== undefined ? { readAhead: o.readAhead } : {}),
    });
  }

  /**
   * Send the SUBSCRIBE messages due at `now` within the pacing. Returns the ns until the next one
   * may go (0 when none is left).
   */
  sendDue(now: number): number {
    const msgs = this.plan.subscribe;
    while (this.open && this.subscribed < msgs.length) {
      const wait = this.pacer.waitNs(now);
      if (wait > 0) return wait;
      if (!this.io.send(msgs[this.subscribed]!)) return 0;
      this.pacer.note(now);
      this.subscribed++;
    }
    return 0;
  }
}
