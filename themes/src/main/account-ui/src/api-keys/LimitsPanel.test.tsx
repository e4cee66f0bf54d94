import type { i18n as I18n } from "i18next";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { beforeAll, describe, expect, it } from "vitest";

import { KeyCaps } from "./KeyCaps";
import type { ApiKey } from "./api";
import type { LimitsOverview } from "./limits";
import { LimitsPanel } from "./LimitsPanel";
import { testI18n } from "./testMessages";

let i18n: I18n;
beforeAll(async () => {
  i18n = await testI18n();
});

function render(element: ReactElement): string {
  return renderToStaticMarkup(<I18nextProvider i18n={i18n}>{element}</I18nextProvider>);
}

/** Markup as a user reads it: tags dropped, entities decoded, white space collapsed. */
function readable(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** The component's text, rendered with the shipped English messages. */
function text(element: ReactElement): string {
  return readable(render(element));
}

/** The text of the element carrying `data-testid`, within the rendered markup. */
function section(element: ReactElement, testId: string): string {
  const html = render(element);
  const start = html.indexOf(`data-testid="${testId}"`);
  expect(start, testId).toBeGreaterThan(-1);
  const open = html.lastIndexOf("<", start);
  const tag = html.slice(open + 1).match(/^[a-z0-9]+/)?.[0];
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}[\\s>]`, "g");
  pattern.lastIndex = open;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) {
      return readable(html.slice(open, match.index));
    }
  }
  throw new Error(`unclosed ${testId}`);
}

const formatTime = (iso: string) => `[${iso}]`;
const usage = {
  day: { requests: 12, tokens: 3400, resetsAt: "2026-12-01T00:00:00Z" },
  month: { requests: 40, tokens: 9000, resetsAt: "2027-01-01T00:00:00Z" },
};

const overview: LimitsOverview = {
  usageAsOf: "2026-11-30T10:00:05Z",
  user: {
    limits: { requests_per_minute: 30, requests_per_day: 1000, tokens_per_month: 8000, concurrent_requests_per_model: 2 },
    usage,
    remaining: { requests_per_day: 988, tokens_per_month: 0 },
  },
  projects: [
    { id: "genomics", name: "genomics", limits: {}, usage, remaining: {} },
  ],
};

describe("LimitsPanel", () => {
  const panel = <LimitsPanel overview={overview} locale="en" formatTime={formatTime} />;

  it("shows the person's windows: limits, use, what is left and when it resets", () => {
    expect(section(panel, "limits-user")).toContain("You (all your keys and the web UI)");
    const user = section(panel, "limits-user");
    expect(user).toMatch(/Per minute 30 at most No limit/);
    expect(user).toMatch(/Per hour No limit No limit/);
    expect(user).toContain("Today (UTC) resets [2026-12-01T00:00:00Z] 12 of 1,000 used, 988 left 3,400 used, no limit");
    expect(user).toContain("This month (UTC) resets [2027-01-01T00:00:00Z] 40 used, no limit 9,000 of 8,000 used, 0 left Used up");
  });

  it("shows concurrency per model and per-request caps, 'No limit' where none is set", () => {
    const user = section(panel, "limits-user");
    expect(user).toContain("Concurrent requests per model 2");
    expect(user).toContain("Tokens per request (max_tokens) No limit");
    expect(user).toContain("Completions per request (n) No limit");
  });

  it("shows each project, shared by its members, with 'No limit' everywhere when it has none", () => {
    const project = section(panel, "limits-project-genomics");
    expect(project).toContain("Project genomics (shared by its members)");
    expect(project).toContain("Per minute No limit No limit");
    expect(project).toContain("12 used, no limit");
    expect(project).not.toContain("Used up");
  });

  it("says the counts are as of the gateways' last report, or that none came yet", () => {
    expect(section(panel, "limits-as-of")).toBe(
      "Counts as of the last usage report from the gateways ([2026-11-30T10:00:05Z]). New use shows up within about a minute.",
    );
    const unreported = <LimitsPanel overview={{ ...overview, usageAsOf: undefined }} locale="en" formatTime={formatTime} />;
    expect(section(unreported, "limits-as-of")).toContain("The gateways have not reported any usage yet.");
  });
});

describe("KeyCaps", () => {
  const key = { keyId: "AAAAAAAAAAAA", usage30d: { requests: 0, prompt_tokens: 0, completion_tokens: 0 } } as ApiKey;

  it("lists a key's caps in words", () => {
    expect(text(<KeyCaps apiKey={{ ...key, limits: { requests_per_minute: 5, tokens_per_day: 20000 } }} locale="en" />)).toBe(
      "5 requests/minute 20,000 tokens/day",
    );
  });

  it("says None for a key without caps", () => {
    expect(text(<KeyCaps apiKey={key} locale="en" />)).toBe("None");
  });
});
