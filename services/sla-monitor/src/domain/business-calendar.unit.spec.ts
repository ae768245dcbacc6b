import fc from 'fast-check';
import {
  addCalendarMinutes,
  addMinutes,
  addWorkingMinutes,
  BusinessCalendar,
  calendarMinutesBetween,
  DEFAULT_BUSINESS_CALENDAR,
  DEFAULT_WORKING_DAY_MINUTES,
  isWorkingTime,
  localDateOf,
  minutesBetween,
  nextWorkingTime,
  validateBusinessCalendar,
  Weekday,
  WEEKDAYS,
  WorkingPeriod,
} from './business-calendar';

// Shanghai has had no DST since 1991: local time is UTC+8, so tests can name local times
const sh = (local: string) => new Date(Date.parse(`${local}:00+08:00`));
const utc = (iso: string) => new Date(iso);

const DEFAULT = DEFAULT_BUSINESS_CALENDAR;
const office: WorkingPeriod[] = [{ start: '09:00', end: '18:00' }];
const weekdays = (periods: WorkingPeriod[], weekend: WorkingPeriod[] = []): Record<Weekday, WorkingPeriod[]> => ({
  mon: periods,
  tue: periods,
  wed: periods,
  thu: periods,
  fri: periods,
  sat: weekend,
  sun: weekend,
});
const calendar = (fields: Partial<BusinessCalendar> = {}): BusinessCalendar => ({ ...DEFAULT, holidays: [], ...fields });

const ALWAYS = weekdays([{ start: '00:00', end: '24:00' }], [{ start: '00:00', end: '24:00' }]);
const LUNCH = calendar({
  workingHours: weekdays([
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ]),
});
// China's National Day week 2025: Oct 1-8 off, Sunday Sep 28 and Saturday Oct 11 worked instead
const NATIONAL_DAY = calendar({
  holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
  specialDays: { '2025-09-28': office, '2025-10-11': office },
});
const BERLIN = calendar({ timeZone: 'Europe/Berlin' });

