import {
  routes as stockRoutes,
  useAccess,
  useEnvironment,
  useRealm,
  useServerInfo,
  type AdminEnvironment,
} from "@keycloak/keycloak-admin-ui";
import { isBundleKey, label } from "@keycloak/keycloak-ui-shared";
import { Label, Nav, NavGroup, PageSidebar, PageSidebarBody } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router-dom";

import { useInferenceAccess } from "../access";
import { API_KEYS_PATH } from "../api-keys/route";
import { USAGE_PATH } from "../usage/route";

/** The stock route whose path, without parameters, is `path`: its handle says who may go there. */
const stockRouteFor = (path: string) =>
  stockRoutes.find((route) => route.path.replace(/\/:.+?(\?|(?:(?!\/).)*|$)/g, "") === path);

const NavEntry = ({ title, path }: { title: string; path: string }) => {
  const { t } = useTranslation();
  const { realm } = useRealm();
  const name = "nav-item" + path.replace("/", "-");
  return (
    <li>
      <NavLink
        id={name}
        data-testid={name}
        to={`/${encodeURIComponent(realm)}${path}`}
        className={({ isActive }) => `pf-v5-c-nav__link${isActive ? " pf-m-current" : ""}`}
      >
        {t(title)}
      </NavLink>
    </li>
  );
};

/** A stock entry, shown when the stock route's access rule allows it (as in the stock nav). */
const StockEntry = ({ title, path }: { title: string; path: string }) => {
  const { hasAccess } = useAccess();
  const route = stockRouteFor(path);
  const access = route?.handle.access;
  const allowed =
    access !== undefined && (Array.isArray(access) ? hasAccess(...access) : hasAccess(access));
  return allowed ? <NavEntry title={title} path={path} /> : null;
};

/**
 * Keycloak's admin navigation (26.7.3, js/apps/admin-ui/src/PageNav.tsx: same groups, entries
 * and access rules) plus our "Inference" group. Compare with the stock one when upgrading.
 */
export const PageNav = ({ isOpen }: { isOpen: boolean }) => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<AdminEnvironment>();
  const { hasSomeAccess } = useAccess();
  const { features } = useServerInfo();
  const { realm, realmRepresentation } = useRealm();
  const inference = useInferenceAccess();

  const enabled = (feature: string) =>
    (features ?? []).some((f) => f.enabled && f.name === feature);
  const showManage = hasSomeAccess(
    "view-realm",
    "query-groups",
    "query-users",
    "query-clients",
    "query-organizations",
    "view-events",
  );
  const showConfigure = hasSomeAccess("view-realm", "query-clients", "view-identity-providers");
  const showWorkflows = hasSomeAccess("realm-admin", "admin") && enabled("WORKFLOWS");
  const showOrganizations =
    enabled("ORGANIZATION") &&
    hasSomeAccess("manage-realm", "query-organizations") &&
    realmRepresentation.organizationsEnabled;
  const displayName = realmRepresentation.displayName;

  return (
    <PageSidebar className="keycloak__page_nav__nav" isSidebarOpen={isOpen}>
      <PageSidebarBody>
        <Nav>
          <h2 className="pf-v5-c-nav__section-title" style={{ wordWrap: "break-word" }}>
            <span data-testid="currentRealm">
              {displayName && isBundleKey(displayName)
                ? label(t, displayName)
                : displayName || realm}
            </span>{" "}
            <Label color="blue">{t("currentRealm")}</Label>
          </h2>
          {environment.masterRealm === environment.realm && (
            <NavGroup>
              <StockEntry title="manageRealms" path="/realms" />
            </NavGroup>
          )}
          {showManage && (
            <NavGroup aria-label={t("manage")} title={t("manage")}>
              {showOrganizations && <StockEntry title="organizations" path="/organizations" />}
              <StockEntry title="clients" path="/clients" />
              <StockEntry title="clientScopes" path="/client-scopes" />
              <StockEntry title="realmRoles" path="/roles" />
              <StockEntry title="users" path="/users" />
              <StockEntry title="groups" path="/groups" />
              <StockEntry title="sessions" path="/sessions" />
              <StockEntry title="events" path="/events" />
            </NavGroup>
          )}
          {(inference.usage || inference.keys) && (
            <NavGroup aria-label={t("inferenceNavGroup")} title={t("inferenceNavGroup")}>
              {inference.usage && <NavEntry title="inferenceUsageTitle" path={`/${USAGE_PATH}`} />}
              {inference.keys && (
                <NavEntry title="inferenceApiKeysTitle" path={`/${API_KEYS_PATH}`} />
              )}
            </NavGroup>
          )}
          {showConfigure && (
            <NavGroup aria-label={t("configure")} title={t("configure")}>
              <StockEntry title="realmSettings" path="/realm-settings" />
              <StockEntry title="authentication" path="/authentication" />
              {enabled("ADMIN_FINE_GRAINED_AUTHZ_V2") &&
                realmRepresentation.adminPermissionsEnabled && (
                  <StockEntry title="permissions" path="/permissions" />
                )}
              <StockEntry title="identityProviders" path="/identity-providers" />
              <StockEntry title="userFederation" path="/user-federation" />
              {showWorkflows && <StockEntry title="workflows" path="/workflows" />}
            </NavGroup>
          )}
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
};
