#!/usr/bin/env python3
"""Derives data/world-110m.svgpath from Natural Earth 1:110m countries (public domain), as
packaged in the world-atlas npm package (TopoJSON, ISC licence for the packaging).

Run at development time, not at build time:
    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python3 data/make_world.py package/countries-110m.json > data/world-110m.svgpath

Projection: equirectangular on a 1000x500 grid (x = (lon+180)/360*1000, y = (90-lat)/180*500),
rounded to whole units (0.36 degrees), which is the simplification: points that round onto the
previous one are dropped, rings that collapse to fewer than 3 points are dropped. The output is
one SVG path with relative moves, one subpath per ring.
"""
import json
import sys

W, H = 1000, 500


def main(path):
    topo = json.load(open(path))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring_points(ring):
        out = []
        for i in ring:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    geoms = topo["objects"]["countries"]["geometries"]
    out = []
    cx = cy = 0
    for g in geoms:
        polys = []
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        for poly in polys:
            for ring in poly:
                proj = []
                for lon, lat in ring_points(ring):
                    p = (round((lon + 180) / 360 * W), round((90 - lat) / 180 * H))
                    if not proj or proj[-1] != p:
                        proj.append(p)
                if len(proj) > 1 and proj[0] == proj[-1]:
                    proj.pop()
                if len(proj) < 3:
                    continue
                # Rings cut at the antimeridian (Fiji, Chukotka) jump across the map: unwrap
                # them to a continuous outline and draw a copy shifted by one world width, the
                # viewBox clipping what lies outside.
                unwrapped = [proj[0]]
                for x, y in proj[1:]:
                    px = unwrapped[-1][0]
                    while x - px > W / 2:
                        x -= W
                    while px - x > W / 2:
                        x += W
                    unwrapped.append((x, y))
                copies = [unwrapped]
                if min(x for x, _ in unwrapped) < 0:
                    copies.append([(x + W, y) for x, y in unwrapped])
                if max(x for x, _ in unwrapped) > W:
                    copies.append([(x - W, y) for x, y in unwrapped])
                for proj in copies:
                    cx, cy = emit(out, proj, cx, cy)
    print("".join(out).replace(" -", "-"))


def emit(out, proj, cx, cy):
    """Appends one closed ring in relative commands; returns the new current point."""
    x0, y0 = proj[0]
    out.append(f"m{x0 - cx} {y0 - cy}")
    px, py = x0, y0
    seg = []
    for x, y in proj[1:]:
        seg.append(f"{x - px} {y - py}")
        px, py = x, y
    out.append("l" + " ".join(seg) + "z")
    # After z the current point returns to the ring's start.
    return x0, y0


if __name__ == "__main__":
    main(sys.argv[1])
