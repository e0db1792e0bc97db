/**
 * Private: gzip a closed capture file in place (`x` → `x.gz`) with the web `CompressionStream`.
 * Streams in chunks on the event loop (never inside a poll); writes `x.gz.tmp`, renames it to
 * `x.gz`, then removes `x`, so at any moment a complete copy exists under one of the two names
 * (replay prefers `x` when both exist). Throws on failure, after removing the temp file.
 * @module
 */

/** Compress `path` to `path.gz` and remove `path`. */
export async function gzipInPlace(path: string): Promise<void> {
  const tmp = `${path}.gz.tmp`;
  try {
    const src = await Deno.open(path, { read: true });
    const dst = await Deno.open(tmp, { write: true, create: true, truncate: true });
    await src.readable.pipeThrough(new CompressionStream("gzip")).pipeTo(dst.writable);
    await Deno.rename(tmp, `${path}.gz`);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await Deno.remove(path);
}