describe('business calendar', () => {
  describe('default', () => {
    it('is Asia/Shanghai, Monday to Friday 09:00-18:00 without a lunch break, no holidays', () => {
      expect(DEFAULT).toEqual({ timeZone: 'Asia/Shanghai', workingHours: weekdays(office), holidays: [] });
      expect(DEFAULT_WORKING_DAY_MINUTES).toBe(540);
      expect(workingMinutesOfDay(DEFAULT, '2025-03-03')).toBe(540);
      expect(Object.isFrozen(DEFAULT.workingHours.mon)).toBe(true);
    });

    it('is valid', () => {
      expect(validateBusinessCalendar(DEFAULT)).toEqual({ ok: true, calendar: { ...DEFAULT, holidays: [] } });
    });
  });

  describe('validation', () => {
    it('stores periods sorted by start and holidays sorted', () => {
      const result = validateBusinessCalendar({
        timeZone: 'Europe/Berlin',
        workingHours: weekdays([
          { start: '13:30', end: '18:00' },
          { start: '09:00', end: '12:00' },
        ]),
        holidays: ['2025-12-26', '2025-12-25'],
      });
      expect(result).toEqual({
        ok: true,
        calendar: {
          timeZone: 'Europe/Berlin',
          workingHours: weekdays([
            { start: '09:00', end: '12:00' },
            { start: '13:30', end: '18:00' },
          ]),
          holidays: ['2025-12-25', '2025-12-26'],
        },
      });
    });

    it('accepts periods that touch, midnight as 24:00, and special days', () => {
      const result = validateBusinessCalendar({
        ...NATIONAL_DAY,
        workingHours: weekdays([
          { start: '00:00', end: '12:00' },
          { start: '12:00', end: '24:00' },
        ]),
      });
      expect(result.ok).toBe(true);
    });

    const valid = { timeZone: 'Asia/Shanghai', workingHours: weekdays(office), holidays: [] };
    const CASES: Array<[string, unknown, RegExp]> = [
      ['not an object', 'Mon-Fri', /^calendar must be an object$/],
      ['an unknown time zone', { ...valid, timeZone: 'Mars/Olympus' }, /^timeZone must be an IANA time zone such as Asia\/Shanghai$/],
      ['an offset instead of a zone', { ...valid, timeZone: '+08:00' }, /^timeZone must be an IANA time zone/],
      ['a missing weekday', { ...valid, workingHours: { ...weekdays(office), sun: undefined } }, /^workingHours\.sun must be a list of working periods/],
      ['an unknown weekday', { ...valid, workingHours: { ...weekdays(office), fun: [] } }, /^workingHours\.fun is not a weekday/],
      [
        'a bad start time',
        { ...valid, workingHours: { ...weekdays(office), mon: [{ start: '9:00', end: '18:00' }] } },
        /^workingHours\.mon\[0\]\.start must be a local time HH:MM/,
      ],
      ['start at 24:00', { ...valid, workingHours: { ...weekdays(office), mon: [{ start: '24:00', end: '24:00' }] } }, /^workingHours\.mon\[0\]\.start must be/],
      ['a bad end time', { ...valid, workingHours: { ...weekdays(office), tue: [{ start: '09:00', end: '18:60' }] } }, /^workingHours\.tue\[0\]\.end must be a local time HH:MM/],
      [
        'end before start',
        { ...valid, workingHours: { ...weekdays(office), wed: [{ start: '18:00', end: '09:00' }] } },
        /^workingHours\.wed\[0\]\.end must be after workingHours\.wed\[0\]\.start$/,
      ],
      [
        'overlapping periods',
        {
          ...valid,
          workingHours: {
            ...weekdays(office),
            thu: [
              { start: '09:00', end: '13:00' },
              { start: '12:00', end: '18:00' },
            ],
          },
        },
        /^workingHours\.thu has overlapping periods 09:00-13:00 and 12:00-18:00$/,
      ],
      [
        'an extra period field',
        { ...valid, workingHours: { ...weekdays(office), fri: [{ start: '09:00', end: '18:00', note: 'x' }] } },
        /^workingHours\.fri\[0\]\.note is not a period field$/,
      ],
      ['no working time at all', { ...valid, workingHours: weekdays([]) }, /^workingHours must have at least one working period in the week$/],
      ['holidays not a list', { ...valid, holidays: '2025-10-01' }, /^holidays must be a list of local dates/],
      ['an impossible holiday', { ...valid, holidays: ['2025-02-30'] }, /^holidays\[0\] must be a date YYYY-MM-DD$/],
      ['a repeated holiday', { ...valid, holidays: ['2025-10-01', '2025-10-01'] }, /^holidays\[1\] repeats 2025-10-01$/],
      ['a special day that is a holiday', { ...valid, holidays: ['2025-10-01'], specialDays: { '2025-10-01': office } }, /^specialDays\.2025-10-01 is also a holiday$/],
      ['a special day without hours', { ...valid, specialDays: { '2025-09-28': [] } }, /^specialDays\.2025-09-28 must have working periods/],
      ['a special day that is no date', { ...valid, specialDays: { tomorrow: office } }, /^specialDays\.tomorrow must be keyed by a date/],
      ['an unknown field', { ...valid, lunch: true }, /^lunch is not a calendar field$/],
    ];
    it.each(CASES)('refuses %s, naming the field', (_, input, error) => {
      const result = validateBusinessCalendar(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors).toEqual(expect.arrayContaining([expect.stringMatching(error)]));
    });

    it('reports every error at once', () => {
      const result = validateBusinessCalendar({ timeZone: 'Nowhere', workingHours: weekdays([]), holidays: ['x'] });
      expect(result).toEqual({
        ok: false,
        errors: [
          'timeZone must be an IANA time zone such as Asia/Shanghai',
          'holidays[0] must be a date YYYY-MM-DD',
          'workingHours must have at least one working period in the week',
        ],
      });
    });
  });

  describe('isWorkingTime in Asia/Shanghai', () => {
    const CASES: Array<[string, Date, boolean]> = [
      ['Monday 09:00 local = 01:00 UTC (start inclusive)', utc('2025-03-03T01:00:00.000Z'), true],
      ['Monday 08:59:59.999', utc('2025-03-03T00:59:59.999Z'), false],
      ['Monday 17:59:59.999', utc('2025-03-03T09:59:59.999Z'), true],
      ['Monday 18:00 (end exclusive)', utc('2025-03-03T10:00:00.000Z'), false],
      ['Saturday 10:00', sh('2025-03-08T10:00'), false],
      ['Sunday 10:00', sh('2025-03-09T10:00'), false],
    ];
    it.each(CASES)('%s', (_, at, expected) => expect(isWorkingTime(DEFAULT, at)).toBe(expected));

    it('midnight in Shanghai is 16:00 UTC the day before', () => {
      const mondayOnly = calendar({ workingHours: { ...weekdays([]), mon: [{ start: '00:00', end: '24:00' }] } });
      expect(localDateOf(DEFAULT, utc('2025-03-02T16:00:00.000Z'))).toBe('2025-03-03');
      expect(localDateOf(DEFAULT, utc('2025-03-02T15:59:59.999Z'))).toBe('2025-03-02');
      expect(isWorkingTime(mondayOnly, utc('2025-03-02T15:59:59.999Z'))).toBe(false); // Sunday 23:59:59.999 local
      expect(isWorkingTime(mondayOnly, utc('2025-03-02T16:00:00.000Z'))).toBe(true); // Monday 00:00 local
      expect(isWorkingTime(mondayOnly, utc('2025-03-03T15:59:59.999Z'))).toBe(true); // Monday 23:59:59.999 local
      expect(isWorkingTime(mondayOnly, utc('2025-03-03T16:00:00.000Z'))).toBe(false); // Tuesday 00:00 local
      expect(workingMinutesBetween(mondayOnly, utc('2025-03-01T00:00:00Z'), utc('2025-03-05T00:00:00Z'))).toBe(1440);
      expect(addWorkingMinutes(mondayOnly, utc('2025-03-01T00:00:00Z'), 1)).toEqual(utc('2025-03-02T16:01:00.000Z'));
    });

    it('a holiday is the local date: from 16:00 UTC the day before to 16:00 UTC that day', () => {
      const holiday = calendar({ workingHours: ALWAYS, holidays: ['2025-03-03'] });
      expect(isWorkingTime(holiday, utc('2025-03-02T15:59:59.999Z'))).toBe(true);
      expect(isWorkingTime(holiday, utc('2025-03-02T16:00:00.000Z'))).toBe(false);
      expect(isWorkingTime(holiday, utc('2025-03-03T15:59:59.999Z'))).toBe(false);
      expect(isWorkingTime(holiday, utc('2025-03-03T16:00:00.000Z'))).toBe(true);
      expect(workingMinutesBetween(holiday, utc('2025-03-02T12:00:00Z'), utc('2025-03-03T20:00:00Z'))).toBe(8 * 60);
      expect(isWorkingTime(calendar({ holidays: ['2025-03-03'] }), sh('2025-03-03T10:00'))).toBe(false);
      expect(isWorkingTime(calendar({ holidays: ['2025-03-03'] }), sh('2025-03-04T10:00'))).toBe(true);
    });

    it('a special day works on its own hours', () => {
      expect(isWorkingTime(NATIONAL_DAY, sh('2025-09-28T10:00'))).toBe(true); // Sunday worked
      expect(isWorkingTime(NATIONAL_DAY, sh('2025-10-02T10:00'))).toBe(false); // Thursday off
      expect(isWorkingTime(NATIONAL_DAY, sh('2025-10-11T17:59'))).toBe(true); // Saturday worked
    });
  });

  describe('addWorkingMinutes and workingMinutesBetween in Asia/Shanghai (2025-03-03 is a Monday)', () => {
    const CASES: Array<[string, string, number, string, BusinessCalendar]> = [
      ['within the day', '2025-03-03T10:00', 60, '2025-03-03T11:00', DEFAULT],
      ['overnight', '2025-03-03T17:30', 60, '2025-03-04T09:30', DEFAULT],
      ['over the weekend', '2025-03-07T17:00', 120, '2025-03-10T10:00', DEFAULT],
      ['from Saturday: counts from Monday 09:00', '2025-03-08T12:00', 30, '2025-03-10T09:30', DEFAULT],
      ['from before opening', '2025-03-03T07:00', 30, '2025-03-03T09:30', DEFAULT],
      ['from after closing', '2025-03-03T19:00', 30, '2025-03-04T09:30', DEFAULT],
      ['a whole day ends at closing, not at the next opening', '2025-03-03T09:00', 540, '2025-03-03T18:00', DEFAULT],
      ['three working days', '2025-03-03T10:00', 3 * 540, '2025-03-06T10:00', DEFAULT],
      ['three working days from Friday afternoon', '2025-03-07T16:00', 3 * 540, '2025-03-12T16:00', DEFAULT],
      ['over a Friday holiday (Qingming 2025-04-04)', '2025-04-03T17:00', 120, '2025-04-07T10:00', calendar({ holidays: ['2025-04-04'] })],
      ['over National Day week', '2025-09-30T17:00', 120, '2025-10-09T10:00', NATIONAL_DAY],
      ['onto a make-up Sunday', '2025-09-27T12:00', 60, '2025-09-28T10:00', NATIONAL_DAY],
      ['onto a make-up Saturday', '2025-10-10T17:00', 120, '2025-10-11T10:00', NATIONAL_DAY],
      ['over a lunch break', '2025-03-03T11:30', 60, '2025-03-03T14:00', LUNCH],
      ['up to the lunch break', '2025-03-03T11:30', 30, '2025-03-03T12:00', LUNCH],
      ['from inside the lunch break', '2025-03-03T12:15', 30, '2025-03-03T14:00', LUNCH],
    ];

    it.each(CASES)('%s: %s + %d working minutes = %s', (_, from, minutes, expected, cal) => {
      expect(addWorkingMinutes(cal, sh(from), minutes)).toEqual(sh(expected));
    });

    it.each(CASES)('%s: between %s and the result are %d working minutes', (_, from, minutes, expected, cal) => {
      expect(workingMinutesBetween(cal, sh(from), sh(expected))).toBe(minutes);
      expect(workingMinutesBetween(cal, sh(expected), sh(from))).toBe(-minutes);
    });

    it('adds nothing for 0 minutes, wherever it starts', () => {
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-03T10:00'), 0)).toEqual(sh('2025-03-03T10:00'));
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-08T12:00'), 0)).toEqual(sh('2025-03-08T12:00'));
    });

    it('counts fractions of a minute to the millisecond', () => {
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-03T10:00'), 0.5)).toEqual(utc('2025-03-03T02:00:30.000Z'));
      expect(workingMinutesBetween(DEFAULT, sh('2025-03-03T10:00'), utc('2025-03-03T02:00:30.000Z'))).toBe(0.5);
    });

    it('counts back with negative minutes: the latest instant with that much working time before', () => {
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-10T09:30'), -60)).toEqual(sh('2025-03-07T17:30'));
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-03T12:00'), -180)).toEqual(sh('2025-03-03T09:00'));
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-03T12:00'), -181)).toEqual(sh('2025-02-28T17:59'));
      expect(addWorkingMinutes(DEFAULT, sh('2025-03-09T12:00'), -30)).toEqual(sh('2025-03-07T17:30'));
      expect(addWorkingMinutes(NATIONAL_DAY, sh('2025-10-09T10:00'), -120)).toEqual(sh('2025-09-30T17:00'));
    });

    it('finds no working time in nights, weekends and holidays', () => {
      expect(workingMinutesBetween(DEFAULT, sh('2025-03-07T18:00'), sh('2025-03-10T09:00'))).toBe(0);
      expect(workingMinutesBetween(DEFAULT, sh('2025-03-03T18:00'), sh('2025-03-04T09:00'))).toBe(0);
      expect(workingMinutesBetween(NATIONAL_DAY, sh('2025-10-01T00:00'), sh('2025-10-09T00:00'))).toBe(0);
      expect(workingMinutesBetween(DEFAULT, sh('2025-03-03T09:00'), sh('2025-03-10T09:00'))).toBe(5 * 540);
      expect(workingMinutesBetween(LUNCH, sh('2025-03-03T00:00'), sh('2025-03-04T00:00'))).toBe(450);
    });

    it('finds the next working time', () => {
      expect(nextWorkingTime(DEFAULT, sh('2025-03-08T12:00'))).toEqual(sh('2025-03-10T09:00'));
      expect(nextWorkingTime(DEFAULT, sh('2025-03-03T10:00'))).toEqual(sh('2025-03-03T10:00'));
      expect(nextWorkingTime(LUNCH, sh('2025-03-03T12:00'))).toEqual(sh('2025-03-03T13:30'));
      expect(nextWorkingTime(NATIONAL_DAY, sh('2025-09-30T18:00'))).toEqual(sh('2025-10-09T09:00'));
    });

    it('refuses invalid input as a bug', () => {
      expect(() => addWorkingMinutes(DEFAULT, new Date('nope'), 10)).toThrow('from must be a valid Date');
      expect(() => addWorkingMinutes(DEFAULT, sh('2025-03-03T10:00'), Number.NaN)).toThrow('minutes must be a finite number');
      expect(() => isWorkingTime({ ...DEFAULT, timeZone: 'Mars/Olympus' }, sh('2025-03-03T10:00'))).toThrow(/unknown time zone/);
      const neverOpen = calendar({ workingHours: { ...weekdays([]), mon: office }, holidays: Array.from({ length: 200 }, (_, week) => mondayAfter('2025-03-03', week)) });
      expect(() => addWorkingMinutes(neverOpen, sh('2025-03-03T10:00'), 10)).toThrow(/no working time for \d+ days/);
    });
  });

  describe('Europe/Berlin across daylight saving time', () => {
    it('spring forward (Sunday 2025-03-30): Friday 17:00 CET + 120 = Monday 10:00 CEST, an hour less of calendar time', () => {
      const friday = utc('2025-03-28T16:00:00Z'); // 17:00 CET (UTC+1)
      const monday = utc('2025-03-31T08:00:00Z'); // 10:00 CEST (UTC+2)
      expect(addWorkingMinutes(BERLIN, friday, 120)).toEqual(monday);
      expect(workingMinutesBetween(BERLIN, friday, monday)).toBe(120);
      expect(calendarMinutesBetween(friday, monday)).toBe(64 * 60);
    });

    it('fall back (Sunday 2025-10-26): Friday 17:00 CEST + 120 = Monday 10:00 CET, an hour more of calendar time', () => {
      const friday = utc('2025-10-24T15:00:00Z');
      const monday = utc('2025-10-27T09:00:00Z');
      expect(addWorkingMinutes(BERLIN, friday, 120)).toEqual(monday);
      expect(calendarMinutesBetween(friday, monday)).toBe(66 * 60);
    });

    it('opens at 09:00 local time on both sides of the change', () => {
      expect(isWorkingTime(BERLIN, utc('2025-03-28T07:59:59.999Z'))).toBe(false); // 08:59 CET
      expect(isWorkingTime(BERLIN, utc('2025-03-28T08:00:00.000Z'))).toBe(true); // 09:00 CET
      expect(isWorkingTime(BERLIN, utc('2025-03-31T06:59:59.999Z'))).toBe(false); // 08:59 CEST
      expect(isWorkingTime(BERLIN, utc('2025-03-31T07:00:00.000Z'))).toBe(true); // 09:00 CEST
    });

    it('a day that is always open has 23 hours in spring and 25 in autumn', () => {
      const always = calendar({ timeZone: 'Europe/Berlin', workingHours: ALWAYS });
      expect(workingMinutesOfDay(always, '2025-03-30')).toBe(23 * 60);
      expect(workingMinutesOfDay(always, '2025-10-26')).toBe(25 * 60);
      expect(workingMinutesOfDay(always, '2025-03-31')).toBe(24 * 60);
      expect(addWorkingMinutes(always, utc('2025-03-29T23:00:00Z'), 23 * 60)).toEqual(utc('2025-03-30T22:00:00Z'));
    });

    it('a period inside the spring gap starts when the clocks jump; an ambiguous start is the earlier one', () => {
      const earlySunday = calendar({ timeZone: 'Europe/Berlin', workingHours: { ...weekdays([]), sun: [{ start: '02:00', end: '04:00' }] } });
      // spring: 02:00 does not exist, the period runs 03:00-04:00 CEST = 01:00-02:00 UTC
      expect(workingMinutesOfDay(earlySunday, '2025-03-30')).toBe(60);
      expect(isWorkingTime(earlySunday, utc('2025-03-30T00:59:59.999Z'))).toBe(false);
      expect(isWorkingTime(earlySunday, utc('2025-03-30T01:00:00.000Z'))).toBe(true);
      expect(isWorkingTime(earlySunday, utc('2025-03-30T02:00:00.000Z'))).toBe(false);
      // autumn: 02:00 happens twice, the period runs 02:00 CEST - 04:00 CET = 00:00-03:00 UTC
      expect(workingMinutesOfDay(earlySunday, '2025-10-26')).toBe(180);
      expect(addWorkingMinutes(earlySunday, utc('2025-10-25T12:00:00Z'), 1)).toEqual(utc('2025-10-26T00:01:00Z'));
      // an ordinary Sunday: 02:00-04:00 CEST
      expect(workingMinutesOfDay(earlySunday, '2025-04-06')).toBe(120);

      const lostHour = calendar({ timeZone: 'Europe/Berlin', workingHours: { ...weekdays([]), sun: [{ start: '02:00', end: '03:00' }] } });
      expect(workingMinutesOfDay(lostHour, '2025-03-30')).toBe(0);
      expect(addWorkingMinutes(lostHour, utc('2025-03-29T12:00:00Z'), 30)).toEqual(utc('2025-04-06T00:30:00Z'));
    });
  });

  describe('calendar time and either basis', () => {
    it('counts every minute, nights and weekends included', () => {
      expect(addCalendarMinutes(sh('2025-03-07T17:00'), 120)).toEqual(sh('2025-03-07T19:00'));
      expect(calendarMinutesBetween(sh('2025-03-07T17:00'), sh('2025-03-10T10:00'))).toBe(65 * 60);
      expect(calendarMinutesBetween(sh('2025-03-10T10:00'), sh('2025-03-07T17:00'))).toBe(-65 * 60);
    });

    it('picks the arithmetic by time basis', () => {
      expect(addMinutes('calendar', DEFAULT, sh('2025-03-07T17:00'), 120)).toEqual(sh('2025-03-07T19:00'));
      expect(addMinutes('working', DEFAULT, sh('2025-03-07T17:00'), 120)).toEqual(sh('2025-03-10T10:00'));
      expect(minutesBetween('calendar', DEFAULT, sh('2025-03-07T17:00'), sh('2025-03-10T10:00'))).toBe(3900);
      expect(minutesBetween('working', DEFAULT, sh('2025-03-07T17:00'), sh('2025-03-10T10:00'))).toBe(120);
    });
  });

  describe('properties', () => {
    const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    const FROM = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms));

    // up to two periods a day on a 15-minute grid, at least 20 working hours a week so sums stay quick
    const dayPeriods = fc
      .uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 4 })
      .map((marks) => marks.sort((a, b) => a - b))
      .map((marks) => {
        const periods: WorkingPeriod[] = [];
        for (let i = 0; i + 1 < marks.length; i += 2) periods.push({ start: clock(marks[i] * 15), end: clock(marks[i + 1] * 15) });
        return periods;
      });
    const CALENDARS = fc
      .record({
        timeZone: fc.constantFrom(...ZONES),
        workingHours: fc.record(Object.fromEntries(WEEKDAYS.map((day) => [day, dayPeriods])) as Record<Weekday, fc.Arbitrary<WorkingPeriod[]>>),
        holidays: fc.uniqueArray(
          fc.integer({ min: 0, max: 3 * 366 }).map((day) => new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10)),
          {
            maxLength: 40,
          },
        ),
      })
      .filter((cal) => weeklyMinutes(cal) >= 20 * 60);

    it('every generated calendar is valid', () => {
      fc.assert(fc.property(CALENDARS, (cal) => validateBusinessCalendar(cal).ok));
    });

    it('workingMinutesBetween(from, addWorkingMinutes(from, m)) === m, forwards and backwards, to the millisecond', () => {
      fc.assert(
        fc.property(CALENDARS, FROM, fc.integer({ min: -15_000 * 60_000, max: 15_000 * 60_000 }), (cal, from, ms) => {
          const minutes = ms / 60_000;
          const to = addWorkingMinutes(cal, from, minutes);
          expect(workingMinutesBetween(cal, from, to)).toBe(minutes);
          expect(Math.sign(to.getTime() - from.getTime()) || 0).toBe(Math.sign(minutes) || 0);
          if (minutes > 0) expect(isWorkingTime(cal, new Date(to.getTime() - 1))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('addWorkingMinutes(from, workingMinutesBetween(from, to)) lands at `to`, or earlier where no working time comes just before `to`', () => {
      fc.assert(
        fc.property(CALENDARS, FROM, fc.integer({ min: 0, max: 60 * 86_400_000 }), (cal, from, span) => {
          const to = new Date(from.getTime() + span);
          const minutes = workingMinutesBetween(cal, from, to);
          const back = addWorkingMinutes(cal, from, minutes);
          expect(workingMinutesBetween(cal, from, back)).toBe(minutes);
          expect(back.getTime()).toBeLessThanOrEqual(to.getTime());
          // the earliest instant with that much working time behind it: `to` itself only where working time
          // runs up to it (at the very start of a period the previous period's end has as much behind it)
          if (minutes > 0 && isWorkingTime(cal, new Date(to.getTime() - 1))) expect(back).toEqual(to);
        }),
        { numRuns: 300 },
      );
    });

    it('the default calendar: inverse on whole minutes over years', () => {
      fc.assert(
        fc.property(FROM, fc.integer({ min: -20_000, max: 20_000 }), (from, minutes) => {
          expect(workingMinutesBetween(DEFAULT, from, addWorkingMinutes(DEFAULT, from, minutes))).toBe(minutes);
        }),
      );
    });
  });
});

function workingMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  return minutesBetween('working', cal, from, to);
}

/** The working minutes of one local date, from its local midnight to the next (whatever its length). */
function workingMinutesOfDay(cal: BusinessCalendar, date: string): number {
  // from 14:00 UTC the day before to 14:00 UTC the day after covers the local day in every zone used here
  const start = new Date(Date.parse(`${date}T00:00:00Z`) - 14 * 3_600_000);
  const end = new Date(Date.parse(`${date}T00:00:00Z`) + 38 * 3_600_000);
  let total = 0;
  for (let t = start.getTime(); t < end.getTime(); t += 60_000) {
    if (localDateOf(cal, new Date(t)) === date && isWorkingTime(cal, new Date(t))) total++;
  }
  return total;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function weeklyMinutes(cal: { workingHours: Record<Weekday, WorkingPeriod[]> }): number {
  const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  return WEEKDAYS.reduce((sum, day) => sum + cal.workingHours[day].reduce((s, p) => s + toMinutes(p.end) - toMinutes(p.start), 0), 0);
}

function mondayAfter(date: string, weeks: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + weeks * 7 * 86_400_000).toISOString().slice(0, 10);
}
