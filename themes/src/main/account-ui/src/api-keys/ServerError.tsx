import { Alert } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

import { ApiKeyError } from "./api";

/** A refusal from the server as the user sees it: our words for the code, then the server's. */
export const ServerError = ({ title, error }: { title: string; error: unknown }) => {
  const { t } = useTranslation();
  let detail: string;
  if (error instanceof ApiKeyError) {
    // The server's own words; ours for a known code only when it gave none.
    const text =
      error.description ||
      (error.code ? t(`apiKeysError-${error.code}`, { defaultValue: "" }) : "");
    detail = [text, error.code ? `(${error.code}, HTTP ${error.status})` : `(HTTP ${error.status})`]
      .filter((part) => !!part)
      .join(" ");
  } else {
    detail = error instanceof Error ? error.message : String(error);
  }
  return (
    <Alert variant="danger" isInline title={title} data-testid="api-keys-error">
      {detail}
    </Alert>
  );
};
