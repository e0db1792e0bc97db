/**
 * Harnesses for tests built on hft-ts: drive a handler without the engine, check a normalized
 * stream against its book after every message, wait on conditions with a deadline.
 * @module
 */
export { applyJson, type Checked, checkEveryMessage, sameBook } from "./stream_check.ts";
export { fixturePresent, testContext, testLogger, waitUntil } from "../engine/testing.ts";
export { Drive } from "../venues/hyperliquid/_drive.ts";
