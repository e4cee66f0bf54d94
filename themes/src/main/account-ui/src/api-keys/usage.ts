import type { ApiKey } from "./api";

/** A key's requests and tokens over the last 30 days, as `usage30d` of the key listing. */
export type Usage30d = ApiKey["usage30d"];

/** The numbers of one key's 30-day usage, written for `locale` (12,345 in English). */
export type UsageFigures = {
  requests: string;
  tokens: string;
  prompt: string;
  completion: string;
};

export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/**
 * The figures to show, or undefined when the key made no request in the period: then the page says
 * so instead of a row of zeros. Tokens can be 0 with requests (an upstream that reports no usage).
 */
export function usageFigures(usage: Usage30d | undefined, locale: string): UsageFigures | undefined {
  if (!usage || usage.requests <= 0) {
    return undefined;
  }
  return {
    requests: formatCount(usage.requests, locale),
    tokens: formatCount(usage.prompt_tokens + usage.completion_tokens, locale),
    prompt: formatCount(usage.prompt_tokens, locale),
    completion: formatCount(usage.completion_tokens, locale),
  };
}

/** Which "last used" text applies: a time, "never", or used with no time recorded. */
export function lastUse(key: Pick<ApiKey, "lastUsedAt" | "usage30d">): "at" | "never" | "unknown" {
  if (key.lastUsedAt) {
    return "at";
  }
  return key.usage30d && key.usage30d.requests > 0 ? "unknown" : "never";
}
