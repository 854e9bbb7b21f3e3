//! Live inventory fan-out: one upstream WatchInventory shared by every
//! client of the gateway.
//!
//! - [`hub`] keeps the upstream stream, the current picture and a window
//!   of recent changes, and broadcasts each change once;
//! - each client's stream (module `watch`) starts with a snapshot (or, when it
//!   resumes, the changes after its seq) and then follows the broadcast.
//!   The broadcast never waits for anyone: a client that falls more than
//!   the buffer behind gets a fresh snapshot and carries on, and everyone
//!   else is unaffected.
//! - A resume from further back than the window (or from a seq the hub
//!   has not reached yet) is served by a watch of its own upstream, which
//!   holds every change.

pub mod hub;
mod watch;

pub use hub::Hub;
pub use watch::Inventory;
