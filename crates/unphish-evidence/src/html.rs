//! HTML scanning: links, visible text, hidden text, forms (to be written).
