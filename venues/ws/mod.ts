/**
 * A minimal RFC 6455 WebSocket client over `Deno.connect` / `Deno.connectTls` for market data:
 * every frame of one socket read delivered as bytes with one batch callback, and reading that
 * pauses while the consumer is behind (TCP backpressure).
 * @module
 */
export { RawWebSocket, type RawWsEvents, type RawWsOptions } from "./raw_socket.ts";
export { acceptFor, judgeAnswer, newKey, type UpgradeAnswer, upgradeRequest } from "./handshake.ts";
