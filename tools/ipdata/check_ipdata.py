#!/usr/bin/env python3
"""Cross-check the derived tables against the source tarballs.

For a deterministic sample of source rows it looks up the first, last and middle address of
the row in the binary tables (with the same algorithm as ip.rs) and compares the answer with
a brute-force "smallest covering source range" over all rows. Prints the mismatch count and
exits non-zero when there is any.
"""

import argparse
import bisect
import struct
import sys

import gen_ipdata as g

MISSING = object()


class Table:
    def __init__(self, path):
        b = open(path, "rb").read()
        magic, self.kw, self.vw, flags, _, n, auxlen = struct.unpack("<4sBBBBII", b[:16])
        assert magic == b"UPR2"
        o = 16
        buckets = None
        if self.kw == 2:
            buckets = struct.unpack("<65537I", b[o : o + 4 * 65537])
            o += 4 * 65537
        self.keys = [int.from_bytes(b[o + i * self.kw : o + (i + 1) * self.kw], "little") for i in range(n)]
        o += n * self.kw
        if buckets is not None:
            # Rebuild full keys from the bucket index, so the rest of the check is generic.
            for h in range(65536):
                for i in range(buckets[h], buckets[h + 1]):
                    self.keys[i] |= h << 16
        self.ends = None
        if flags & 1:
            self.ends = [int.from_bytes(b[o + i * self.kw : o + (i + 1) * self.kw], "little") for i in range(n)]
            o += n * self.kw
        self.vals = [int.from_bytes(b[o + i * self.vw : o + (i + 1) * self.vw], "little") for i in range(n)]
        o += n * self.vw
        self.aux = b[o : o + auxlen]

    def get(self, key):
        """None: no entry covers key; MISSING: an entry says there is no data."""
        i = bisect.bisect_right(self.keys, key) - 1
        if i < 0:
            return None
        if self.ends is not None and key > self.ends[i]:
            return None
        v = self.vals[i]
        return MISSING if v == g.NONE[self.vw] else v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--asn", required=True)
    ap.add_argument("--country", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--every", type=int, default=500)
    a = ap.parse_args()
    _, asn = g.read_pkg(a.asn, ["asn-ipv4-num.csv", "asn-ipv6-num.csv"])
    _, cc = g.read_pkg(a.country, ["geo-whois-asn-country-ipv4-num.csv", "geo-whois-asn-country-ipv6-num.csv"])
    names = open(f"{a.dir}/asnames.bin", "rb").read()
    (n,) = struct.unpack("<I", names[4:8])
    asns = struct.unpack(f"<{n}I", names[8 : 8 + 4 * n])
    bad = 0
    checked = 0
    for kind, rows4, rows6 in (
        ("asn", asn["asn-ipv4-num.csv"], asn["asn-ipv6-num.csv"]),
        ("cc", cc["geo-whois-asn-country-ipv4-num.csv"], cc["geo-whois-asn-country-ipv6-num.csv"]),
    ):
        for fam, rows in (("4", rows4), ("6", rows6)):
            dense = Table(f"{a.dir}/{kind}{fam}.bin")
            fine = Table(f"{a.dir}/{kind}6x.bin") if fam == "6" else None
            parsed = sorted((int(r[0]), int(r[1]), r[2]) for r in rows)
            starts = [p[0] for p in parsed]

            def truth(ip):
                # Smallest covering range; nesting in the source is shallow, so scanning back
                # a bounded number of rows finds every cover that matters.
                best = None
                i = bisect.bisect_right(starts, ip) - 1
                for j in range(i, max(-1, i - 200), -1):
                    s, e, v = parsed[j]
                    if s <= ip <= e and (best is None or e - s < best[0]):
                        best = (e - s, v)
                return None if best is None else best[1]

            def lookup(ip):
                if fine is not None:
                    v = fine.get(ip)
                    if v is None:
                        v = dense.get(ip >> 64)
                else:
                    v = dense.get(ip)
                if v is None or v is MISSING:
                    return None
                if kind == "asn":
                    return str(asns[v])
                return dense.aux[2 * v : 2 * v + 2].decode()

            for r in parsed[:: a.every]:
                # Also one past the end: often a gap, which must read as "no data".
                for ip in (r[0], r[1], (r[0] + r[1]) // 2, r[1] + 1):
                    checked += 1
                    t, got = truth(ip), lookup(ip)
                    if t != got:
                        bad += 1
                        if bad < 10:
                            print(f"{kind}{fam} {ip}: source {t} table {got}")
    print(f"checked {checked} addresses, {bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
