cases = []
pats = ['YYYY-MM-DD HH24:MI:SS', 'YYYY-MM-DD HH24:MI:SS.MS', 'YYYY-MM-DD HH24:MI:SS.US', 'HH12:MI:SS AM', 'HH:MI PM', 'hh12:mi am', 'a.m. A.M. p.m. P.M.', 'Mon DD, YYYY', 'Month DD YYYY', 'FMMonth FMDD YYYY', 'MONTH month Month', 'MON mon Mon', 'Day Dy DAY DY day dy', 'FMDay, FMDDth "of" FMMonth', 'DDD IDDD D ID W WW IW', 'Q CC J', 'Y,YYY YYYY YYY YY Y', 'IYYY IYY IY I', 'RM rm FMRM', 'SSSS SSSSS', 'FF1 FF2 FF3 FF4 FF5 FF6', 'DDth DDTH Dth MMth YYYYth', 'FMDDth FMHH24th', '"text" \\"quoted\\" YYYY', '\\YYYY "a\\"b"', 'BC AD B.C. A.D. bc ad b.c. a.d.', 'TZ tz', 'YYYYMMDDHH24MISS', 'FMHH12:FMMI', 'HH24 HH12 HH', 'fmyyyy-mm-dd', 'yyyy-mm-dd hh24:mi:ss', 'Dd dD', 'MONth', 'FX YYYY', 'FMYYYY FMYY FMY', 'FMCC FMDDD FMIW FMWW', 'SP', 'th', '""', '"unterminated', 'IDDD', 'FMIDDD', 'xyz YYYY-MM-DD', '', 'MS US', 'W', 'J', 'tm', 'TMMonth', 'Y,YYY']
ts = ['2024-01-02 04:05:06.123456', '2024-12-29 13:14:15', '2021-01-03 00:00:00', '2020-12-31 23:59:59.999999', '0044-03-15 12:00:00 BC', '0001-01-01 00:00:00', '0001-01-01 00:00:00 BC', '12345-06-07 08:09:10', '1999-09-11 11:11:11', '2008-12-29 00:00:00', '2010-01-03 12:00:00', '0101-01-01 00:00:00 BC', '0100-01-01 00:00:00 BC', '2000-02-29 00:00:00']
for p in pats:
    for t in ts:
        cases.append(('to_char', t, p))
for z in ['Europe/Paris', 'Asia/Kolkata', '+02', 'America/St_Johns', 'UTC']:
    for t in ['2024-01-02 04:05:06+00', '2024-07-02 04:05:06+00']:
        for p in ['YYYY-MM-DD HH24:MI:SS TZ', 'tz', 'TZH:TZM', 'OF', 'FMOF']:
            cases.append(('to_char_tz', z, t, p))
