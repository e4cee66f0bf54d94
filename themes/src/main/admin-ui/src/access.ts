import {
  useAccess,
  useEnvironment,
  useRealm,
  type AdminEnvironment,
} from "@keycloak/keycloak-admin-ui";

/** The realm role that lets a person read usage reports without any realm-management role. */
export const USAGE_REPORTER_ROLE = "usage-reporter";

export type InferenceAccess = {
  /** Usage page: usage-reporter (a token of this realm), view-realm or view-users. */
  usage: boolean;
  /** API keys page: view-users. */
  keys: boolean;
  /** Revoke buttons: manage-users. */
  revokeKeys: boolean;
};

/**
 * Who may see our pages, the same rule the server applies (UsageAdminResource,
 * ApiKeysAdminResource): the one place the navigation and the pages ask. The server enforces
 * it regardless; this only spares people buttons that would answer 403.
 */
export function useInferenceAccess(): InferenceAccess {
  const { hasAccess, hasSomeAccess } = useAccess();
  const { realm } = useRealm();
  const { keycloak, environment } = useEnvironment<AdminEnvironment>();
  // A realm role counts only in the realm that issued the console's token.
  const reporter =
    realm === environment.realm &&
    (keycloak.tokenParsed?.realm_access?.roles ?? []).includes(USAGE_REPORTER_ROLE);
  return {
    usage: reporter || hasSomeAccess("view-realm", "view-users"),
    keys: hasAccess("view-users"),
    revokeKeys: hasAccess("manage-users"),
  };
}
