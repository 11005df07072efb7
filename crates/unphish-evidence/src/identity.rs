//! Identity (to be written).
