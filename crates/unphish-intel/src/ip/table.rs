//! Readers for the embedded range tables written by `tools/ipdata/gen_ipdata.py`.
//!
//! The byte layout is documented at the top of that script. Everything here works on borrowed
//! byte slices: opening a table validates the header and slices the sections, and each lookup
//! decodes only the handful of keys its binary search touches. Integers are read with
//! `from_le_bytes` on copied chunks, so nothing assumes the embedded bytes are aligned.

/// What a range table says about one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hit {
    /// No entry covers the key (only sparse tables leave holes).
    Miss,
    /// An entry covers the key and says the source had no data there.
    NoData,
    Value(u32),
}

/// One range table: sorted keys, optional inclusive ends, values, and an aux section.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RangeTable {
    kwidth: usize,
    vwidth: usize,
    count: usize,
    /// IPv4 tables (`kwidth` 2): entry range of each high-16-bit bucket, 65537 u32s.
    buckets: Option<&'static [u8]>,
    keys: &'static [u8],
    ends: Option<&'static [u8]>,
    values: &'static [u8],
    pub(crate) aux: &'static [u8],
}

const RANGE_MAGIC: &[u8; 4] = b"UPR2";
const HEADER: usize = 16;
/// 65536 buckets on the high 16 bits of an IPv4 key, plus the end of the last one.
const BUCKETS: usize = (1 << 16) + 1;

/// Entry range of bucket `h`; empty when the index is short (never for a validated table).
fn bucket_bounds(buckets: &[u8], h: usize) -> (usize, usize) {
    let at = |i: usize| u32_at(buckets, i * 4).map_or(0, |v| v as usize);
    (at(h), at(h + 1))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let chunk: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(chunk))
}

impl RangeTable {
    /// An empty table: every lookup misses. Used when a table fails validation, so a damaged
    /// build degrades to "unknown" instead of panicking.
    pub(crate) const EMPTY: RangeTable = RangeTable {
        kwidth: 4,
        vwidth: 4,
        count: 0,
        buckets: None,
        keys: &[],
        ends: None,
        values: &[],
        aux: &[],
    };

    /// Validate the header and slice the sections. `kwidth`/`vwidth` are what the caller
    /// expects; a mismatch means the data and the code are out of step.
    pub(crate) fn open(
        bytes: &'static [u8],
        kwidth: usize,
        vwidth: usize,
    ) -> Result<RangeTable, String> {
        if bytes.get(..4) != Some(RANGE_MAGIC.as_slice()) {
            return Err("bad magic".into());
        }
        let head = bytes.get(..HEADER).ok_or("short header")?;
        let (kw, vw, flags) = match head {
            [_, _, _, _, kw, vw, flags, ..] => (usize::from(*kw), usize::from(*vw), *flags),
            _ => return Err("short header".into()),
        };
        if kw != kwidth || vw != vwidth {
            return Err(format!("widths {kw}/{vw}, expected {kwidth}/{vwidth}"));
        }
        let count = u32_at(bytes, 8).ok_or("short header")? as usize;
        let auxlen = u32_at(bytes, 12).ok_or("short header")? as usize;
        let sparse = flags & 1 == 1;
        let klen = count.checked_mul(kw).ok_or("overflow")?;
        let vlen = count.checked_mul(vw).ok_or("overflow")?;
        let mut at = HEADER;
        let mut take = |len: usize| -> Result<&'static [u8], String> {
            let end = at.checked_add(len).ok_or("overflow")?;
            let s = bytes.get(at..end).ok_or("truncated")?;
            at = end;
            Ok(s)
        };
        let buckets = if kw == 2 {
            Some(take(BUCKETS * 4)?)
        } else {
            None
        };
        let keys = take(klen)?;
        let ends = if sparse { Some(take(klen)?) } else { None };
        let values = take(vlen)?;
        let aux = take(auxlen)?;
        let table = RangeTable {
            kwidth: kw,
            vwidth: vw,
            count,
            buckets,
            keys,
            ends,
            values,
            aux,
        };
        if sparse && buckets.is_some() {
            return Err("bucketed tables must be dense".into());
        }
        // The bucket index is cheap to check (65537 numbers) and a bad one would send every
        // search to the wrong place. Key order is the expensive check; see `verify_order`.
        if let Some(b) = buckets {
            let mut prev = 0;
            for h in 0..BUCKETS {
                let at = u32_at(b, h * 4).map_or(usize::MAX, |v| v as usize);
                if at < prev || at > count {
                    return Err(format!("bucket {h} out of order"));
                }
                prev = at;
            }
            if prev != count {
                return Err("buckets do not cover the table".into());
            }
        }
        Ok(table)
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Check that keys ascend strictly (within each bucket, for IPv4), which the binary
    /// search relies on. This touches every key, so it is a self-test rather than part of
    /// `open`: the embedded tables are fixed at build time and checked by the test suite,
    /// and start-up stays free of work proportional to the data.
    pub(crate) fn verify_order(&self) -> Result<(), String> {
        let mut prev = None;
        let mut check = |i: usize, k: u128| {
            if prev.is_some_and(|p| p >= k) {
                return Err(format!("keys not ascending at {i}"));
            }
            prev = Some(k);
            Ok(())
        };
        match self.buckets {
            Some(b) => {
                for h in 0..BUCKETS - 1 {
                    let (start, end) = bucket_bounds(b, h);
                    for j in start..end {
                        check(j, (h as u128) << 16 | self.key(j))?;
                    }
                }
            }
            None => {
                for i in 0..self.count {
                    check(i, self.key(i))?;
                }
            }
        }
        Ok(())
    }

