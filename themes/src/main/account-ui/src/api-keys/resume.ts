import type { KeyDraft } from "./api";

/**
 * Minting needs a recent login. When the server asks for one, the page keeps the form's values
 * (name, project, expiry: nothing secret) in sessionStorage, sends the user through Keycloak's
 * login and, back on the page with this marker in the URL, finishes the create.
 */
const STORAGE_KEY = "inference.apiKeys.pendingCreate";
export const RESUME_PARAM = "apiKeysResume";

export function rememberDraft(draft: KeyDraft) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
}

/** The URL to come back to: this page, marked so that it resumes the create. */
export function resumeUrl(): string {
  const url = new URL(window.location.href);
  url.hash = "";
  url.searchParams.set(RESUME_PARAM, "create");
  return url.toString();
}

/**
 * The draft to finish, if the page was opened by the return from that login; taken only once:
 * both the marker and the stored draft are removed before the create is retried.
 */
export function takeDraftToResume(): KeyDraft | undefined {
  const url = new URL(window.location.href);
  if (url.searchParams.get(RESUME_PARAM) !== "create") {
    return undefined;
  }
  url.searchParams.delete(RESUME_PARAM);
  window.history.replaceState(window.history.state, "", url.toString());
  const stored = sessionStorage.getItem(STORAGE_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  if (!stored) {
    return undefined;
  }
  try {
    const draft = JSON.parse(stored) as KeyDraft;
    return typeof draft.name === "string" && typeof draft.project === "string" ? draft : undefined;
  } catch {
    return undefined;
  }
}
