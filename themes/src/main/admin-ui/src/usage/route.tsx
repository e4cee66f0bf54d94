import type { TFunction } from "i18next";

import { UsagePage } from "./UsagePage";

/** Path of the page below the realm: #/<realm>/usage. */
export const USAGE_PATH = "usage";

export const UsageRoute = {
  path: `/:realm/${USAGE_PATH}`,
  element: <UsagePage />,
  // The page checks useInferenceAccess itself: the stock access types cannot name a realm role.
  handle: { access: "anyone" as const, breadcrumb: (t: TFunction) => t("inferenceUsageTitle") },
};
