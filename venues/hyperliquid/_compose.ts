/**
 * Private: the overlay rule of {@linkcode CoinBook} for one book side. `top` is a newer window of
 * the side's best levels (a `fast` window, depth 5, or a `bbo` level, depth 1) and `base` an
 * older, deeper view (the slow 20-level window, possibly already overlaid). The result is what
 * the two together prove, best first:
 * - `top` with fewer than `depth` levels shows the whole side: the result is `top` exactly (an
 *   empty `top` — a `null` bbo — empties the side);
 * - otherwise every `top` level, then the `base` levels strictly worse than `top`'s worst level.
 *   A `base` level at or better than that price is replaced: by `top`'s size when `top` lists
 *   the price, else removed (the newer window proves it gone).
 * No allocation (the out side's storage grows only when needed).
 * @module
 */
import type { SideLevels } from "./frame.ts";

/** Write `top` overlaid on `base` into `out` (cleared first). `isBid` orders prices. */
export function overlaySide(
  base: SideLevels,
  top: SideLevels,
  depth: number,
  isBid: boolean,
  out: SideLevels,
): void {
  out.reset();
  const nt = top.count;
  for (let i = 0; i < nt; i++) out.push(top.px[i]!, top.sz[i]!, top.n[i]!, top.pxDecMin, top.szDecMin);
  keepDecimals(out, top);
  if (nt < depth) return;
  const worst = top.px[nt - 1]!;
  let used = false;
  for (let i = 0; i < base.count; i++) {
    const px = base.px[i]!;
    if (isBid ? px < worst : px > worst) {
      out.push(px, base.sz[i]!, base.n[i]!, base.pxDecMin, base.szDecMin);
      used = true;
    }
  }
  if (used) keepDecimals(out, base);
}

/** Copy `src` into `out` (the side with no overlay). */
export function copySide(src: SideLevels, out: SideLevels): void {
  out.copyFrom(src);
}

// Widen out's recorded decimals to cover `src`'s (the decimals book-out prints with).
function keepDecimals(out: SideLevels, src: SideLevels): void {
  if (src.count === 0) return;
  if (src.pxDecMin < out.pxDecMin) out.pxDecMin = src.pxDecMin;
  if (src.pxDecMax > out.pxDecMax) out.pxDecMax = src.pxDecMax;
  if (src.szDecMin < out.szDecMin) out.szDecMin = src.szDecMin;
  if (src.szDecMax > out.szDecMax) out.szDecMax = src.szDecMax;
}
