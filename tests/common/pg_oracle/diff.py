import subprocess, sys, math

def lit(s):
    return "'" + s.replace("'", "''") + "'"

def to_sql(case):
    op, *a = case
    tz = 'UTC'
    if op == 'date': e = f"{lit(a[0])}::date"
    elif op == 'time': e = f"{lit(a[0])}::time"
    elif op == 'ts': e = f"{lit(a[0])}::timestamp"
    elif op == 'tstz': tz = a[0]; e = f"{lit(a[1])}::timestamptz"
    elif op == 'settz': tz = a[0]; e = "current_setting('TimeZone') || '|' || ('2024-07-01 12:00:00+00'::timestamptz)::text || '|' || ('2024-01-01 12:00:00+00'::timestamptz)::text"
    elif op == 'iv': e = f"{lit(a[0])}::interval"
    elif op == 'num': e = f"{lit(a[0])}::numeric"
    elif op in ('add','sub','mul','div','mod'):
        sym = {'add':'+','sub':'-','mul':'*','div':'/','mod':'%'}[op]
        e = f"{lit(a[0])}::numeric {sym} {lit(a[1])}::numeric"
    elif op in ('round','trunc'): e = f"{op}({lit(a[0])}::numeric, {a[1]})"
    elif op in ('floor','ceil'): e = f"{op}({lit(a[0])}::numeric)"
    elif op == 'cmp': e = f"case when {lit(a[0])}::numeric < {lit(a[1])}::numeric then -1 when {lit(a[0])}::numeric > {lit(a[1])}::numeric then 1 else 0 end"
    elif op == 'typmod': e = f"{lit(a[0])}::numeric({a[1]},{a[2]})"
    elif op == 'fromdouble': e = f"{lit(a[0])}::float8::numeric"
    elif op == 'toint': e = f"{lit(a[0])}::numeric::int8"
    elif op == 'todouble': e = f"{lit(a[0])}::numeric::float8"
    elif op == 'norm': e = f"trim_scale({lit(a[0])}::numeric)"
    elif op == 'ts_pl': e = f"{lit(a[0])}::timestamp + {lit(a[1])}::interval"
    elif op == 'ts_mi_iv': e = f"{lit(a[0])}::timestamp - {lit(a[1])}::interval"
    elif op == 'tstz_pl': tz = a[0]; e = f"{lit(a[1])}::timestamptz + {lit(a[2])}::interval"
    elif op == 'ts_mi': e = f"{lit(a[0])}::timestamp - {lit(a[1])}::timestamp"
    elif op == 'age': e = f"age({lit(a[0])}::timestamp, {lit(a[1])}::timestamp)"
    elif op == 'iv_mul': e = f"{lit(a[0])}::interval * {a[1]}::float8"
    elif op == 'iv_div': e = f"{lit(a[0])}::interval / {a[1]}::float8"
    elif op == 'iv_pl': e = f"{lit(a[0])}::interval + {lit(a[1])}::interval"
    elif op == 'jh': e = f"justify_hours({lit(a[0])}::interval)"
    elif op == 'jd': e = f"justify_days({lit(a[0])}::interval)"
    elif op == 'trunc_ts': e = f"date_trunc({lit(a[0])}, {lit(a[1])}::timestamp)"
    elif op == 'trunc_tstz': tz = a[0]; e = f"date_trunc({lit(a[1])}, {lit(a[2])}::timestamptz)"
    elif op == 'trunc_iv': e = f"date_trunc({lit(a[0])}, {lit(a[1])}::interval)"
    elif op == 'ex_ts': e = f"extract({lit(a[0])} from {lit(a[1])}::timestamp)"
    elif op == 'ex_tstz': tz = a[0]; e = f"extract({lit(a[1])} from {lit(a[2])}::timestamptz)"
    elif op == 'ex_date': e = f"extract({lit(a[0])} from {lit(a[1])}::date)"
    elif op == 'ex_time': e = f"extract({lit(a[0])} from {lit(a[1])}::time)"
    elif op == 'ex_iv': e = f"extract({lit(a[0])} from {lit(a[1])}::interval)"
    elif op == 'to_char': e = f"to_char({lit(a[0])}::timestamp, {lit(a[1])})"
    elif op == 'to_char_tz': tz = a[0]; e = f"to_char({lit(a[1])}::timestamptz, {lit(a[2])})"
    elif op == 'make_iv': e = f"make_interval({a[0]}, {a[1]}, {a[2]}, {a[3]}, {a[4]}, {a[5]}, {a[6]})"
    else: raise Exception(op)
    return f"select ev({lit(tz)}, $QQ$ {e} $QQ$);"

