import { useTranslation } from "react-i18next";

import type { ApiKey } from "./api";
import { lastUse, usageFigures } from "./usage";

type Props = { apiKey: ApiKey; locale: string; formatTime: (iso: string) => string };

/** "Last used": the time a gateway last reported, "Never used" only when none ever did. */
export const LastUsed = ({ apiKey, formatTime }: Omit<Props, "locale">) => {
  const { t } = useTranslation();
  switch (lastUse(apiKey)) {
    case "at":
      return <>{formatTime(apiKey.lastUsedAt ?? "")}</>;
    case "unknown":
      return <>{t("apiKeysUsedTimeUnknown")}</>;
    default:
      return <>{t("apiKeysNeverUsed")}</>;
  }
};

/** "Last 30 days": requests, tokens, and the tokens split into prompt / completion. */
export const Usage30d = ({ apiKey, locale }: Omit<Props, "formatTime">) => {
  const { t } = useTranslation();
  const figures = usageFigures(apiKey.usage30d, locale);
  if (!figures) {
    return <span data-testid="api-key-usage-none">{t("apiKeysUsageNone")}</span>;
  }
  return (
    <>
      <div data-testid="api-key-requests">
        {t("apiKeysUsageRequests", { count: apiKey.usage30d.requests, formatted: figures.requests })}
      </div>
      <div data-testid="api-key-tokens">{t("apiKeysUsageTokens", { formatted: figures.tokens })}</div>
      <div data-testid="api-key-token-breakdown" className="pf-v5-u-font-size-sm pf-v5-u-color-200">
        {t("apiKeysUsageTokenBreakdown", { prompt: figures.prompt, completion: figures.completion })}
      </div>
    </>
  );
};
