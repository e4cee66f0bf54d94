import { describe, expect, it } from "vitest";

import { formatCount, lastUse, usageFigures } from "./usage";

describe("usageFigures", () => {
  it("writes counts with the locale's grouping and adds prompt and completion tokens", () => {
    expect(
      usageFigures({ requests: 1234, prompt_tokens: 12345, completion_tokens: 678 }, "en"),
    ).toEqual({ requests: "1,234", tokens: "13,023", prompt: "12,345", completion: "678" });
    expect(usageFigures({ requests: 1234567, prompt_tokens: 0, completion_tokens: 0 }, "de")).toEqual({
      requests: "1.234.567",
      tokens: "0",
      prompt: "0",
      completion: "0",
    });
  });

  it("gives nothing to show for a key without requests, so the page says so instead of zeros", () => {
    expect(usageFigures({ requests: 0, prompt_tokens: 0, completion_tokens: 0 }, "en")).toBeUndefined();
    expect(usageFigures(undefined, "en")).toBeUndefined();
  });

  it("keeps zero tokens when requests were counted without usage from the upstream", () => {
    expect(usageFigures({ requests: 3, prompt_tokens: 0, completion_tokens: 0 }, "en")?.tokens).toBe("0");
  });
});

describe("formatCount", () => {
  it("handles the largest counters the contract allows (2^53)", () => {
    expect(formatCount(2 ** 53, "en")).toBe("9,007,199,254,740,992");
  });
});

describe("lastUse", () => {
  const none = { requests: 0, prompt_tokens: 0, completion_tokens: 0 };

  it("is a time whenever the server has one", () => {
    expect(lastUse({ lastUsedAt: "2026-11-29T12:00:00Z", usage30d: none })).toBe("at");
  });

  it("is 'never' only without a time and without requests", () => {
    expect(lastUse({ lastUsedAt: null, usage30d: none })).toBe("never");
  });

  it("is 'unknown', not 'never', for a key with requests but no recorded time", () => {
    expect(lastUse({ lastUsedAt: null, usage30d: { ...none, requests: 2 } })).toBe("unknown");
  });
});
