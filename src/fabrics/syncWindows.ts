import type { SyncWindow } from './schema';

// Weekly deny windows (Argo CD's sync windows): while one is active, automatic syncs wait and a
// manual sync needs `force`. Times are wall-clock times in the window's time zone.

const DAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MINUTES_PER_DAY = 24 * 60;

function localTime(now: Date, timeZone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: DAY_INDEX[part('weekday').toLowerCase().slice(0, 3)] ?? 0,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** The window active at `now`, with when it ends; null when syncs may run. */
export function activeSyncWindow(windows: SyncWindow[], now = new Date()): { window: SyncWindow; endsAt: Date } | null {
  for (const window of windows) {
    const { day, minutes } = localTime(now, window.timeZone || 'UTC');
    const [h = 0, m = 0] = window.start.split(':').map(Number);
    const start = h * 60 + m;
    // A window may have started on one of the previous seven days and still run (up to a week long).
    for (let back = 0; back <= 7; back++) {
      const startDay = (day - back + 7) % 7;
      if (!window.days.some((d) => DAY_INDEX[d] === startDay)) continue;
      const elapsed = back * MINUTES_PER_DAY + minutes - start;
      if (elapsed >= 0 && elapsed < window.durationMinutes) {
        const endsAt = new Date(now.getTime() + (window.durationMinutes - elapsed) * 60_000);
        endsAt.setSeconds(0, 0);
        return { window, endsAt };
      }
    }
  }
  return null;
}

/** How a window reads on a page: "mon, tue 22:00 for 120 min (Europe/Berlin)". */
export function describeSyncWindow(w: SyncWindow): string {
  return `${w.days.join(', ')} ${w.start} for ${w.durationMinutes} min (${w.timeZone || 'UTC'})`;
}

/** Windows as form text, one a line: "mon,tue 22:00 120 Europe/Berlin". */
export function syncWindowsText(windows: SyncWindow[]): string {
  return windows.map((w) => `${w.days.join(',')} ${w.start} ${w.durationMinutes} ${w.timeZone || 'UTC'}`).join('\n');
}

/** Reads the form text back; what does not fit is handed on as is for the schema to name. */
export function parseSyncWindowsText(text: string): unknown[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [days = '', start = '', duration = '', timeZone = 'UTC'] = line.split(/\s+/);
      return {
        days: days
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean),
        start,
        durationMinutes: duration,
        timeZone,
      };
    });
}
