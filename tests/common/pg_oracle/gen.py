# Generates GoogleTest case tables from cases whose PostgreSQL output matched ours.
import random, sys
import diff

def cs(s):
    out = '"'
    for ch in s:
        if ch == '\\': out += '\\\\'
        elif ch == '"': out += '\\"'
        elif ch == '\t': out += '\\t'
        elif ch == '\n': out += '\\n'
        else: out += ch
    return out + '"'

def select(cases, n, seed=1):
    if len(cases) <= n: return cases
    rnd = random.Random(seed)
    return rnd.sample(cases, n)

def table(name, rows, ncols):
    lines = [f"// {len(rows)} cases; expected values from PostgreSQL 15.", f"constexpr Case{ncols} {name}[] = {{"]
    for r in rows:
        lines.append("    {" + ", ".join(cs(x) for x in r) + "},")
    lines.append("};")
    return "\n".join(lines) + "\n"

def verified(cases, want_limit=False):
    pg, mine = diff.run(cases)
    good, limit = [], []
    for c, p, m in zip(cases, pg, mine):
        if diff.same(c[0], p, m):
            good.append((c, p, m))
        elif diff.beyond_limit(p, m):
            limit.append((c, p, m))
    return (good, limit) if want_limit else good
