import { createInstance } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";

import { environment } from "./environment";

type KeyValue = { key: string; value: string };

/**
 * As Keycloak's own admin console (26.7): one namespace per realm shown, loaded from the admin
 * theme's merged message bundles; the console switches namespace when the realm changes. Our
 * texts live in theme/inference/admin/messages.
 */
export const i18n = createInstance({
  fallbackLng: "en",
  keySeparator: ".",
  nsSeparator: false,
  interpolation: { escapeValue: false },
  defaultNS: [environment.realm],
  ns: [environment.realm],
  backend: {
    loadPath: `${environment.adminBaseUrl.replace(/\/+$/, "")}/resources/{{ns}}/admin/{{lng}}`,
    parse(data: string) {
      const messages: KeyValue[] = JSON.parse(data);
      return Object.fromEntries(messages.map(({ key, value }) => [key, value]));
    },
  },
});

i18n.use(FetchBackend);
i18n.use(initReactI18next);
