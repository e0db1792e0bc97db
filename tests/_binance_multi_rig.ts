/**
 * Test support for the many-symbol Binance handler against `BinanceMultiSimulator`: step the
 * simulator until a condition holds (each step waits until the handler saw every frame sent, with
 * a deadline), and whether every book equals the simulator's truth.
 * @module
 */
import type { BinanceMultiHandler } from "../venues/binance/multi_handler.ts";
import type { BinanceMultiSimulator } from "../sim/binance/multi_simulator.ts";
import type { Drive } from "../testing/mod.ts";

/** Step `sim` until `done()` (each step waits until `h` processed every frame sent). */
export async function stepUntil(
  sim: BinanceMultiSimulator,
  h: BinanceMultiHandler,
  d: Drive,
  done: () => boolean,
  what: string,
): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    sim.step();
    await d.until(
      () => h.stats.messages + h.stats.malformed === sim.stats.depthFrames + sim.stats.tradeFrames,
      `${what}: frames`,
    );
    if (done()) return;
  }
  throw new Error(`${what}: not reached in 3000 steps`);
}

/** True when every symbol is synchronized at the simulator's update id. */
export function allEqualTruth(h: BinanceMultiHandler, sim: BinanceMultiSimulator): boolean {
  return h.books.every((b) => b.synced && b.book.updateId === sim.truth(b.symbol).updateId);
}
