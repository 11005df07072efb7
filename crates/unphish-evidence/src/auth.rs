//! Auth (to be written).
