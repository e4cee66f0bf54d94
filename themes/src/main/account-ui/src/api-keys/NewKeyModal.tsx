import {
  Alert,
  Button,
  ClipboardCopy,
  CodeBlock,
  CodeBlockCode,
  Modal,
  ModalVariant,
  Text,
  TextContent,
  Title,
} from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

import type { CreatedApiKey, InferenceApi } from "./api";

type Props = {
  created: CreatedApiKey;
  projectName: string;
  /** Where the examples point; without a base URL they are not shown (never a guessed URL). */
  api: InferenceApi | undefined;
  onDone: () => void;
};

/**
 * The new key, shown exactly once: the page keeps it only in this dialog's props and drops it
 * when the dialog closes; the server never sends it again.
 */
export const NewKeyModal = ({ created, projectName, api, onDone }: Props) => {
  const { t } = useTranslation();
  const baseUrl = api?.baseUrl;
  const curl = `export INFERENCE_API_KEY='<${t("apiKeysUsagePasteKey")}>'

curl ${baseUrl}/models \\
  -H "Authorization: Bearer $INFERENCE_API_KEY"`;
  const python = `import os
from openai import OpenAI

client = OpenAI(
    base_url="${baseUrl}",
    api_key=os.environ["INFERENCE_API_KEY"],
)
print(client.models.list())`;

  return (
    <Modal
      variant={ModalVariant.medium}
      title={t("apiKeysCreatedTitle", { name: created.name })}
      isOpen
      onClose={onDone}
      data-testid="api-key-created-modal"
      actions={[
        <Button key="done" variant="primary" data-testid="api-key-created-done" onClick={onDone}>
          {t("apiKeysCreatedDone")}
        </Button>,
      ]}
    >
      <Alert variant="warning" isInline title={t("apiKeysShownOnce")} />
      <div data-testid="new-api-key" className="pf-v5-u-mt-md">
        <ClipboardCopy
          isReadOnly
          hoverTip={t("apiKeysCopy")}
          clickTip={t("apiKeysCopied")}
          textAriaLabel={t("apiKeysNewKey")}
          toggleAriaLabel={t("apiKeysNewKey")}
        >
          {created.key}
        </ClipboardCopy>
      </div>
      <TextContent className="pf-v5-u-mt-md">
        <Text component="p" data-testid="new-api-key-id">
          {t("apiKeysCreatedDetails", { keyId: created.keyId, project: projectName })}
        </Text>
      </TextContent>
      {baseUrl ? (
        <>
          <Title headingLevel="h3" size="md" className="pf-v5-u-mt-lg">
            {t("apiKeysUsageCurl")}
          </Title>
          <CodeBlock data-testid="api-key-usage-curl">
            <CodeBlockCode>{curl}</CodeBlockCode>
          </CodeBlock>
          <Title headingLevel="h3" size="md" className="pf-v5-u-mt-lg">
            {t("apiKeysUsageOpenAi")}
          </Title>
          <CodeBlock data-testid="api-key-usage-openai">
            <CodeBlockCode>{python}</CodeBlockCode>
          </CodeBlock>
        </>
      ) : (
        <Alert
          variant="info"
          isInline
          className="pf-v5-u-mt-lg"
          data-testid="api-key-usage-unconfigured"
          title={t(api?.baseUrlProblem ? "apiKeysUsageBaseUrlWrong" : "apiKeysUsageBaseUrlUnset")}
        >
          {api?.baseUrlProblem
            ? t("apiKeysUsageBaseUrlInvalid", { problem: api.baseUrlProblem })
            : t("apiKeysUsageBaseUrlAsk")}
        </Alert>
      )}
    </Modal>
  );
};
