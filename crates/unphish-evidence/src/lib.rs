//! Evidence extraction: turns a parsed message into typed, quotable [`Evidence`].
//!
//! Nothing here scores or judges; see `unphish-signals` for that.

pub mod model;
pub mod hops;
pub mod links;
pub mod html;
pub mod domain;
pub mod identity;
pub mod auth;
pub mod extract;

pub use model::*;
