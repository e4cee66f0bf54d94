import type { TFunction } from "i18next";

import { ApiKeysPage } from "./ApiKeysPage";

/** Path of the page below the realm: #/<realm>/api-keys. */
export const API_KEYS_PATH = "api-keys";

export const ApiKeysRoute = {
  path: `/:realm/${API_KEYS_PATH}`,
  element: <ApiKeysPage />,
  handle: {
    access: "view-users" as const,
    breadcrumb: (t: TFunction) => t("inferenceApiKeysTitle"),
  },
};
