import {
  Header,
  PageNav,
  useAccountAlerts,
  useEnvironment,
  usePromise,
  type AccountEnvironment,
} from "@keycloak/keycloak-account-ui";
import { ErrorPage, type KeycloakContext } from "@keycloak/keycloak-ui-shared";
import { AlertVariant, Page, Spinner } from "@patternfly/react-core";
import { Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  RouterProvider,
  type RouteObject,
} from "react-router-dom";

import { routes } from "./routes";

type MenuItem =
  | { id?: string; label: string; path: string; isVisible?: string }
  | { label: string; children: MenuItem[]; isVisible?: string };

/**
 * The menu is the theme's content.json (ours adds "API keys"); each entry becomes a route when
 * a page with its path exists. Mirrors the stock console's Root, which is not exported.
 */
function mapRoutes(
  context: KeycloakContext<AccountEnvironment>,
  content: MenuItem[],
): RouteObject[] {
  const features = context.environment.features as Record<string, boolean>;
  return content.flatMap((item): RouteObject[] => {
    if ("children" in item) {
      return mapRoutes(context, item.children);
    }
    if (item.isVisible && !features[item.isVisible]) {
      return [];
    }
    const element = routes.find((r) => r.path === (item.id ?? item.path))?.element;
    return element ? [{ path: item.path, element }] : [];
  });
}

async function fetchContent(
  context: KeycloakContext<AccountEnvironment>,
  signal: AbortSignal,
): Promise<MenuItem[]> {
  const response = await fetch(
    `${context.environment.resourceUrl.replace(/\/+$/, "")}/content.json`,
    { signal },
  );
  if (!response.ok) {
    throw new Error(`content.json: HTTP ${response.status}`);
  }
  return response.json();
}

function CatchAllRedirect() {
  const { t } = useTranslation();
  const { addAlert } = useAccountAlerts();
  useEffect(() => {
    addAlert(t("pageNotFound"), AlertVariant.warning);
  }, [addAlert, t]);
  return <Navigate to=".." replace />;
}

export const Root = () => {
  const context = useEnvironment<AccountEnvironment>();
  const [router, setRouter] = useState<ReturnType<typeof createBrowserRouter>>();

  usePromise(
    (signal) => fetchContent(context, signal),
    (content) =>
      setRouter(
        createBrowserRouter([
          {
            path: decodeURIComponent(new URL(context.environment.baseUrl).pathname),
            element: (
              <Page header={<Header />} sidebar={<PageNav />} isManagedSidebar>
                <Suspense fallback={<Spinner />}>
                  <Outlet />
                </Suspense>
              </Page>
            ),
            errorElement: <ErrorPage />,
            children: [
              ...mapRoutes(context, content),
              { path: "*", element: <CatchAllRedirect /> },
            ],
          },
        ]),
      ),
  );

  return router ? <RouterProvider router={router} /> : <Spinner />;
};
