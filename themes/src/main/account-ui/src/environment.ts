import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** The settings Keycloak writes into index.ftl (realm, URLs, locale, feature flags). */
export const environment = getInjectedEnvironment<AccountEnvironment>();

/**
 * Base URL of the OpenAI-compatible inference API (the gateway), shown in usage examples.
 * The theme property `inferenceApiBaseUrl` fills a <meta> tag in our index.ftl.
 */
export const inferenceApiBaseUrl: string =
  document
    .querySelector<HTMLMetaElement>('meta[name="inference-api-base-url"]')
    ?.content.replace(/\/+$/, "") ?? "";
