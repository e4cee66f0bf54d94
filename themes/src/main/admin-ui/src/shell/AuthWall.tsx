import { ForbiddenSection, useAccess } from "@keycloak/keycloak-admin-ui";
import type { AccessType } from "@keycloak/keycloak-admin-client/lib/defs/whoAmIRepresentation";
import type { ReactNode } from "react";
import { useMatches } from "react-router-dom";

function accessOf(handle: unknown): AccessType[] {
  if (typeof handle !== "object" || handle === null || !("access" in handle)) {
    return [];
  }
  const access = (handle as { access: AccessType | AccessType[] }).access;
  return Array.isArray(access) ? access : [access];
}

/** The stock console's guard (not exported): a route's handle.access decides, as there. */
export const AuthWall = ({ children }: { children: ReactNode }) => {
  const { hasAccess } = useAccess();
  const needed = useMatches().flatMap(({ handle }) => accessOf(handle));
  return hasAccess(...needed) ? children : <ForbiddenSection permissionNeeded={needed} />;
};
