/**
 * The normalized market-data stream shared by every venue: the 64-byte record and its JSON
 * form, instruments and their precision, the read-only book view, in-process subscriptions, the
 * record ring to a consumer Worker, the replica a consumer rebuilds its book with, and the
 * `--updates-out` writer.
 * @module
 */
export { type BookView, L2BookView } from "./book_view.ts";
export { defaultInstruments, type Instrument, InstrumentTable, type MarketName } from "./instrument.ts";
export { formatMessageJson, formatScaled, type JsonMessage, recvNsString } from "./json.ts";
export {
  Flag,
  type MessageHeader,
  newHeader,
  Off,
  readHeader,
  RECORD_BYTES,
  RECORD_KIND_NAMES,
  RecordBatch,
  RecordKind,
} from "./record.ts";
export { BookReplica, ReplicaResult } from "./replica.ts";
export { createRecordRing, RecordRingReader, RecordRingWriter, RingMessage } from "./ring.ts";
export {
  MarketStream,
  type RecordSink,
  recvSecOf,
  recvSubNsOf,
  type Subscriber,
  type SubscriberErrorHandler,
} from "./stream.ts";
export { startUpdatesWriter, type UpdatesWriter } from "./updates_writer.ts";
