import { parseOptions, UsageError } from './log-reader.options';

describe('log-reader options', () => {
  it('defaults to the whole topic on $KAFKA_BROKERS', () => {
    expect(parseOptions(['--topic', 't'], { KAFKA_BROKERS: 'a:1,b:2' })).toEqual({
      brokers: ['a:1', 'b:2'],
      topic: 't',
      startAt: { kind: 'beginning' },
      filter: { model: undefined, version: undefined, status: undefined },
      follow: false,
      schemaVersion: 1,
    });
  });

  it('parses starts and filters', () => {
    const o = parseOptions([
      '--topic',
      't',
      '--from-time',
      '1700000000000',
      '--status',
      '5xx',
      '-f',
      '--version',
      '3',
    ]);
    expect(o.startAt).toEqual({ kind: 'time', timestamp: 1_700_000_000_000 });
    expect(o.filter).toMatchObject({ status: { class: 5 }, version: 3 });
    expect(o.follow).toBe(true);
    expect(parseOptions(['--topic', 't', '--from-time', '2026-01-01T00:00:00Z']).startAt).toEqual({
      kind: 'time',
      timestamp: Date.parse('2026-01-01T00:00:00Z'),
    });
  });

  it.each([
    [[], '--topic is required'],
    [['--topic', 't', '--from-offset', '1', '--from-end'], 'choose one of'],
    [['--topic', 't', '--status', '2x'], '--status'],
    [['--topic', 't', '--from-time', 'yesterday'], '--from-time'],
    [['--topic', 't', '--nope'], 'nope'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
