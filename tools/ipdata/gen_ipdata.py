#!/usr/bin/env python3
"""Derive unphish's compact IP range tables from the ip-location-db npm tarballs.

Python 3 standard library only, so the tables can be rebuilt anywhere without a venv.
Reads the .tgz files as they come from `npm pack` (never unpacked to disk) and writes
little-endian binary tables that `crates/unphish-intel/src/ip.rs` embeds with include_bytes!.

Range table layout (asn4.bin, asn6.bin, asn6x.bin, cc4.bin, cc6.bin, cc6x.bin):

    magic   4 bytes  b"UPR2"
    kwidth  u8       key width in bytes: 2 (IPv4, bucketed, see below), 8 (top half of
                     IPv6) or 16 (full IPv6)
    vwidth  u8       value width in bytes: 3 (AS table index) or 1 (country table index)
    flags   u8       bit 0: sparse (an ends array follows the keys)
    pad     u8       zero
    count   u32
    auxlen  u32      bytes of the aux section
    buckets 65537 * u32      kwidth 2 only: entries with key >> 16 == h are
                             buckets[h]..buckets[h+1]
    keys    count * kwidth   sorted ascending, strictly (kwidth 2: the low 16 bits)
    ends    count * kwidth   sparse tables only: inclusive end of each range
    values  count * vwidth
    aux     auxlen bytes     country tables: the ASCII alpha-2 codes the values index, 2 bytes each

A dense table is gap-filled: entry i covers [keys[i], keys[i+1]) and the last entry runs to the
top of the key space; a gap in the source is an entry whose value is all-ones (no data). One
binary search answers a lookup with no end check. Adjacent equal values are merged.

IPv4 keys are stored as their low 16 bits behind a bucket index on the high 16 bits: 2 bytes
a key instead of 4, less 256 KiB of index, and each search starts in a bucket of a few entries.

IPv6 dense tables are keyed by the /64 prefix (8 bytes instead of 16 halves their size). The few
source ranges that start or end inside a /64 go to a sparse "x" table of full 128-bit ranges that
the loader consults first (a hit there is final, even a no-data one); the dense table carries the value found at the start of such a /64.

Where the source ranges overlap (geofeed entries nested inside whois blocks, in the country data)
the most specific (smallest) range wins, as a longest-prefix match would.

AS table layout (asnames.bin):

    magic   4 bytes  b"UPA1"
    count   u32
    asns    count * u32, ascending
    offs    (count + 1) * u32   byte offsets into blob; name i is blob[offs[i]..offs[i+1]]
    blob    UTF-8 organisation names

Range values index this table, so the lookup never searches it.
"""

import argparse
import bisect
import csv
import io
import heapq
import json
import struct
import sys
import tarfile

NONE = {1: 0xFF, 3: 0xFFFFFF}
LOW64 = (1 << 64) - 1


def members(tgz):
    """Yield (name, bytes) for each file of an npm tarball."""
    with tarfile.open(tgz, "r:gz") as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            f = tar.extractfile(m)
            if f is None:
                continue
            yield m.name, f.read()


def read_pkg(tgz, wanted):
    """Return (package.json dict, {wanted name: csv rows})."""
    meta = None
    out = {}
    for name, data in members(tgz):
        base = name.split("/", 1)[-1]
        if base == "package.json":
            meta = json.loads(data.decode("utf-8"))
        elif base in wanted:
            out[base] = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    missing = [w for w in wanted if w not in out]
    if meta is None or missing:
        sys.exit(f"{tgz}: missing package.json or {missing}")
    return meta, out


def segments(rows, top, none):
    """Resolve inclusive, possibly overlapping (start, end, value) ranges into a gap-filled,
    merged list of (start, value) where the smallest covering range wins."""
    ivs = []
    for i, (s, e, v) in enumerate(rows):
        if e < s or e > top or s < 0:
            sys.exit(f"bad range {s}-{e}")
        ivs.append((s, e, v, i))
    points = sorted({0} | {s for s, _, _, _ in ivs} | {e + 1 for _, e, _, _ in ivs if e < top})
    by_start = sorted(ivs)
    heap = []
    j = 0
    keys, vals = [], []
    for p in points:
        while j < len(by_start) and by_start[j][0] == p:
            s, e, v, i = by_start[j]
            # Ties on size go to the row listed first in the source.
            heapq.heappush(heap, (e - s, i, e, v))
            j += 1
        while heap and heap[0][2] < p:
            heapq.heappop(heap)
        v = heap[0][3] if heap else none
        if not vals or vals[-1] != v:
            keys.append(p)
            vals.append(v)
    return keys, vals


def split_v6(keys, vals, none):
    """Split 128-bit segments into a /64-keyed dense table and a sparse table holding the
    pieces of every /64 that the source cuts below /64."""
    odd = {k >> 64 for k in keys if k & LOW64}
    dense_k, dense_v = [], []
    fine = []  # (start, end, value)

    def dense(net, v):
        if dense_k and dense_k[-1] == net:
            dense_v[-1] = v
        elif not dense_v or dense_v[-1] != v:
            dense_k.append(net)
            dense_v.append(v)

    for i, (k, v) in enumerate(zip(keys, vals)):
        end = keys[i + 1] - 1 if i + 1 < len(keys) else (1 << 128) - 1
        first, last = k >> 64, end >> 64
        # The piece inside an odd /64 at either edge goes to the sparse table, gaps included
        # (so a gap there is not mistaken for the dense value); the middle /64s are covered
        # whole and the dense table describes them exactly.
        for n in sorted({first, last}):
            if n in odd:
                fine.append((max(k, n << 64), min(end, (n << 64) | LOW64), v))
        if not k & LOW64:
            dense(first, v)
        elif last > first:
            # Starts inside an odd /64 and runs on: the next /64 begins with this value.
            dense(first + 1, v)
    return dense_k, dense_v, fine


