/** An entry of `GET /admin/realms/{r}/api-keys` (docs/api-keys-contract.md). */
export type AdminKey = {
  keyId: string;
  name: string;
  project: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  usage30d: { requests: number; prompt_tokens: number; completion_tokens: number };
  userId: string;
  username: string;
  active: boolean;
  status: string;
};

/** The listing's filters; empty ones are left out of the query. */
export type KeySearch = { user: string; project: string; name: string; keyId: string };

export const NO_SEARCH: KeySearch = { user: "", project: "", name: "", keyId: "" };

export const PAGE_SIZES = [10, 20, 50, 100];

/** A page of the listing: asks for one key more than shown, to know whether a next page exists. */
export function pageQuery(search: KeySearch, first: number, max: number) {
  return { ...search, first, max: max + 1 };
}