    fn read(bytes: &[u8], width: usize, i: usize) -> u128 {
        let at = i.saturating_mul(width);
        let Some(chunk) = bytes.get(at..at.saturating_add(width)) else {
            return 0;
        };
        match width {
            1 => chunk.first().copied().map_or(0, u128::from),
            2 => chunk
                .try_into()
                .map_or(0, |c| u128::from(u16::from_le_bytes(c))),
            3 => match chunk {
                [a, b, c] => u128::from(u32::from_le_bytes([*a, *b, *c, 0])),
                _ => 0,
            },
            4 => chunk
                .try_into()
                .map_or(0, |c| u128::from(u32::from_le_bytes(c))),
            8 => chunk
                .try_into()
                .map_or(0, |c| u128::from(u64::from_le_bytes(c))),
            16 => chunk.try_into().map_or(0, u128::from_le_bytes),
            _ => 0,
        }
    }

    fn key(&self, i: usize) -> u128 {
        Self::read(self.keys, self.kwidth, i)
    }

    /// The entry covering `key`: the last one whose start is `<= key`.
    pub(crate) fn find(&self, key: u128) -> Hit {
        let (mut lo, mut hi, probe) = match self.buckets {
            Some(b) => {
                // A key beyond 32 bits cannot be in an IPv4 table: answer for the top address.
                let Ok(key) = u32::try_from(key) else {
                    return self.hit_at(self.count.checked_sub(1), key);
                };
                let (start, end) = bucket_bounds(b, (key >> 16) as usize);
                (start, end, u128::from(key & 0xFFFF))
            }
            None => (0, self.count, key),
        };
        // partition_point by hand over the virtual key array (it is bytes, not a slice of
        // integers, because the widths are 2, 8 or 16 bytes and the data is unaligned).
        // With buckets, falling off the front of a bucket lands on the previous bucket's
        // last entry, which is exactly the range that covers the key.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) <= probe {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        self.hit_at(lo.checked_sub(1), key)
    }

