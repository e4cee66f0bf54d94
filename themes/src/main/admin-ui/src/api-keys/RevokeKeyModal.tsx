import { Alert, Button, Modal, ModalVariant } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useAdminRest } from "../api/adminRest";
import type { AdminKey } from "./keys";

type Props = { apiKey: AdminKey; onClose: () => void; onRevoked: () => void };

/** Asks before revoking: gateways stop accepting the key within seconds, and it cannot come back. */
export const RevokeKeyModal = ({ apiKey, onClose, onRevoked }: Props) => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const revoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await rest.remove(`api-keys/${encodeURIComponent(apiKey.keyId)}`);
      onRevoked();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <Modal
      variant={ModalVariant.small}
      title={t("inferenceRevokeTitle")}
      titleIconVariant="warning"
      isOpen
      onClose={onClose}
      data-testid="revoke-dialog"
      actions={[
        <Button
          key="revoke"
          variant="danger"
          onClick={revoke}
          isLoading={busy}
          isDisabled={busy}
          data-testid="confirm-revoke"
        >
          {t("inferenceRevoke")}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose} isDisabled={busy}>
          {t("cancel")}
        </Button>,
      ]}
    >
      {t("inferenceRevokeMessage", {
        name: apiKey.name,
        user: apiKey.username,
        keyId: apiKey.keyId,
      })}
      {error && <Alert variant="danger" isInline title={error} className="pf-v5-u-mt-md" />}
    </Modal>
  );
};
