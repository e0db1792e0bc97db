/**
 * Private: which Binance market a capture is of, hence which sync rules replay follows, and its
 * symbol —
 * metadata.json `market` when the capture wrote it ("spot" or "usdm"), else USD-M when the first
 * depth frame carries `pu` (the futures key), else spot. Runs once per replay, before it starts.
 * @module
 */
import type { SyncRules } from "../venues/binance/sync.ts";
import type { CaptureFiles } from "./reader.ts";
import { firstDepthFrame } from "./_diagnose.ts";

/**
 * The sync rules of `files`' market (see the module doc) and its symbol: metadata.json `symbol`,
 * else the first depth frame's `s`, else "UNKNOWN".
 */
export async function captureMarket(files: CaptureFiles): Promise<{ rules: SyncRules; symbol: string }> {
  const m = files.metadata?.market;
  const meta = files.metadata?.symbol;
  const first = (m === "usdm" || m === "spot") && typeof meta === "string"
    ? undefined
    : await firstDepthFrame(files.diffs);
  const rules = m === "usdm" || m === "spot" ? m : first?.futures ? "usdm" : "spot";
  return { rules, symbol: typeof meta === "string" ? meta : first?.symbol ?? "UNKNOWN" };
}
