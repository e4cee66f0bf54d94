import { Button, Label, Tooltip } from "@patternfly/react-core";
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";

import type { AdminKey } from "./keys";

type Props = {
  keys: AdminKey[];
  canRevoke: boolean;
  onRevoke: (key: AdminKey) => void;
};

const day = (iso: string | null, never: string) =>
  iso ? new Date(iso).toLocaleDateString() : never;
const time = (iso: string | null, never: string) => (iso ? new Date(iso).toLocaleString() : never);

/**
 * One row per key: owner, name (key id below it), project, dates, last 30 days' use, status,
 * revoke; wide tables scroll sideways inside the page.
 */
export const KeysTable = ({ keys, canRevoke, onRevoke }: Props) => {
  const { t } = useTranslation();
  const columns = [
    "inferenceOwner",
    "inferenceKeyName",
    "inferenceProject",
    "inferenceCreated",
    "inferenceExpires",
    "inferenceLastUsed",
    "inferenceUsage30d",
    "inferenceStatus",
  ];

  return (
    <InnerScrollContainer>
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
                <Td dataLabel={t("inferenceKeyName")}>
                  {key.name}
                  <div
                    className="pf-v5-u-font-size-sm pf-v5-u-color-200"
                    title={t("inferenceKeyId")}
                  >
                    <code>{key.keyId}</code>
                  </div>
                </Td>
                <Td dataLabel={t("inferenceProject")}>{key.project}</Td>
                <Td dataLabel={t("inferenceCreated")} title={time(key.createdAt, "")}>
                  {day(key.createdAt, "")}
                </Td>
                <Td dataLabel={t("inferenceExpires")} title={time(key.expiresAt, "")}>
                  {day(key.expiresAt, t("inferenceNever"))}
                </Td>
                <Td dataLabel={t("inferenceLastUsed")}>
                  {time(key.lastUsedAt, t("inferenceNeverUsed"))}
                </Td>
                <Td dataLabel={t("inferenceUsage30d")} data-testid="usage30d">
                  {t("inferenceUsage30dValue", { requests: key.usage30d.requests, tokens })}
                </Td>
                <Td dataLabel={t("inferenceStatus")}>
                  <Label color={key.active ? "green" : "grey"}>
                    {t(`inferenceKeyStatus_${key.status}`)}
                  </Label>
                </Td>
                <Td isActionCell>
                  {canRevoke ? (
                    revoke
                  ) : (
                    <Tooltip content={t("inferenceRevokeNeedsManageUsers")}>{revoke}</Tooltip>
                  )}
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
    </InnerScrollContainer>
  );
};