NUMERIC_OPS = {'todouble', 'ex_ts', 'ex_tstz', 'ex_date', 'ex_time', 'ex_iv'}

def run(cases):
    sql = "\n".join(to_sql(c) for c in cases) + "\n"
    pg = subprocess.run(['psql','-h','127.0.0.1','-p','55433','-U','postgres','-X','-At','-q'], input=sql, capture_output=True, text=True).stdout.split('\n')[:len(cases)]
    inp = "\n".join("\t".join(c) for c in cases) + "\n"
    mine = subprocess.run(['/tmp/dtcli/dtcli'], input=inp, capture_output=True, text=True).stdout.split('\n')[:len(cases)]
    return pg, mine

def same(op, p, m):
    if p == m: return True
    if p.startswith('ERROR') and m.startswith('ERROR'):
        return p.split(':')[0] == m.split(':')[0] and (p.split(':',1)[1].strip() == m.split(':',1)[1].strip())
    if op in NUMERIC_OPS:
        try:
            fp, fm = float(p), float(m)
            if math.isinf(fp) or math.isinf(fm): return fp == fm
            return abs(fp - fm) <= 1e-12 * max(1.0, abs(fp))
        except ValueError:
            return False
    return False

def rounded_ok(p, m):
    import decimal
    try:
        dp = decimal.Decimal(p); dm = decimal.Decimal(m)
    except Exception:
        return False
    digits = p.lstrip('-').replace('.', '').lstrip('0')
    scale = len(p.split('.')[1]) if '.' in p else 0
    if len(digits) <= 38 and scale <= 38: return False
    mscale = len(m.split('.')[1]) if '.' in m else 0
    with decimal.localcontext() as ctx:
        ctx.prec = 2000
        q = dp.quantize(decimal.Decimal(1).scaleb(-mscale), rounding=decimal.ROUND_HALF_UP)
    return q == dm

def beyond_limit(p, m):
    if rounded_ok(p, m): return True
    # Our numeric holds 38 digits (scale <= 38): PG values beyond that are expected to differ.
    if 'overflows numeric format' not in m: return False
    if p.startswith('ERROR'): return False
    digits = p.lstrip('-').replace('.', '')
    scale = len(p.split('.')[1]) if '.' in p else 0
    return len(digits.lstrip('0')) > 38 or scale > 38 or p in ('NaN', 'Infinity', '-Infinity')

def check(cases, show_all=False):
    pg, mine = run(cases)
    bad = 0
    limit = 0
    out = []
    for c, p, m in zip(cases, pg, mine):
        ok = same(c[0], p, m)
        if not ok and beyond_limit(p, m):
            limit += 1
            ok = True
        if not ok: bad += 1
        if not ok or show_all:
            print(("OK  " if ok else "DIFF"), "|".join(c), "\n     pg:  ", p, "\n     me:  ", m)
        out.append((c, p, m, ok))
    print(f"{len(cases)} cases, {bad} diffs, {limit} beyond the 38-digit limit")
    return out

if __name__ == '__main__':
    cases = [tuple(l.rstrip('\n').split('\t')) for l in sys.stdin if l.strip()]
    check(cases, show_all='-a' in sys.argv)
