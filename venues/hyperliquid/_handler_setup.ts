/**
 * Private: one-time setup helpers of `HyperliquidHandler` — the request texts sent on every
 * connection (validated through `l2BookSubscription`), the capture session, and the wake-up
 * period that drives the heartbeat. Construction/start only, never per message.
 * @module
 */
import type { HandlerContext } from "../../engine/handler.ts";
import { HlCapture, type HlCaptureOptions } from "./capture.ts";
import { l2BookSubscription } from "./config.ts";
import type { Heartbeat } from "./heartbeat.ts";

/** The request texts of one handler. */
export interface SubscriptionTexts {
  /** `{"method":"subscribe","subscription":<l2Book>}`. */
  subscribe: string;
  /** `{"method":"subscribe","subscription":{"type":"trades","coin":C}}`. */
  subscribeTrades: string;
  /** The l2Book subscription object alone, as JSON (for `subscribed` events and the capture). */
  subText: string;
}

/** Build the request texts; RangeError on a bad coin, nSigFigs or mantissa. */
export function subscriptionTexts(coin: string, nSigFigs?: number, mantissa?: number): SubscriptionTexts {
  const sub = l2BookSubscription(coin, nSigFigs, mantissa);
  return {
    subscribe: JSON.stringify({ method: "subscribe", subscription: sub }),
    subscribeTrades: JSON.stringify({ method: "subscribe", subscription: { type: "trades", coin } }),
    subText: JSON.stringify(sub),
  };
}

/** Open the capture session under `captureDir` (`session` label, default epoch ms). */
export function openCapture(
  captureDir: string,
  session: string | undefined,
  coin: string,
  wsUrl: string,
  subText: string,
  ctx: HandlerContext,
  files: Pick<HlCaptureOptions, "rotate" | "gzip"> = {},
): Promise<HlCapture> {
  const lg = ctx.logger;
  const opts: HlCaptureOptions = {
    captureDir,
    coin,
    wsUrl,
    subscription: JSON.parse(subText),
    clock: ctx.clock,
    onError: (m) => lg.error(ctx.source, `capture: ${m}`),
  };
  if (session !== undefined) opts.session = session;
  if (files.rotate !== undefined) opts.rotate = files.rotate;
  if (files.gzip !== undefined) opts.gzip = files.gzip;
  return HlCapture.open(opts);
}

/** Wake-up period in ms: a quarter of the shorter heartbeat interval, within [5, 1000]. */
export function wakePeriodMs(hb: Heartbeat): number {
  return Math.max(5, Math.min(1000, Math.min(hb.pingAfterNs, hb.pongTimeoutNs) / 4e6));
}
