import { Alert, Button } from "@patternfly/react-core";
import { DownloadIcon } from "@patternfly/react-icons";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useAdminRest } from "../api/adminRest";
import type { UsageQuery } from "./queries";

/** Saves the endpoint's CSV answer to the query a card shows. */
export const CsvButton = ({ query, testId }: { query: UsageQuery; testId: string }) => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await rest.downloadCsv(query.path, query.query, query.fileName);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        variant="link"
        icon={<DownloadIcon />}
        isInline
        isLoading={busy}
        isDisabled={busy}
        onClick={download}
        data-testid={testId}
      >
        {t("inferenceDownloadCsv")}
      </Button>
      {error && <Alert variant="danger" isInline isPlain title={error} />}
    </>
  );
};
