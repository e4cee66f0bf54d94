import { ErrorRenderer } from "@keycloak/keycloak-admin-ui";
import { useRouteError } from "react-router-dom";

/** The router's error element: what went wrong, in the stock console's error panel. */
export const RouteError = () => {
  const error = useRouteError();
  return <ErrorRenderer error={error instanceof Error ? error : new Error(String(error))} />;
};
