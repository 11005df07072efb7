#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the project's own messages (examples/ and every tests/
fixture folder), so the fuzzers start from real structure instead of from nothing.

  message, analyze   every .eml as is
  received           the Received values of each message, one per line
  auth_results       each Authentication-Results, ARC-Authentication-Results, Received-SPF and
                     DKIM-Signature value, one file each
  links_text         each text/plain body
  links_html         each text/html body

The corpus folders are not committed (fuzz/.gitignore); run this before the first fuzz run.
"""

import email
import email.policy
import hashlib
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"


def messages():
    dirs = [ROOT / "examples", ROOT / "tests"] + [c / "tests" for c in (ROOT / "crates").iterdir()]
    for d in dirs:
        if d.is_dir():
            yield from sorted(d.rglob("*.eml"))


def put(target, data):
    if not data:
        return
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    n = 0
    for path in messages():
        raw = path.read_bytes()
        n += 1
        put("message", raw)
        put("analyze", raw)
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        received = [" ".join(str(v).split()) for v in msg.get_all("Received", [])]
        put("received", "\n".join(received).encode("utf-8", "surrogateescape"))
        for name in ("Authentication-Results", "ARC-Authentication-Results", "Received-SPF", "DKIM-Signature"):
            for v in msg.get_all(name, []):
                put("auth_results", " ".join(str(v).split()).encode("utf-8", "surrogateescape"))
        for part in msg.walk():
            ctype = part.get_content_type()
            if ctype not in ("text/plain", "text/html"):
                continue
            body = part.get_payload(decode=True) or b""
            put("links_text" if ctype == "text/plain" else "links_html", body)
    print(f"seeded from {n} messages:")
    for d in sorted(OUT.iterdir()):
        print(f"  {d.name}: {len(list(d.iterdir()))} files")


if __name__ == "__main__":
    main()
