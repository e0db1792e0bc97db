/**
 * Test helpers shared by the replay unit tests: an event from a literal, and a sink that keeps a
 * copy of every event it is given.
 * @module
 */
import { type EventSink, InferredEvent } from "./schema.ts";

/** A new {@linkcode InferredEvent} with `fields` set (the rest at their defaults). */
export function eventOf(fields: Partial<InferredEvent>): InferredEvent {
  return Object.assign(new InferredEvent(), fields);
}

/** An {@linkcode EventSink} that records a copy of every event (the producer reuses its object). */
export class CollectSink implements EventSink {
  /** The events received, in order. */
  events: InferredEvent[] = [];
  /** Record a copy of `ev`. */
  write(ev: InferredEvent): void {
    this.events.push(eventOf(ev));
  }
}
