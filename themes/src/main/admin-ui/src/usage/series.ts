import type { Dimension, TotalsRow } from "./queries";

/** At most this many series in a chart; the rest are added up as one. */
export const MAX_SERIES = 8;

export type Series = { name: string; points: { x: string; y: number }[] };

/** The name a row shows for its group value; absent values (null) get `none`. */
export function groupLabel(row: TotalsRow, dimension: Dimension, none: string): string {
  // A deleted person's rows carry a pseudonym and no username: shown as `none`.
  const value = dimension === "user" ? row.username : row[dimension];
  return value ?? none;
}

/**
 * Rows of totals grouped by (time bucket, dimension) as chart series over the same buckets
 * (missing points are 0): the biggest MAX_SERIES - 1 by tokens, the others summed as `others`.
 */
export function tokenSeries(
  rows: TotalsRow[],
  bucket: "day" | "week",
  dimension: Dimension,
  labels: { none: string; others: string },
): Series[] {
  const buckets = [...new Set(rows.map((r) => r[bucket] ?? ""))].sort();
  const byName = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const name = groupLabel(row, dimension, labels.none);
    const points = byName.get(name) ?? new Map<string, number>();
    points.set(row[bucket] ?? "", (points.get(row[bucket] ?? "") ?? 0) + row.total_tokens);
    byName.set(name, points);
  }
  const total = (points: Map<string, number>) => [...points.values()].reduce((a, b) => a + b, 0);
  const ranked = [...byName.entries()].sort(
    ([a, pa], [b, pb]) => total(pb) - total(pa) || a.localeCompare(b),
  );
  const kept = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const rest = ranked.slice(kept.length);
  if (rest.length > 0) {
    const merged = new Map<string, number>();
    for (const [, points] of rest) {
      points.forEach((y, x) => merged.set(x, (merged.get(x) ?? 0) + y));
    }
    kept.push([labels.others, merged]);
  }
  return kept.map(([name, points]) => ({
    name,
    points: buckets.map((x) => ({ x, y: points.get(x) ?? 0 })),
  }));
}
