import "@patternfly/patternfly/patternfly-addons.css";
import "@patternfly/react-core/dist/styles/base.css";
// The stock pages' styles: keycloak-account-ui bundles PatternFly and ships the CSS of what it
// bundled in one file, which its package "exports" do not list (hence the relative path).
import "../node_modules/@keycloak/keycloak-account-ui/lib/keycloak-account-ui.css";

// KeycloakProvider, useEnvironment and the alerts must all come from keycloak-account-ui: its
// bundle carries its own copy of keycloak-ui-shared, whose React contexts the stock pages use.
import { KeycloakProvider } from "@keycloak/keycloak-account-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { environment } from "./environment";
import { i18n } from "./i18n";
import { Root } from "./Root";

await i18n.init();

createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <KeycloakProvider environment={environment}>
      <Root />
    </KeycloakProvider>
  </StrictMode>,
);
