import { useAdminClient, useRealm } from "@keycloak/keycloak-admin-ui";
import { useMemo } from "react";

/** A refusal of our admin REST endpoints, with the server's own explanation. */
export class AdminRestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<AdminRestError> {
  let detail = "";
  try {
    const body = await response.json();
    detail = body.error_description ?? body.error ?? "";
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new AdminRestError(
    response.status,
    `HTTP ${response.status}${detail ? `: ${detail}` : ""}`,
  );
}

export type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") {
      params.set(name, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A file the browser saves (a download), from a Blob held in memory. */
function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Our endpoints under /admin/realms/{realm}/ of the realm shown, with the console's own access
 * token in the Authorization header (refreshed by the stock admin client): never in a URL.
 */
export function useAdminRest() {
  const { adminClient } = useAdminClient();
  const { realm } = useRealm();

  return useMemo(() => {
    const base = `${adminClient.baseUrl.replace(/\/+$/, "")}/admin/realms/${encodeURIComponent(realm)}/`;

    async function send(method: string, path: string, query: Query, accept: string) {
      const token = await adminClient.getAccessToken();
      const response = await fetch(base + path + queryString(query), {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: accept },
      });
      if (!response.ok) {
        throw await failure(response);
      }
      return response;
    }

    return {
      /** The realm these calls go to: part of every cache key. */
      realm,
      async getJson<T>(path: string, query: Query = {}): Promise<T> {
        return (await send("GET", path, query, "application/json")).json();
      },
      async remove(path: string): Promise<void> {
        await send("DELETE", path, {}, "application/json");
      },
      /**
       * The endpoint's CSV answer for the same query, saved as `fileName` (ours names the card;
       * the server's Content-Disposition names only the endpoint).
       */
      async downloadCsv(path: string, query: Query, fileName: string): Promise<void> {
        const response = await send("GET", path, { ...query, format: "csv" }, "text/csv");
        save(await response.blob(), fileName);
      },
    };
  }, [adminClient, realm]);
}
