//! Link extraction and URL analysis (to be written).
