//! Offline intelligence shipped with unphish: IP → ASN / AS organisation / country, network
//! classes (cloud, hosting, ISP, mail provider), brands and their real domains, lure phrases and
//! host lists (shorteners, free hosting, dynamic DNS, free mail).
//!
//! Everything is compiled into the binary; nothing here touches the network.

pub mod brands;
pub mod hosts;
pub mod ip;
pub mod lures;
pub mod text;