def write_table(path, kwidth, vwidth, keys, vals, ends=None, aux=b""):
    extra = 0
    with open(path, "wb") as f:
        flags = 1 if ends is not None else 0
        f.write(b"UPR2" + struct.pack("<BBBBII", kwidth, vwidth, flags, 0, len(keys), len(aux)))
        if kwidth == 2:
            if ends is not None or any(k >> 32 for k in keys):
                sys.exit("bucketed tables are for dense IPv4 only")
            buckets = [bisect.bisect_left(keys, h << 16) for h in range(1 << 16)] + [len(keys)]
            f.write(struct.pack(f"<{len(buckets)}I", *buckets))
            extra = 4 * len(buckets)
            keys = [k & 0xFFFF for k in keys]
        for k in keys:
            f.write(k.to_bytes(kwidth, "little"))
        if ends is not None:
            for e in ends:
                f.write(e.to_bytes(kwidth, "little"))
        for v in vals:
            f.write(v.to_bytes(vwidth, "little"))
        f.write(aux)
    return 16 + extra + len(keys) * (kwidth * (2 if ends is not None else 1) + vwidth) + len(aux)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--asn", required=True, help="ip-location-db-asn-VERSION.tgz")
    ap.add_argument(
        "--country", required=True, help="ip-location-db-geo-whois-asn-country-VERSION.tgz"
    )
    ap.add_argument("--out", required=True, help="output directory (crates/unphish-intel/data/ip)")
    a = ap.parse_args()

    asn_meta, asn = read_pkg(a.asn, ["asn-ipv4-num.csv", "asn-ipv6-num.csv"])
    cc_meta, cc = read_pkg(
        a.country, ["geo-whois-asn-country-ipv4-num.csv", "geo-whois-asn-country-ipv6-num.csv"]
    )

    # One AS table for both families, sorted by ASN so the output is byte-for-byte stable.
    names = {}
    for rows in asn.values():
        for r in rows:
            n = int(r[2])
            name = r[3].strip() if len(r) > 3 else ""
            # The source has one name per ASN today; keep the first non-empty one if not.
            if n not in names or (not names[n] and name):
                names[n] = name
    asns = sorted(names)
    index = {n: i for i, n in enumerate(asns)}
    if len(asns) >= NONE[3]:
        sys.exit("AS table outgrew 24-bit indexes")
    blob = bytearray()
    offs = [0]
    for n in asns:
        blob += names[n].encode("utf-8")
        offs.append(len(blob))
    with open(f"{a.out}/asnames.bin", "wb") as f:
        f.write(b"UPA1" + struct.pack("<I", len(asns)))
        f.write(struct.pack(f"<{len(asns)}I", *asns))
        f.write(struct.pack(f"<{len(offs)}I", *offs))
        f.write(blob)
    total = 8 + 4 * len(asns) + 4 * len(offs) + len(blob)
    report = [f"asnames: {len(asns)} ASNs, {len(blob)} bytes of names"]

    codes = sorted({r[2].strip().upper() for rows in cc.values() for r in rows})
    for c in codes:
        if len(c) != 2 or not c.isascii() or not c.isalpha():
            sys.exit(f"bad country code {c!r}")
    if len(codes) >= NONE[1]:
        sys.exit("too many country codes for 8-bit indexes")
    cidx = {c: i for i, c in enumerate(codes)}
    aux = "".join(codes).encode("ascii")

    def rows_of(src, value):
        return [(int(r[0]), int(r[1]), value(r)) for r in src]

    tables = [
        ("asn", asn["asn-ipv4-num.csv"], asn["asn-ipv6-num.csv"], lambda r: index[int(r[2])], 3, b""),
        (
            "cc",
            cc["geo-whois-asn-country-ipv4-num.csv"],
            cc["geo-whois-asn-country-ipv6-num.csv"],
            lambda r: cidx[r[2].strip().upper()],
            1,
            aux,
        ),
    ]
    for name, v4, v6, value, vw, ax in tables:
        none = NONE[vw]
        k, v = segments(rows_of(v4, value), (1 << 32) - 1, none)
        total += write_table(f"{a.out}/{name}4.bin", 2, vw, k, v, aux=ax)
        report.append(f"{name}4: {len(k)} entries")
        k, v = segments(rows_of(v6, value), (1 << 128) - 1, none)
        dk, dv, fine = split_v6(k, v, none)
        total += write_table(f"{a.out}/{name}6.bin", 8, vw, dk, dv, aux=ax)
        total += write_table(
            f"{a.out}/{name}6x.bin",
            16,
            vw,
            [f[0] for f in fine],
            [f[2] for f in fine],
            ends=[f[1] for f in fine],
            aux=ax,
        )
        report.append(f"{name}6: {len(dk)} /64 entries, {len(fine)} sub-/64 ranges")

    version = f"{asn_meta['name']} {asn_meta['version']} / {cc_meta['name']} {cc_meta['version']}"
    with open(f"{a.out}/VERSION", "w", encoding="utf-8") as f:
        f.write(version + "\n")
    print(version)
    print("\n".join(report))
    print(f"total: {total} bytes")


if __name__ == "__main__":
    main()
