//! Evidence extraction: turns a parsed message into typed, quotable [`Evidence`].
//!
//! Nothing here scores or judges; see `unphish-signals` for that.

pub mod auth;
pub mod domain;
pub mod extract;
pub mod forward;
pub mod hops;
pub mod html;
pub mod identity;
pub mod links;
pub mod model;

pub use model::*;
