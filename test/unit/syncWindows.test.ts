import { describe, expect, it } from 'vitest';
import { activeSyncWindow } from '../../src/fabrics/syncWindows';

describe('activeSyncWindow', () => {
  const nightly = { days: ['fri' as const], start: '22:00', durationMinutes: 180, timeZone: 'Europe/Berlin' };

  it('is active from the start for its duration, in its own time zone', () => {
    // Friday 2026-11-27 22:30 in Berlin is 21:30 UTC.
    expect(activeSyncWindow([nightly], new Date('2026-11-27T21:30:00Z'))?.endsAt.toISOString()).toBe(
      '2026-11-28T00:00:00.000Z',
    );
    expect(activeSyncWindow([nightly], new Date('2026-11-27T20:59:00Z'))).toBeNull();
  });

  it('runs past midnight into the next day and ends on time', () => {
    // Saturday 00:30 Berlin: still inside Friday's window; 01:00 Berlin: over.
    expect(activeSyncWindow([nightly], new Date('2026-11-27T23:30:00Z'))).not.toBeNull();
    expect(activeSyncWindow([nightly], new Date('2026-11-28T00:00:00Z'))).toBeNull();
  });

  it('only on the days named', () => {
    expect(activeSyncWindow([nightly], new Date('2026-11-26T21:30:00Z'))).toBeNull();
    expect(activeSyncWindow([], new Date())).toBeNull();
  });
});
