import { routes as stockRoutes } from "@keycloak/keycloak-account-ui";
import type { RouteObject } from "react-router-dom";

import { ApiKeys } from "./api-keys/ApiKeys";

/** Path of our page below the account console's base URL; content.json links to it. */
export const API_KEYS_PATH = "api-keys";

export const ApiKeysRoute: RouteObject = {
  path: API_KEYS_PATH,
  element: <ApiKeys />,
};

/** Keycloak's own pages, unchanged, plus ours. */
export const routes: RouteObject[] = [...stockRoutes, ApiKeysRoute];
