import "@patternfly/patternfly/patternfly-addons.css";
import "@patternfly/react-core/dist/styles/base.css";
// The stock pages' styles: keycloak-admin-ui bundles PatternFly and ships the CSS of what it
// bundled; our charts and pages add PatternFly's own.
import "@keycloak/keycloak-admin-ui/styles.css";

// KeycloakProvider and every context hook must come from keycloak-admin-ui: its bundle carries
// its own copy of keycloak-ui-shared, whose React contexts the stock pages use.
import { KeycloakProvider } from "@keycloak/keycloak-admin-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createHashRouter, RouterProvider } from "react-router-dom";

import { App } from "./shell/App";
import { environment } from "./environment";
import { i18n } from "./i18n";
import { RouteError } from "./shell/RouteError";
import { routes } from "./shell/routes";

await i18n.init();

// As Keycloak's own console: hash routes (#/<realm>/<page>), so the server serves one page.
const router = createHashRouter([
  {
    path: "/",
    element: <App />,
    errorElement: <RouteError />,
    children: routes,
  },
]);

createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <KeycloakProvider environment={environment}>
      <RouterProvider router={router} />
    </KeycloakProvider>
  </StrictMode>,
);
