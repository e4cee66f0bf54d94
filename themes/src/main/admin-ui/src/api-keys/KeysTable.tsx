import { Button, Label, Tooltip } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";

import type { AdminKey } from "./keys";

type Props = {
  keys: AdminKey[];
  canRevoke: boolean;
  onRevoke: (key: AdminKey) => void;
};

const when = (iso: string | null, never: string) => (iso ? new Date(iso).toLocaleString() : never);

/** One row per key: owner, name, project, dates, last 30 days' use, status, revoke. */
export const KeysTable = ({ keys, canRevoke, onRevoke }: Props) => {
  const { t } = useTranslation();
  const columns = [
    "inferenceOwner",
    "inferenceKeyName",
    "inferenceProject",
    "inferenceKeyId",
    "inferenceCreated",
    "inferenceExpires",
    "inferenceLastUsed",
    "inferenceUsage30d",
    "inferenceStatus",
  ];

  return (
    <Table variant="compact" aria-label={t("inferenceApiKeysTitle")} data-testid="api-keys-table">
      <Thead>
        <Tr>
          {columns.map((column) => (
            <Th key={column}>{t(column)}</Th>
          ))}
          <Th screenReaderText={t("inferenceActions")} />
        </Tr>
      </Thead>
      <Tbody>
        {keys.map((key) => {
          const tokens = key.usage30d.prompt_tokens + key.usage30d.completion_tokens;
          const revoke = (
            <Button
              variant="secondary"
              isDanger
              size="sm"
              isAriaDisabled={!canRevoke}
              onClick={() => onRevoke(key)}
              data-testid={`revoke-${key.keyId}`}
            >
              {t("inferenceRevoke")}
            </Button>
          );
          return (
            <Tr key={key.keyId} data-key-id={key.keyId}>
              <Td dataLabel={t("inferenceOwner")}>{key.username}</Td>
              <Td dataLabel={t("inferenceKeyName")}>{key.name}</Td>
              <Td dataLabel={t("inferenceProject")}>{key.project}</Td>
              <Td dataLabel={t("inferenceKeyId")}>
                <code>{key.keyId}</code>
              </Td>
              <Td dataLabel={t("inferenceCreated")}>{when(key.createdAt, "")}</Td>
              <Td dataLabel={t("inferenceExpires")}>{when(key.expiresAt, t("inferenceNever"))}</Td>
              <Td dataLabel={t("inferenceLastUsed")}>{when(key.lastUsedAt, t("inferenceNeverUsed"))}</Td>
              <Td dataLabel={t("inferenceUsage30d")} data-testid="usage30d">
                {t("inferenceUsage30dValue", { requests: key.usage30d.requests, tokens })}
              </Td>
              <Td dataLabel={t("inferenceStatus")}>
                <Label color={key.active ? "green" : "grey"}>{t(`inferenceKeyStatus_${key.status}`)}</Label>
              </Td>
              <Td isActionCell>
                {canRevoke ? revoke : <Tooltip content={t("inferenceRevokeNeedsManageUsers")}>{revoke}</Tooltip>}
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};
