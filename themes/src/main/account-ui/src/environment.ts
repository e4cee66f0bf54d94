import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** The settings Keycloak writes into index.ftl (realm, URLs, locale, feature flags). */
export const environment = getInjectedEnvironment<AccountEnvironment>();
