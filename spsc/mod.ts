/**
 * Lock-free single-producer/single-consumer ring of fixed-size byte records on a
 * `SharedArrayBuffer`, for carrying binary records between a thread and a Worker.
 * @module
 */
export { createRingBuffer, ringGeometry, type RingOptions } from "./layout.ts";
export { RingProducer } from "./producer.ts";
export { RingConsumer, type WaitResult } from "./consumer.ts";
