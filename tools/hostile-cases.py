#!/usr/bin/env python3
"""Writes the hostile inputs of issue 6 into a folder, one .eml per case.

The same shapes are generated in Rust by crates/unphish/tests/hostile.rs (which asserts the
defects); this copy exists so tools/hostile-bench.sh can time the release binary on real files.
Deterministic: the "random" bytes come from a seeded generator, so every run measures the same
input.

usage: tools/hostile-cases.py OUTDIR [CASE...]
"""

import base64
import os
import random
import sys

CRLF = b"\r\n"
HEAD = (
    b"From: Support <support@bank.example>\r\n"
    b"To: victim@example.org\r\n"
    b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    b"Message-ID: <hostile@bank.example>\r\n"
)


def received_100k():
    out = bytearray()
    for i in range(100_000):
        out += b"Received: from h%d.example (h%d.example [10.%d.%d.%d]) by mx%d.example with ESMTP id %d;\r\n\tMon, 1 Jan 2024 00:00:00 +0000\r\n" % (
            i, i, (i >> 16) & 255, (i >> 8) & 255, i & 255, i, i)
    out += HEAD + b"Subject: many hops\r\n\r\nbody\r\n"
    return bytes(out)


def multipart_nest_3000():
    depth = 3000
    out = bytearray(HEAD + b"Subject: deep multipart\r\nMIME-Version: 1.0\r\n")
    for i in range(depth):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nthe innermost text https://deep.example/\r\n"
    for i in reversed(range(depth)):
        out += b"--b%d--\r\n" % i
    return bytes(out)


def parts_10000():
    out = bytearray(HEAD + b'Subject: many parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="P"\r\n\r\n')
    for i in range(10_000):
        out += b"--P\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i
    out += b"--P--\r\n"
    return bytes(out)


def attachment_40mb():
    data = random.Random(6).randbytes(40 << 20)
    enc = base64.encodebytes(data).replace(b"\n", CRLF)
    return (HEAD + b'Subject: big attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="A"\r\n\r\n'
            b"--A\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            b'--A\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: attachment; filename="big.bin"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + enc + b"--A--\r\n")


def header_8mb():
    words = b"verify your account now "
    line = (words * ((8 << 20) // len(words) + 1))[: 8 << 20]
    return HEAD + b"Subject: " + line + b"\r\n\r\nbody\r\n"


def random_4mb():
    return random.Random(4).randbytes(4 << 20)


def empty():
    return b""


def nul_invalid_utf8():
    return (b"Received: from a\x00b.example ([192.0.2.\xff]) by mx.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
            b"From: \xc3\x28Bank\x00 <support@bank\xff.example>\r\n"
            b"To: victim@example.org\r\n"
            b"Subject: \xe3\x81\x00\xfe\xff invalid \xed\xa0\x80 utf-8\r\n"
            b"X-Nul: a\x00\x00\x00b\r\n"
            b"\r\nbody with \x00 and \xff\r\n")


def html_links_200k():
    body = bytearray(b"<html><body>")
    for i in range(200_000):
        body += b'<a href="https://l%d.example/p">link %d</a>\n' % (i, i)
    body += b"</body></html>\r\n"
    return HEAD + b"Subject: many links\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + bytes(body)


def html_deep_200k():
    n = 200_000
    body = b"<html><body>" + b"<div>" * n + b'<a href="https://deep.example/">deep</a>' + b"</div>" * n + b"</body></html>\r\n"
    return HEAD + b"Subject: deep html\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body


def subject_encoded_50k():
    word = b"=?UTF-8?B?" + base64.b64encode("確認".encode()) + b"?="
    subject = b"Subject: " + b"\r\n ".join([word] * 50_000) + b"\r\n"
    return HEAD + subject + b"\r\nbody\r\n"


def rfc822_nest_2000():
    depth = 2000
    out = bytearray()
    for i in range(depth):
        out += b"From: level%d@nest.example\r\nSubject: level %d\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n" % (i, i)
    out += b"From: inner@nest.example\r\nSubject: innermost\r\nContent-Type: text/plain\r\n\r\nhttps://inner.example/\r\n"
    return bytes(out)


CASES = {
    "received-100k": received_100k,
    "multipart-nest-3000": multipart_nest_3000,
    "parts-10000": parts_10000,
    "attachment-40mb": attachment_40mb,
    "header-8mb": header_8mb,
    "random-4mb": random_4mb,
    "empty": empty,
    "nul-invalid-utf8": nul_invalid_utf8,
    "html-links-200k": html_links_200k,
    "html-deep-200k": html_deep_200k,
    "subject-encoded-50k": subject_encoded_50k,
    "rfc822-nest-2000": rfc822_nest_2000,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    names = sys.argv[2:] or list(CASES)
    for name in names:
        data = CASES[name]()
        with open(os.path.join(outdir, name + ".eml"), "wb") as f:
            f.write(data)
        print(f"{name}.eml {len(data)} bytes")


if __name__ == "__main__":
    main()
