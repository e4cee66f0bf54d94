import {
  AdminClientProvider,
  AppContexts,
  Header,
  PageBreadCrumbs,
} from "@keycloak/keycloak-admin-ui";
import { mainPageContentId } from "@keycloak/keycloak-ui-shared";
import { Page, Spinner } from "@patternfly/react-core";
import { Suspense, useState, type MouseEvent } from "react";
import { Outlet } from "react-router-dom";

import { AuthWall } from "./AuthWall";
import { ErrorBoundary } from "./ErrorBoundary";
import { PageNav } from "./PageNav";
import { TemporaryAdminBanner } from "./TemporaryAdminBanner";

/** PatternFly's xl breakpoint: below it the navigation starts closed, as in the stock console. */
const WIDE_SCREEN = 1200;

/**
 * Keycloak's admin console App (26.7.3), with our navigation in place of the stock one (which
 * cannot take extra entries). The stock header bundles its own PatternFly, whose sidebar toggle
 * cannot reach our Page: its click (id nav-toggle) bubbles up to our outer element, which opens
 * or closes our navigation instead. (A wrapper around the header alone would take it out of the
 * Page's grid.)
 */
export const App = () => {
  const [navOpen, setNavOpen] = useState(() => window.innerWidth >= WIDE_SCREEN);
  const onHeaderClick = (event: MouseEvent) => {
    if ((event.target as Element).closest("#nav-toggle")) {
      setNavOpen((open) => !open);
    }
  };

  return (
    <AdminClientProvider>
      <AppContexts>
        <div
          style={{ display: "flex", flexDirection: "column", height: "100%" }}
          onClick={onHeaderClick}
        >
          <TemporaryAdminBanner />
          <div style={{ flexGrow: 1, minHeight: 0 }}>
            <Page
              header={<Header />}
              sidebar={<PageNav isOpen={navOpen} />}
              breadcrumb={<PageBreadCrumbs />}
              mainContainerId={mainPageContentId}
            >
              <ErrorBoundary>
                <Suspense fallback={<Spinner />}>
                  <AuthWall>
                    <Outlet />
                  </AuthWall>
                </Suspense>
              </ErrorBoundary>
            </Page>
          </div>
        </div>
      </AppContexts>
    </AdminClientProvider>
  );
};
