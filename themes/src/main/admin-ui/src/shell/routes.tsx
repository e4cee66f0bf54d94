import { routes as stockRoutes } from "@keycloak/keycloak-admin-ui";
import type { RouteObject } from "react-router-dom";

import { ApiKeysRoute } from "../api-keys/route";
import { UsageRoute } from "../usage/route";

/** Our pages, each checked by its own component against useInferenceAccess. */
export const inferenceRoutes = [UsageRoute, ApiKeysRoute];

/**
 * Keycloak's own pages, unchanged, plus ours; Keycloak's catch-all ("page not found", path *)
 * stays last.
 */
export const routes: RouteObject[] = [
  ...stockRoutes.filter((route) => route.path !== "*"),
  ...inferenceRoutes,
  ...stockRoutes.filter((route) => route.path === "*"),
];
