import { Button, Modal, ModalVariant, Text, TextContent } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { ApiKey } from "./api";
import { ServerError } from "./ServerError";

type Props = {
  apiKey: ApiKey;
  onRevoke: (key: ApiKey) => Promise<void>;
  onClose: () => void;
};

/** "Revoke" asks first: programs using the key stop working at once. */
export const RevokeKeyModal = ({ apiKey, onRevoke, onClose }: Props) => {
  const { t } = useTranslation();
  const [revoking, setRevoking] = useState(false);
  const [error, setError] = useState<unknown>();

  const revoke = async () => {
    setRevoking(true);
    setError(undefined);
    try {
      await onRevoke(apiKey);
    } catch (e) {
      setError(e);
    } finally {
      setRevoking(false);
    }
  };

  return (
    <Modal
      variant={ModalVariant.small}
      titleIconVariant="warning"
      title={t("apiKeysRevokeTitle", { name: apiKey.name })}
      isOpen
      onClose={onClose}
      data-testid="api-key-revoke-modal"
      actions={[
        <Button
          key="revoke"
          variant="danger"
          data-testid="api-key-revoke-confirm"
          isLoading={revoking}
          isDisabled={revoking}
          onClick={() => void revoke()}
        >
          {t("apiKeysRevoke")}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose}>
          {t("cancel")}
        </Button>,
      ]}
    >
      {error !== undefined && <ServerError title={t("apiKeysRevokeFailed")} error={error} />}
      <TextContent>
        <Text component="p">{t("apiKeysRevokeText", { keyId: apiKey.keyId })}</Text>
      </TextContent>
    </Modal>
  );
};
