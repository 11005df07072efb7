//! Received-chain parsing and origin determination (to be written).
