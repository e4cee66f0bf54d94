import type { Query } from "../api/adminRest";
import type { DayRange } from "./range";

/** One endpoint and its parameters: what a card shows and what its CSV download asks for. */
export type UsageQuery = { path: string; query: Query; fileName: string };

/** `GET …/usage/active-users` (docs/usage-contract.md). */
export type ActivePeriod = {
  start: string;
  end: string;
  api_only: number;
  ui_only: number;
  both: number;
  total: number;
  new: number;
};

/** A row of `GET …/usage/totals`: group columns, then the counters. */
export type TotalsRow = {
  day?: string;
  week?: string;
  user_id?: string;
  username?: string | null;
  project?: string | null;
  model?: string | null;
  requests: number;
  refused: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  logins: number;
};

export type Dimension = "model" | "project" | "user";

const name = (what: string, range: DayRange) => `usage-${what}-${range.from}-${range.to}.csv`;

export const activePeopleQuery = (range: DayRange): UsageQuery => ({
  path: "usage/active-users",
  query: { ...range, period: "week" },
  fileName: name("active-people", range),
});

export const overTimeQuery = (
  range: DayRange,
  bucket: "day" | "week",
  dimension: Dimension,
): UsageQuery => ({
  path: "usage/totals",
  query: { ...range, group_by: `${bucket},${dimension}` },
  fileName: name(`tokens-per-${dimension}`, range),
});

export const TOP_N = 10;

export const topQuery = (range: DayRange, dimension: Dimension): UsageQuery => ({
  path: "usage/totals",
  query: { ...range, group_by: dimension, top: TOP_N, order: "tokens" },
  fileName: name(`top-${dimension}s`, range),
});
