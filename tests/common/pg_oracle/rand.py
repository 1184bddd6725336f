import random, diff
rnd = random.Random(12345)
def rnum():
    kind = rnd.random()
    intd = rnd.randint(0, 20); frac = rnd.randint(0, 12)
    s = ''.join(rnd.choice('0123456789') for _ in range(intd)) or '0'
    if frac: s += '.' + ''.join(rnd.choice('0123456789') for _ in range(frac))
    if rnd.random() < 0.4: s = '-' + s
    return s
def rts():
    y = rnd.choice([rnd.randint(1, 9999), rnd.randint(1900, 2100), rnd.randint(1, 300)])
    m = rnd.randint(1, 12); d = rnd.randint(1, 28 if m == 2 else 30)
    s = f"{y:04d}-{m:02d}-{d:02d} {rnd.randint(0,23):02d}:{rnd.randint(0,59):02d}:{rnd.randint(0,59):02d}"
    if rnd.random() < 0.5: s += '.' + str(rnd.randint(0, 999999)).zfill(6)
    if rnd.random() < 0.1: s += ' BC'
    return s
units = ['year', 'years', 'mon', 'months', 'day', 'days', 'hour', 'hours', 'min', 'minutes', 'sec', 'seconds', 'ms', 'us', 'week', 'weeks', 'decade', 'y', 'd', 'h', 'm', 's', 'w']
def riv():
    parts = []
    used = set()
    for _ in range(rnd.randint(1, 4)):
        u = rnd.choice(units)
        v = rnd.choice([str(rnd.randint(-100, 100)), f"{rnd.uniform(-50, 50):.3f}", str(rnd.randint(0, 5))])
        parts.append(f"{v} {u}")
    if rnd.random() < 0.3: parts.append(f"{rnd.randint(-30,30)}:{rnd.randint(0,59):02d}:{rnd.randint(0,59):02d}")
    if rnd.random() < 0.1: parts.append('ago')
    return ' '.join(parts)
cases = []
for _ in range(1500):
    a, b = rnum(), rnum()
    cases.append((rnd.choice(['add', 'sub', 'mul', 'div', 'mod']), a, b))
    cases.append(('round', a, str(rnd.randint(-5, 12))))
for _ in range(1500):
    cases.append(('iv', riv()))
for _ in range(800):
    cases.append(('ts_pl', rts(), riv()))
    cases.append(('age', rts(), rts()))
    cases.append(('ts_mi', rts(), rts()))
    cases.append(('iv_mul', riv(), f"{rnd.uniform(-5, 5):.4f}"))
for _ in range(400):
    z = rnd.choice(['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Tehran', 'America/Havana', 'Europe/London'])
    cases.append(('tstz_pl', z, rts().replace(' BC', ''), riv()))
    cases.append(('trunc_tstz', z, rnd.choice(['day', 'week', 'month', 'hour', 'year', 'quarter']), rts().replace(' BC', '')))
r = diff.check(cases)
