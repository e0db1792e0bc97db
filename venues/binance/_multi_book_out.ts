/**
 * Private: `--book-out` of `BinanceMultiHandler` — one symbol → the object of `BinanceHandler`;
 * several → `{"books":[…]}` in symbol order. Stale books carry `"stale":true` (and a warning).
 * Written to `<path>.tmp`, then renamed. Allocates (once, at the end of a run).
 * @module
 */
import type { Logger } from "../../engine/logger.ts";
import type { SymbolBook } from "./symbol_book.ts";

/** Write `books` to `path`; stale ones are warned about through `logger` (sources `srcs`). */
export async function writeBooksOut(
  path: string,
  books: readonly SymbolBook[],
  logger: Logger | undefined,
  srcs: readonly number[],
): Promise<void> {
  const objs = books.map((b, i) => {
    if (b.stale && logger) logger.warning(srcs[i]!, 'book-out: stale book: "stale":true');
    return b.bookJson();
  });
  const body = objs.length === 1 ? objs[0] : { books: objs };
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(body) + "\n");
  await Deno.rename(`${path}.tmp`, path);
}
