#!/usr/bin/env python3
"""Counts the lines of a crate's src/**/*.rs without `#[cfg(test)] mod tests { ... }` blocks
(from the attribute to the brace that closes the module, by brace depth)."""
import os, sys
total = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in sorted(files):
        if not f.endswith('.rs'):
            continue
        lines = open(os.path.join(root, f)).read().split('\n')
        if lines and lines[-1] == '':
            lines = lines[:-1]
        out, i = [], 0
        while i < len(lines):
            if lines[i].strip() == '#[cfg(test)]' and i + 1 < len(lines) and lines[i + 1].strip().startswith('mod ') and lines[i + 1].rstrip().endswith('{'):
                depth, j = 0, i + 1
                while j < len(lines):
                    depth += lines[j].count('{') - lines[j].count('}')
                    j += 1
                    if depth == 0:
                        break
                i = j
                continue
            out.append(lines[i])
            i += 1
        print(f"{len(out):5} {os.path.join(root, f)}")
        total += len(out)
print(f"{total:5} total")
