import { formatCount } from "./usage";

/**
 * The fields of one limit set (the same object everywhere, docs/limits.md): positive integers; an
 * absent field means no limit at that scope.
 */
export const LIMIT_FIELDS = [
  "requests_per_minute",
  "requests_per_hour",
  "requests_per_day",
  "requests_per_month",
  "tokens_per_minute",
  "tokens_per_day",
  "tokens_per_month",
  "concurrent_requests_per_model",
  "max_tokens_per_request",
  "max_n_per_request",
] as const;

export type LimitField = (typeof LIMIT_FIELDS)[number];
export type LimitSet = Partial<Record<LimitField, number>>;

/** Requests and tokens counted in one calendar window (UTC), and when that window starts again. */
export type WindowUsage = { requests: number; tokens: number; resetsAt: string };

/** One scope (the person, or one project) of `GET /realms/{realm}/api-keys/limits`. */
export type ScopeLimits = {
  limits: LimitSet;
  usage: { day: WindowUsage; month: WindowUsage };
  /** For each day/month limit that is set: what is left of it (never below 0). */
  remaining: LimitSet;
};

export type ProjectLimits = ScopeLimits & { id: string; name: string };

export type LimitsOverview = {
  user: ScopeLimits;
  projects: ProjectLimits[];
  /** When a gateway last reported usage to Keycloak; absent when none did (recently). */
  usageAsOf?: string;
};

/** What one cell of the limits table says. */
export type LimitCell =
  /** No limit, and nothing counted for this window (the rolling windows). */
  | { kind: "unlimited" }
  /** A rolling window's limit: its use is only known to the gateways. */
  | { kind: "rate"; limit: string }
  /** A calendar window without a limit: only what was used. */
  | { kind: "used"; used: string }
  /** A calendar window with a limit: used, the limit and what is left. */
  | { kind: "budget"; used: string; limit: string; remaining: string; exhausted: boolean };

export type WindowName = "minute" | "hour" | "day" | "month";

/** A row of the limits table: one window, with a cell for requests and one for tokens. */
export type WindowRow = { window: WindowName; requests: LimitCell; tokens: LimitCell; resetsAt?: string };

const REQUEST_FIELDS: Record<WindowName, LimitField> = {
  minute: "requests_per_minute",
  hour: "requests_per_hour",
  day: "requests_per_day",
  month: "requests_per_month",
};

// There is no tokens-per-hour limit: that cell always says "no limit".
const TOKEN_FIELDS: Record<WindowName, LimitField | undefined> = {
  minute: "tokens_per_minute",
  hour: undefined,
  day: "tokens_per_day",
  month: "tokens_per_month",
};

function rollingCell(limit: number | undefined, locale: string): LimitCell {
  return limit === undefined ? { kind: "unlimited" } : { kind: "rate", limit: formatCount(limit, locale) };
}

function calendarCell(
  limit: number | undefined,
  used: number,
  remaining: number | undefined,
  locale: string,
): LimitCell {
  if (limit === undefined) {
    return { kind: "used", used: formatCount(used, locale) };
  }
  // The server computes what is left; without its figure, what the numbers say (never below 0).
  const left = remaining ?? Math.max(0, limit - used);
  return {
    kind: "budget",
    used: formatCount(used, locale),
    limit: formatCount(limit, locale),
    remaining: formatCount(left, locale),
    exhausted: left <= 0,
  };
}

/** The four windows of a scope, each with its requests and tokens, in the order the page shows them. */
export function windowRows(scope: ScopeLimits, locale: string): WindowRow[] {
  const { limits, usage, remaining } = scope;
  return (["minute", "hour", "day", "month"] as const).map((window) => {
    const requestField = REQUEST_FIELDS[window];
    const tokenField = TOKEN_FIELDS[window];
    if (window === "minute" || window === "hour") {
      return {
        window,
        requests: rollingCell(limits[requestField], locale),
        tokens: rollingCell(tokenField ? limits[tokenField] : undefined, locale),
      };
    }
    const counted = usage[window];
    return {
      window,
      requests: calendarCell(limits[requestField], counted.requests, remaining[requestField], locale),
      tokens: calendarCell(tokenField ? limits[tokenField] : undefined, counted.tokens,
        tokenField ? remaining[tokenField] : undefined, locale),
      resetsAt: counted.resetsAt,
    };
  });
}

/** The limits that are not windows: concurrency and per-request caps; undefined = no limit. */
export function otherLimits(limits: LimitSet, locale: string) {
  const formatted = (field: LimitField) =>
    limits[field] === undefined ? undefined : formatCount(limits[field] as number, locale);
  return {
    concurrentPerModel: formatted("concurrent_requests_per_model"),
    maxTokensPerRequest: formatted("max_tokens_per_request"),
    maxNPerRequest: formatted("max_n_per_request"),
  };
}

/** Message key of each field's short form in the key list ("30 requests/minute"). */
export const CAP_MESSAGES: Record<LimitField, string> = {
  requests_per_minute: "apiKeysCapRequestsPerMinute",
  requests_per_hour: "apiKeysCapRequestsPerHour",
  requests_per_day: "apiKeysCapRequestsPerDay",
  requests_per_month: "apiKeysCapRequestsPerMonth",
  tokens_per_minute: "apiKeysCapTokensPerMinute",
  tokens_per_day: "apiKeysCapTokensPerDay",
  tokens_per_month: "apiKeysCapTokensPerMonth",
  concurrent_requests_per_model: "apiKeysCapConcurrent",
  max_tokens_per_request: "apiKeysCapMaxTokens",
  max_n_per_request: "apiKeysCapMaxN",
};

/** A key's caps as the key list shows them, in the contract's field order; empty for a key without caps. */
export function capsOf(limits: LimitSet | undefined, locale: string): { message: string; formatted: string }[] {
  if (!limits) {
    return [];
  }
  return LIMIT_FIELDS.filter((field) => typeof limits[field] === "number").map((field) => ({
    message: CAP_MESSAGES[field],
    formatted: formatCount(limits[field] as number, locale),
  }));
}

/** The caps the create form offers for a new key. */
export const FORM_CAPS = ["requests_per_minute", "tokens_per_day", "concurrent_requests_per_model"] as const;
export type FormCap = (typeof FORM_CAPS)[number];

/** Mirrors the server's bound on limit values (JSON numbers the browser still reads exactly). */
const MAX_CAP = Number.MAX_SAFE_INTEGER;

/**
 * The form's cap inputs as the mint request's `limits`: blank inputs are no cap; anything else must
 * be a whole number of at least 1 (digits only: no signs, decimals or exponents). `errors` names
 * the fields that are not; then there are no limits to send.
 */
export function capsFromInputs(inputs: Partial<Record<FormCap, string>>): {
  limits: LimitSet;
  errors: FormCap[];
} {
  const limits: LimitSet = {};
  const errors: FormCap[] = [];
  for (const field of FORM_CAPS) {
    const text = (inputs[field] ?? "").trim();
    if (text === "") {
      continue;
    }
    const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CAP) {
      errors.push(field);
    } else {
      limits[field] = value;
    }
  }
  return { limits: errors.length ? {} : limits, errors };
}
