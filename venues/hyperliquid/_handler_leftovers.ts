/**
 * Private: the stop-time capture drain of `HyperliquidHandler`. When the handler stops (for
 * instance once `maxMessages` is reached) frames may still wait in its {@linkcode Inbox}; they
 * were received, so they go into the capture exactly as `pollOnce` would have written them
 * (JSON frames verbatim, the plain-text greeting only counted), with the metadata counters
 * updated and a queued open recorded as a connection start. Nothing is applied to the book.
 * Runs once, at stop.
 * @module
 */
import { type Inbox, InKind } from "./_inbox.ts";
import type { HlCapture } from "./capture.ts";
import { type HlFrame, HlMsg } from "./frame.ts";
import type { HlParser } from "./parse.ts";
import { HL_GREETING } from "./types.ts";

/** Drain `inbox` into `capture`; returns the number of frames captured. */
export function captureLeftovers(
  inbox: Inbox,
  parser: HlParser,
  frame: HlFrame,
  coinBytes: Uint8Array,
  capture: HlCapture,
): number {
  let n = 0;
  const meta = capture.meta;
  while (inbox.length > 0) {
    const i = inbox.head;
    const kind = inbox.kind(i);
    if (kind === InKind.Open) capture.noteConnection(inbox.wallNs(i));
    else if (kind === InKind.Message) {
      const data = inbox.text(i);
      const msg = parser.parse(data, frame);
      if (msg === HlMsg.Text) {
        if (data === HL_GREETING) meta.greetings++;
      } else {
        capture.append(data, inbox.wallNs(i));
        n++;
        if (msg === HlMsg.L2Book) {
          if (parser.rangeEquals(frame.coinStart, frame.coinEnd, coinBytes)) capture.noteBook(frame.time);
        } else if (msg === HlMsg.Trades) meta.trades++;
        else if (msg === HlMsg.Error) meta.errors++;
        else if (msg === HlMsg.Malformed) meta.malformed++;
      }
    }
    inbox.shift();
  }
  return n;
}
