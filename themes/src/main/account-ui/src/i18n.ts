import { createInstance, type LanguageDetectorModule } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";

import { environment } from "./environment";

type KeyValue = { key: string; value: string };

const languageDetector: LanguageDetectorModule = {
  type: "languageDetector",
  detect: () => environment.locale,
};

/**
 * The theme's message bundles, served by Keycloak merged with its own account messages:
 * the stock pages and ours read the same bundle (theme/inference/account/messages).
 */
export const i18n = createInstance({
  fallbackLng: "en",
  nsSeparator: false,
  interpolation: { escapeValue: false },
  backend: {
    loadPath: `${environment.serverBaseUrl.replace(/\/+$/, "")}/resources/${encodeURIComponent(environment.realm)}/account/{{lng}}`,
    parse(data: string) {
      const messages: KeyValue[] = JSON.parse(data);
      return Object.fromEntries(messages.map(({ key, value }) => [key, value]));
    },
  },
});

i18n.use(FetchBackend);
i18n.use(languageDetector);
i18n.use(initReactI18next);
