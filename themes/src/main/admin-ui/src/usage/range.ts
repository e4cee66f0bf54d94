/** An inclusive range of UTC days, `YYYY-MM-DD`, as the usage endpoints take it. */
export type DayRange = { from: string; to: string };

export const PRESET_DAYS = [7, 30, 90] as const;

const DAY_MS = 86_400_000;

export const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** The last `days` days, today (UTC) included. */
export function lastDays(days: number, now = new Date()): DayRange {
  return { from: utcDay(new Date(now.getTime() - (days - 1) * DAY_MS)), to: utcDay(now) };
}

export const daysIn = ({ from, to }: DayRange) =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Why a range cannot be asked for, or undefined when it can. */
export function rangeProblem({ from, to }: DayRange): string | undefined {
  if (
    !DAY.test(from) ||
    !DAY.test(to) ||
    Number.isNaN(Date.parse(from)) ||
    Number.isNaN(Date.parse(to))
  ) {
    return "inferenceRangeInvalid";
  }
  return from > to ? "inferenceRangeReversed" : undefined;
}

/** Time buckets for charts over time: days up to a month, weeks beyond. */
export const bucketFor = (range: DayRange): "day" | "week" =>
  daysIn(range) <= 31 ? "day" : "week";
