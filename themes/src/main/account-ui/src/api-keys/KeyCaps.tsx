import { useTranslation } from "react-i18next";

import type { ApiKey } from "./api";
import { capsOf } from "./limits";

/** A key's own caps ("30 requests/minute"), one per line; "None" when the owner set none. */
export const KeyCaps = ({ apiKey, locale }: { apiKey: ApiKey; locale: string }) => {
  const { t } = useTranslation();
  const caps = capsOf(apiKey.limits, locale);
  if (caps.length === 0) {
    return <span className="pf-v5-u-color-200">{t("apiKeysCapsNone")}</span>;
  }
  return (
    <>
      {caps.map((cap) => (
        <div key={cap.message} data-testid="api-key-cap">
          {t(cap.message, { formatted: cap.formatted })}
        </div>
      ))}
    </>
  );
};
