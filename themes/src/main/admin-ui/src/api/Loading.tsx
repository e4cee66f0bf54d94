import { Alert, Bullseye, Spinner } from "@patternfly/react-core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { Loaded } from "./useLoad";

/** A spinner while loading, the server's refusal when it failed, else the content. */
export function Loading<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (value: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (loaded.state === "loading") {
    return (
      <Bullseye>
        <Spinner size="lg" aria-label={t("inferenceLoading")} />
      </Bullseye>
    );
  }
  if (loaded.state === "failed") {
    return (
      <Alert
        variant="danger"
        isInline
        isPlain
        title={t("inferenceLoadFailed")}
        data-testid="load-error"
      >
        {loaded.error.message}
      </Alert>
    );
  }
  return <>{children(loaded.value)}</>;
}
