/**
 * Private: which Binance market a capture is of, hence which sync rules replay follows —
 * metadata.json `market` when the capture wrote it ("spot" or "usdm"), else USD-M when the first
 * depth frame carries `pu` (the futures key), else spot. Runs once per replay, before it starts.
 * @module
 */
import type { SyncRules } from "../venues/binance/sync.ts";
import type { CaptureFiles } from "./reader.ts";
import { firstDepthFrame } from "./_diagnose.ts";

/** The sync rules of `files`' market (see the module doc). */
export async function captureMarket(files: CaptureFiles): Promise<SyncRules> {
  const m = files.metadata?.market;
  if (m === "usdm" || m === "spot") return m;
  return (await firstDepthFrame(files.diffs))?.futures ? "usdm" : "spot";
}
