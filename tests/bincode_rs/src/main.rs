//! Deserializes a replay's `--out-format bincode` file with the bincode 1.x crate (default options)
//! into the `InferredEvent` struct of `docs/inferred_event.md` and prints each event as the replay's
//! JSONL line. A file whose length is not a whole number of events is an error (exit 1).
use serde::{Deserialize, Serialize};
use std::io::{BufWriter, Read, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Bid,
    Ask,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Add,
    Cancel,
    Fill,
    Clear,
    Snapshot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InferredEvent {
    pub seq: u64,
    pub update_id: u64,
    pub event_time_ms: u64,
    pub recv_time_ns: u64,
    pub side: Side,
    pub kind: EventKind,
    pub order_id: u64,
    pub price_ticks: u64,
    pub qty_lots: u64,
    pub level_qty_after: u64,
    pub price_decimals: u32,
    pub qty_decimals: u32,
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: bincode_rs <events.bin>");
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let size = bincode::serialized_size(&InferredEvent {
        seq: 0, update_id: 0, event_time_ms: 0, recv_time_ns: 0, side: Side::Bid,
        kind: EventKind::Add, order_id: 0, price_ticks: 0, qty_lots: 0, level_qty_after: 0,
        price_decimals: 0, qty_decimals: 0,
    })
    .unwrap() as usize;
    if bytes.len() % size != 0 {
        fail(&format!("{path}: {} bytes is not a whole number of {size}-byte events", bytes.len()));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for chunk in bytes.chunks(size) {
        let e: InferredEvent = bincode::deserialize(chunk).unwrap_or_else(|e| fail(&e.to_string()));
        // Round trip: the crate's own encoding of the event is the replay's bytes.
        if bincode::serialize(&e).unwrap() != chunk {
            fail(&format!("event {} does not re-encode to its bytes", e.seq));
        }
        let side = match e.side { Side::Bid => "bid", Side::Ask => "ask" };
        let kind = match e.kind {
            EventKind::Add => "add",
            EventKind::Cancel => "cancel",
            EventKind::Fill => "fill",
            EventKind::Clear => "clear",
            EventKind::Snapshot => "snapshot",
        };
        writeln!(
            out,
            "{{\"seq\":{},\"update_id\":{},\"event_time_ms\":{},\"recv_time_ns\":{},\"side\":\"{side}\",\"kind\":\"{kind}\",\"order_id\":{},\"price_ticks\":{},\"qty_lots\":{},\"level_qty_after\":{},\"price_decimals\":{},\"qty_decimals\":{}}}",
            e.seq, e.update_id, e.event_time_ms, e.recv_time_ns, e.order_id, e.price_ticks,
            e.qty_lots, e.level_qty_after, e.price_decimals, e.qty_decimals
        )
        .unwrap_or_else(|e| fail(&e.to_string()));
    }
    out.flush().unwrap_or_else(|e| fail(&e.to_string()));
}

fn fail(msg: &str) -> ! {
    eprintln!("bincode_rs: {msg}");
    std::process::exit(1);
}
