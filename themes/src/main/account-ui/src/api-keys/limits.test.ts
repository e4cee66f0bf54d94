import { describe, expect, it } from "vitest";

import { capsFromInputs, capsOf, otherLimits, windowRows, type ScopeLimits } from "./limits";

const day = { requests: 0, tokens: 0, resetsAt: "2026-12-01T00:00:00Z" };
const month = { requests: 0, tokens: 0, resetsAt: "2027-01-01T00:00:00Z" };

function scope(overrides: Partial<ScopeLimits>): ScopeLimits {
  return { limits: {}, usage: { day, month }, remaining: {}, ...overrides };
}

describe("windowRows", () => {
  it("says 'no limit' for every window of a scope without limits, and still shows the calendar use", () => {
    const rows = windowRows(
      scope({ usage: { day: { ...day, requests: 12, tokens: 3400 }, month: { ...month, requests: 40, tokens: 9000 } } }),
      "en",
    );
    expect(rows.map((r) => r.window)).toEqual(["minute", "hour", "day", "month"]);
    expect(rows[0]).toEqual({ window: "minute", requests: { kind: "unlimited" }, tokens: { kind: "unlimited" } });
    expect(rows[2]).toEqual({
      window: "day",
      requests: { kind: "used", used: "12" },
      tokens: { kind: "used", used: "3,400" },
      resetsAt: "2026-12-01T00:00:00Z",
    });
    expect(rows[3].tokens).toEqual({ kind: "used", used: "9,000" });
  });

  it("shows rolling limits as limits only: their use is known to the gateways alone", () => {
    const rows = windowRows(scope({ limits: { requests_per_minute: 30, requests_per_hour: 200, tokens_per_minute: 50000 } }), "en");
    expect(rows[0].requests).toEqual({ kind: "rate", limit: "30" });
    expect(rows[0].tokens).toEqual({ kind: "rate", limit: "50,000" });
    expect(rows[1].requests).toEqual({ kind: "rate", limit: "200" });
    expect(rows[1].tokens).toEqual({ kind: "unlimited" });
    expect(rows[0].resetsAt).toBeUndefined();
  });

  it("shows a calendar budget as used, limit and the server's remaining, flagged when used up", () => {
    const rows = windowRows(
      scope({
        limits: { requests_per_day: 1000, tokens_per_month: 1_000_000 },
        usage: { day: { ...day, requests: 12 }, month: { ...month, tokens: 1_200_000 } },
        remaining: { requests_per_day: 988, tokens_per_month: 0 },
      }),
      "en",
    );
    expect(rows[2].requests).toEqual({ kind: "budget", used: "12", limit: "1,000", remaining: "988", exhausted: false });
    expect(rows[3].tokens).toEqual({
      kind: "budget",
      used: "1,200,000",
      limit: "1,000,000",
      remaining: "0",
      exhausted: true,
    });
  });

  it("computes what is left when the server gave no figure, never below 0", () => {
    const rows = windowRows(
      scope({ limits: { tokens_per_day: 100 }, usage: { day: { ...day, tokens: 250 }, month } }),
      "de",
    );
    expect(rows[2].tokens).toMatchObject({ remaining: "0", exhausted: true, used: "250" });
  });
});

describe("otherLimits", () => {
  it("formats concurrency and per-request caps, undefined where there is no limit", () => {
    expect(otherLimits({ concurrent_requests_per_model: 2, max_tokens_per_request: 4096 }, "en")).toEqual({
      concurrentPerModel: "2",
      maxTokensPerRequest: "4,096",
      maxNPerRequest: undefined,
    });
  });
});

describe("capsOf", () => {
  it("lists a key's caps in the contract's order, written for the locale", () => {
    expect(capsOf({ tokens_per_day: 100000, requests_per_minute: 30, concurrent_requests_per_model: 2 }, "en")).toEqual([
      { message: "apiKeysCapRequestsPerMinute", formatted: "30" },
      { message: "apiKeysCapTokensPerDay", formatted: "100,000" },
      { message: "apiKeysCapConcurrent", formatted: "2" },
    ]);
  });

  it("is empty for a key without caps (older keys have no limits member)", () => {
    expect(capsOf(undefined, "en")).toEqual([]);
    expect(capsOf({}, "en")).toEqual([]);
  });
});

describe("capsFromInputs", () => {
  it("turns filled inputs into the mint request's limits and leaves blank ones out", () => {
    expect(capsFromInputs({ requests_per_minute: " 30 ", tokens_per_day: "", concurrent_requests_per_model: "2" })).toEqual({
      limits: { requests_per_minute: 30, concurrent_requests_per_model: 2 },
      errors: [],
    });
    expect(capsFromInputs({})).toEqual({ limits: {}, errors: [] });
  });

  it("refuses anything but a whole number of at least 1, and then sends no limits at all", () => {
    for (const bad of ["0", "-1", "1.5", "1e3", "abc", "+3", "99999999999999999999"]) {
      expect(capsFromInputs({ requests_per_minute: "10", tokens_per_day: bad })).toEqual({
        limits: {},
        errors: ["tokens_per_day"],
      });
    }
  });
});
