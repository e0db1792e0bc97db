/**
 * Harnesses for tests built on hft-ts: drive a handler without the engine, a scripted
 * `WebSocket`, the real Hyperliquid fixture in place, check a normalized stream against its book
 * after every message, wait on conditions with a deadline.
 * @module
 */
export { applyJson, type Checked, checkEveryMessage, sameBook } from "./stream_check.ts";
export { fixturePresent, testContext, testLogger, waitUntil } from "../engine/testing.ts";
export { Drive } from "./drive.ts";
export { FakeWebSocket, installFakeWebSocket } from "./fake_ws.ts";
export {
  FIXTURE_DIR as HL_FIXTURE_DIR,
  fixtureExists as hlFixtureExists,
  fixtureLines as hlFixtureLines,
  fixtureRecvNs as hlFixtureRecvNs,
} from "./hl_fixture.ts";
