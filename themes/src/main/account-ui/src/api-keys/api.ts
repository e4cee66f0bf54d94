import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import type { KeycloakContext } from "@keycloak/keycloak-ui-shared";

import type { LimitSet, LimitsOverview } from "./limits";

/** A key as `GET /realms/{realm}/api-keys` lists it (docs/api-keys-contract.md); never a secret. */
export type ApiKey = {
  keyId: string;
  credentialId: string;
  name: string;
  project: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  /** The last request a gateway reported for this key; null when none ever did. */
  lastUsedAt: string | null;
  /** Today (UTC) and the 29 days before. */
  usage30d: { requests: number; prompt_tokens: number; completion_tokens: number };
  /** Caps the owner set when minting (they only ever lower the person's limits); absent: none. */
  limits?: LimitSet;
};

/** The answer to a successful create: the only time the secret `key` is ever sent. */
export type CreatedApiKey = ApiKey & { key: string };

export type Project = { id: string; name: string };

export type Limits = {
  maxKeys: number;
  maxLifetimeDays: number;
  expiryRequired: boolean;
};

/**
 * The inference API's base URL for usage examples (realm setting `inference.apikey.apiBaseUrl`):
 * absent when unset; absent too when the setting is invalid, and then `baseUrlProblem` says why.
 */
export type InferenceApi = { baseUrl?: string; baseUrlProblem?: string };

export type ProjectsAndLimits = { projects: Project[]; limits: Limits; api: InferenceApi };

/** What the user typed into the create form (no secret: safe to keep across a login redirect). */
export type KeyDraft = {
  name: string;
  project: string;
  /** yyyy-mm-dd, or empty for a key without expiry. */
  expiresOn: string;
  /** Caps for the new key, already checked by the form; absent or empty: none. */
  limits?: LimitSet;
};

/** A refusal from the server, with its OAuth-style error code and description. */
export class ApiKeyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(description || code || `HTTP ${status}`);
    this.name = "ApiKeyError";
  }
}

/**
 * The server wants a more recent login before it mints a key (RFC 9470: 401
 * `insufficient_user_authentication`, with the `max_age` it accepts).
 */
export class ReauthenticationRequired extends ApiKeyError {
  constructor(
    description: string,
    readonly maxAge: number | undefined,
  ) {
    super(401, "insufficient_user_authentication", description);
    this.name = "ReauthenticationRequired";
  }
}

type Context = KeycloakContext<AccountEnvironment>;

function baseUrl({ environment }: Context) {
  return `${environment.serverBaseUrl.replace(/\/+$/, "")}/realms/${encodeURIComponent(environment.realm)}/api-keys`;
}

/** Reads `name="value"` parameters of a `WWW-Authenticate: Bearer …` challenge. */
export function parseBearerChallenge(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  if (!header) {
    return params;
  }
  const pattern = /([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g;
  for (const match of header.matchAll(pattern)) {
    params[match[1]] = match[2].replace(/\\(.)/g, "$1");
  }
  return params;
}

async function refusal(response: Response): Promise<ApiKeyError> {
  let code = "";
  let description = "";
  try {
    const body = await response.json();
    code = typeof body.error === "string" ? body.error : "";
    description = typeof body.error_description === "string" ? body.error_description : "";
  } catch {
    // not JSON: keep the status
  }
  const challenge = parseBearerChallenge(response.headers.get("WWW-Authenticate"));
  if (
    response.status === 401 &&
    (challenge.error === "insufficient_user_authentication" ||
      code === "insufficient_user_authentication")
  ) {
    const maxAge = Number.parseInt(challenge.max_age ?? "", 10);
    return new ReauthenticationRequired(
      description || challenge.error_description || "",
      Number.isNaN(maxAge) ? undefined : maxAge,
    );
  }
  const errorCode = code || challenge.error || "";
  return new ApiKeyError(
    response.status,
    errorCode,
    description || challenge.error_description || (errorCode ? "" : response.statusText),
  );
}

async function call(
  context: Context,
  path: string,
  init: { method?: "GET" | "POST" | "DELETE"; body?: unknown; signal?: AbortSignal } = {},
): Promise<Response> {
  const { keycloak } = context;
  try {
    await keycloak.updateToken(5);
  } catch {
    // The session ended: log in again, as the stock pages do.
    await keycloak.login();
  }
  const response = await fetch(baseUrl(context) + path, {
    method: init.method ?? "GET",
    signal: init.signal,
    headers: {
      Accept: "application/json",
      Authorization: `Bearer ${keycloak.token}`,
      ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (!response.ok) {
    throw await refusal(response);
  }
  return response;
}

export async function listKeys(context: Context, signal?: AbortSignal): Promise<ApiKey[]> {
  const response = await call(context, "", { signal });
  const body: { keys: ApiKey[] } = await response.json();
  return body.keys;
}

export async function getProjects(
  context: Context,
  signal?: AbortSignal,
): Promise<ProjectsAndLimits> {
  const response = await call(context, "/projects", { signal });
  return response.json();
}

/** The caller's limits and what is left of them today and this month, for them and their projects. */
export async function getLimits(context: Context, signal?: AbortSignal): Promise<LimitsOverview> {
  const response = await call(context, "/limits", { signal });
  return response.json();
}

/** The last moment of the chosen day in UTC, so a key "expires on" the day the user picked. */
export function expiryInstant(expiresOn: string): string | undefined {
  return expiresOn ? `${expiresOn}T23:59:59Z` : undefined;
}

export async function createKey(context: Context, draft: KeyDraft): Promise<CreatedApiKey> {
  const response = await call(context, "", {
    method: "POST",
    body: {
      name: draft.name.trim(),
      project: draft.project,
      ...(draft.expiresOn ? { expiresAt: expiryInstant(draft.expiresOn) } : {}),
      ...(draft.limits && Object.keys(draft.limits).length > 0 ? { limits: draft.limits } : {}),
    },
  });
  return response.json();
}

export async function revokeKey(context: Context, keyId: string): Promise<void> {
  await call(context, `/${encodeURIComponent(keyId)}`, { method: "DELETE" });
}
