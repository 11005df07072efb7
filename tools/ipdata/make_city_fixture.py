#!/usr/bin/env python3
"""Write crates/unphish-intel/tests/fixtures/city-test.mmdb, the tiny city database the
CityDb tests read. Needs the PyPI package mmdb-writer (0.2.7 was used):

    python3 -m venv /tmp/v && /tmp/v/bin/pip install mmdb-writer==0.2.7
    /tmp/v/bin/python tools/ipdata/make_city_fixture.py crates/unphish-intel/tests/fixtures/city-test.mmdb

The records are made up for the tests (plausible coordinates, not real geolocation), and
deliberately use the awkward encodings third-party databases use: 16-bit geoname ids,
32-bit floats, a city with only a Japanese name, a latitude without a longitude.
"""

import sys

from mmdb_writer import MMDBWriter, MmdbF32
from netaddr import IPSet


def main():
    out = sys.argv[1]
    w = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type="unphish-City-Test",
        languages=["en", "ja"],
        description="unphish CityDb test fixture",
    )
    w.insert_network(
        IPSet(["185.202.223.0/24"]),
        {
            "city": {"geoname_id": 2867714, "names": {"en": "Munich", "ja": "ミュンヘン"}},
            "subdivisions": [{"iso_code": "BY", "names": {"en": "Bavaria"}}],
            "country": {"iso_code": "DE", "geoname_id": 2921044},
            "location": {"latitude": 48.1374, "longitude": 11.5755, "accuracy_radius": 50},
        },
    )
    w.insert_network(
        IPSet(["13.113.112.0/24"]),
        {
            # Only a Japanese city name, and single-precision coordinates.
            "city": {"geoname_id": 1850, "names": {"ja": "東京"}},
            "location": {"latitude": MmdbF32(35.6895), "longitude": MmdbF32(139.6917)},
        },
    )
    w.insert_network(
        IPSet(["2a01:4f8::/32"]),
        {
            "city": {"names": {"en": "Falkenstein"}},
            "subdivisions": [{"names": {"en": "Saxony"}}],
            "location": {"latitude": 50.4779, "longitude": 12.3713},
        },
    )
    w.insert_network(
        IPSet(["8.8.4.0/24"]),
        {
            # Half a coordinate must not produce a pin.
            "city": {"names": {"en": "Halfpoint"}},
            "location": {"latitude": 37.4},
        },
    )
    w.insert_network(
        IPSet(["198.51.100.0/24"]),
        {
            # Documentation range: CityDb::fill must not even look.
            "city": {"names": {"en": "Nowhere"}},
            "location": {"latitude": 1.0, "longitude": 1.0},
        },
    )
    w.to_db_file(out)


if __name__ == "__main__":
    main()
