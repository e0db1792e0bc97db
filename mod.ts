/**
 * hft-ts: a low-latency crypto market-data pipeline on Deno. The public API, as named
 * re-exports of each folder's `mod.ts`.
 * @module
 */
export * from "./engine/mod.ts";
export * from "./spsc/mod.ts";
export { BookSide, L2Book } from "./venues/book.ts";
export { type BookFormat, bookToJson, writeBookJson } from "./venues/book_json.ts";
export { decimalsOf, formatFixed, parseFixed, parseFixedBytes, parseFixedRange } from "./venues/decimal.ts";
