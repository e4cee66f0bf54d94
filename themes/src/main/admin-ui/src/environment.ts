import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** The settings Keycloak writes into the admin index.ftl (login realm, URLs, master realm). */
export const environment = getInjectedEnvironment<AdminEnvironment>();