    fn hit_at(&self, i: Option<usize>, key: u128) -> Hit {
        let Some(i) = i else {
            return Hit::Miss;
        };
        if let Some(ends) = self.ends
            && key > Self::read(ends, self.kwidth, i)
        {
            return Hit::Miss;
        }
        let v = Self::read(self.values, self.vwidth, i);
        let none = (1u128 << (8 * self.vwidth)) - 1;
        if v == none {
            Hit::NoData
        } else {
            u32::try_from(v).map_or(Hit::NoData, Hit::Value)
        }
    }
}

/// The AS table: ASNs and organisation names, indexed by the values of the ASN range tables.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AsTable {
    count: usize,
    asns: &'static [u8],
    offsets: &'static [u8],
    blob: &'static [u8],
}

const AS_MAGIC: &[u8; 4] = b"UPA1";

impl AsTable {
    pub(crate) const EMPTY: AsTable = AsTable {
        count: 0,
        asns: &[],
        offsets: &[],
        blob: &[],
    };

    pub(crate) fn open(bytes: &'static [u8]) -> Result<AsTable, String> {
        if bytes.get(..4) != Some(AS_MAGIC.as_slice()) {
            return Err("bad magic".into());
        }
        let count = u32_at(bytes, 4).ok_or("short header")? as usize;
        let alen = count.checked_mul(4).ok_or("overflow")?;
        let olen = count
            .checked_add(1)
            .and_then(|n| n.checked_mul(4))
            .ok_or("overflow")?;
        let asns = bytes
            .get(8..8usize.checked_add(alen).ok_or("overflow")?)
            .ok_or("truncated")?;
        let ostart = 8 + alen;
        let offsets = bytes
            .get(ostart..ostart.checked_add(olen).ok_or("overflow")?)
            .ok_or("truncated")?;
        let blob = bytes.get(ostart + olen..).ok_or("truncated")?;
        let last = u32_at(offsets, count * 4).ok_or("truncated")? as usize;
        if last != blob.len() {
            return Err("name blob length disagrees with offsets".into());
        }
        Ok(AsTable {
            count,
            asns,
            offsets,
            blob,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// ASN and organisation name of entry `i`; the name is empty when the source had none.
    pub(crate) fn get(&self, i: u32) -> Option<(u32, &'static str)> {
        let i = usize::try_from(i).ok()?;
        if i >= self.count {
            return None;
        }
        let asn = u32_at(self.asns, i * 4)?;
        let start = u32_at(self.offsets, i * 4)? as usize;
        let end = u32_at(self.offsets, i * 4 + 4)? as usize;
        let name = self
            .blob
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        Some((asn, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(v: Vec<u8>) -> &'static [u8] {
        Box::leak(v.into_boxed_slice())
    }

    fn table(kw: u8, vw: u8, sparse: bool, keys: &[u128], ends: &[u128], vals: &[u32]) -> Vec<u8> {
        let mut b = b"UPR2".to_vec();
        b.extend([kw, vw, u8::from(sparse), 0]);
        b.extend((keys.len() as u32).to_le_bytes());
        b.extend(0u32.to_le_bytes());
        if kw == 2 {
            for h in 0..=(1u128 << 16) {
                let start = keys.partition_point(|&k| k < h << 16) as u32;
                b.extend(start.to_le_bytes());
            }
        }
        for k in keys {
            b.extend(&k.to_le_bytes()[..usize::from(kw)]);
        }
        for e in ends {
            b.extend(&e.to_le_bytes()[..usize::from(kw)]);
        }
        for v in vals {
            b.extend(&v.to_le_bytes()[..usize::from(vw)]);
        }
        b
    }

    #[test]
    fn dense_lookup_covers_boundaries_and_gaps() {
        let t = RangeTable::open(
            leak(table(
                4,
                3,
                false,
                &[0, 10, 20],
                &[],
                &[0xFF_FFFF, 7, 0xFF_FFFF],
            )),
            4,
            3,
        )
        .expect("valid");
        assert_eq!(t.find(0), Hit::NoData);
        assert_eq!(t.find(9), Hit::NoData);
        assert_eq!(t.find(10), Hit::Value(7));
        assert_eq!(t.find(19), Hit::Value(7));
        assert_eq!(t.find(20), Hit::NoData);
        assert_eq!(t.find(u128::from(u32::MAX)), Hit::NoData);
    }

    #[test]
    fn bucketed_lookup_crosses_bucket_edges() {
        // Ranges start at 0, 1.0.0.0, 1.0.0.5, 1.2.0.0 and 255.255.0.0; buckets 0x0101 and
        // 0x0100's tail are empty, so lookups there fall back to an earlier bucket's entry.
        let keys = [0, 0x0100_0000, 0x0100_0005, 0x0102_0000, 0xFFFF_0000];
        let t = RangeTable::open(
            leak(table(2, 3, false, &keys, &[], &[0xFF_FFFF, 1, 2, 3, 4])),
            2,
            3,
        )
        .expect("valid");
        assert_eq!(t.verify_order(), Ok(()));
        assert_eq!(t.find(0x00FF_FFFF), Hit::NoData);
        assert_eq!(t.find(0x0100_0000), Hit::Value(1));
        assert_eq!(t.find(0x0100_0004), Hit::Value(1));
        assert_eq!(t.find(0x0100_0005), Hit::Value(2));
        assert_eq!(t.find(0x0101_1234), Hit::Value(2));
        assert_eq!(t.find(0x0102_0000), Hit::Value(3));
        assert_eq!(t.find(0xFFFE_FFFF), Hit::Value(3));
        assert_eq!(t.find(0xFFFF_FFFF), Hit::Value(4));
        assert_eq!(t.find(1 << 40), Hit::Value(4));
    }

    #[test]
    fn sparse_lookup_misses_outside_ranges() {
        let t = RangeTable::open(
            leak(table(16, 1, true, &[100, 200], &[150, 200], &[3, 0xFF])),
            16,
            1,
        )
        .expect("valid");
        assert_eq!(t.find(99), Hit::Miss);
        assert_eq!(t.find(100), Hit::Value(3));
        assert_eq!(t.find(150), Hit::Value(3));
        assert_eq!(t.find(151), Hit::Miss);
        assert_eq!(t.find(200), Hit::NoData);
        assert_eq!(t.find(201), Hit::Miss);
    }

    #[test]
    fn damaged_tables_are_rejected() {
        let good = table(4, 3, false, &[0, 10], &[], &[1, 2]);
        assert!(RangeTable::open(leak(good.clone()), 4, 3).is_ok());
        assert!(RangeTable::open(leak(good.clone()), 8, 3).is_err());
        assert!(RangeTable::open(leak(good[..good.len() - 1].to_vec()), 4, 3).is_err());
        let unordered = RangeTable::open(leak(table(4, 3, false, &[10, 10], &[], &[1, 2])), 4, 3)
            .expect("structurally valid");
        assert!(unordered.verify_order().is_err());
        let unordered = RangeTable::open(
            leak(table(
                2,
                3,
                false,
                &[0, 0x0100_0009, 0x0100_0001],
                &[],
                &[1, 2, 3],
            )),
            2,
            3,
        )
        .expect("structurally valid");
        assert!(unordered.verify_order().is_err());
        assert!(RangeTable::open(leak(b"UPR".to_vec()), 4, 3).is_err());
        let mut huge = good;
        huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(RangeTable::open(leak(huge), 4, 3).is_err());
        assert!(AsTable::open(leak(b"UPA1\x05\0\0\0".to_vec())).is_err());
        // A bucket index that disagrees with the keys.
        let mut bad = table(2, 3, false, &[0, 0x0100_0000], &[], &[1, 2]);
        bad[16 + 4 * 0x0100..16 + 4 * 0x0101].copy_from_slice(&0u32.to_le_bytes());
        assert!(RangeTable::open(leak(bad), 2, 3).is_err());
    }
}
