import {
  Button,
  ExpandableSection,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalVariant,
  TextInput,
} from "@patternfly/react-core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import type { KeyDraft, ProjectsAndLimits } from "./api";
import { capsFromInputs, FORM_CAPS, type FormCap } from "./limits";
import { ServerError } from "./ServerError";

type Props = {
  projectsAndLimits: ProjectsAndLimits;
  onCreate: (draft: KeyDraft) => Promise<void>;
  onClose: () => void;
};

function isoDay(date: Date) {
  return date.toISOString().slice(0, 10);
}

const CAP_LABELS: Record<FormCap, string> = {
  requests_per_minute: "apiKeysCapFormRequestsPerMinute",
  tokens_per_day: "apiKeysCapFormTokensPerDay",
  concurrent_requests_per_model: "apiKeysCapFormConcurrent",
};

/**
 * "Create key": a name, a project (personal or one of the user's groups), an optional expiry, and
 * optional caps that make the key use less than the user's own limits allow.
 */
export const CreateKeyModal = ({ projectsAndLimits, onCreate, onClose }: Props) => {
  const { t } = useTranslation();
  const { projects, limits } = projectsAndLimits;
  const [draft, setDraft] = useState<KeyDraft>({
    name: "",
    project: projects[0]?.id ?? "",
    expiresOn: "",
  });
  const [capInputs, setCapInputs] = useState<Partial<Record<FormCap, string>>>({});
  const [capsOpen, setCapsOpen] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>();

  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  // maxLifetimeDays 0: no upper limit.
  const latest =
    limits.maxLifetimeDays > 0
      ? new Date(Date.now() + limits.maxLifetimeDays * 24 * 3600 * 1000)
      : undefined;
  const nameMissing = draft.name.trim() === "";
  const expiryMissing = limits.expiryRequired && draft.expiresOn === "";
  const caps = capsFromInputs(capInputs);
  const capsInvalid = caps.errors.length > 0;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (nameMissing || expiryMissing || capsInvalid || submitting) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      await onCreate({ ...draft, limits: caps.limits });
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      variant={ModalVariant.medium}
      title={t("apiKeysCreateTitle")}
      isOpen
      onClose={onClose}
      data-testid="api-key-create-modal"
      actions={[
        <Button
          key="create"
          variant="primary"
          data-testid="api-key-create-submit"
          isDisabled={nameMissing || expiryMissing || capsInvalid || submitting}
          isLoading={submitting}
          onClick={() => void submit()}
        >
          {t("apiKeysCreateSubmit")}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose}>
          {t("cancel")}
        </Button>,
      ]}
    >
      {error !== undefined && <ServerError title={t("apiKeysCreateFailed")} error={error} />}
      <Form id="api-key-create-form" onSubmit={(e) => void submit(e)}>
        <FormGroup label={t("apiKeysName")} isRequired fieldId="api-key-name">
          <TextInput
            id="api-key-name"
            data-testid="api-key-name"
            isRequired
            maxLength={100}
            value={draft.name}
            onChange={(_, name) => setDraft({ ...draft, name })}
          />
          <FormHelperText>
            <HelperText>
              <HelperTextItem>{t("apiKeysNameHelp")}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
        <FormGroup label={t("apiKeysProject")} isRequired fieldId="api-key-project">
          <FormSelect
            id="api-key-project"
            data-testid="api-key-project"
            value={draft.project}
            onChange={(_, project) => setDraft({ ...draft, project })}
          >
            {projects.map((p) => (
              <FormSelectOption key={p.id} value={p.id} label={p.name} />
            ))}
          </FormSelect>
          <FormHelperText>
            <HelperText>
              <HelperTextItem>{t("apiKeysProjectHelp")}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
        <FormGroup
          label={t("apiKeysExpiresOn")}
          isRequired={limits.expiryRequired}
          fieldId="api-key-expiry"
        >
          <TextInput
            id="api-key-expiry"
            data-testid="api-key-expiry"
            type="date"
            min={isoDay(tomorrow)}
            max={latest ? isoDay(latest) : undefined}
            value={draft.expiresOn}
            onChange={(_, expiresOn) => setDraft({ ...draft, expiresOn })}
          />
          <FormHelperText>
            <HelperText>
              <HelperTextItem>
                {limits.expiryRequired
                  ? t("apiKeysExpiryRequiredHelp", { days: limits.maxLifetimeDays })
                  : limits.maxLifetimeDays > 0
                    ? t("apiKeysExpiryDefaultHelp", { days: limits.maxLifetimeDays })
                    : t("apiKeysExpiryNeverHelp")}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
        <ExpandableSection
          toggleText={t("apiKeysCapsToggle")}
          isExpanded={capsOpen}
          onToggle={(_, open) => setCapsOpen(open)}
          data-testid="api-key-caps-section"
          toggleId="api-key-caps-toggle"
        >
          <HelperText className="pf-v5-u-mb-md">
            <HelperTextItem>{t("apiKeysCapsFormHelp")}</HelperTextItem>
          </HelperText>
          {FORM_CAPS.map((field) => {
            const invalid = caps.errors.includes(field);
            return (
              <FormGroup
                key={field}
                label={t(CAP_LABELS[field])}
                fieldId={`api-key-cap-${field}`}
                className="pf-v5-u-mb-md"
              >
                <TextInput
                  id={`api-key-cap-${field}`}
                  data-testid={`api-key-cap-${field}`}
                  inputMode="numeric"
                  placeholder={t("apiKeysCapNonePlaceholder")}
                  validated={invalid ? "error" : "default"}
                  value={capInputs[field] ?? ""}
                  onChange={(_, value) => setCapInputs({ ...capInputs, [field]: value })}
                />
                {invalid && (
                  <FormHelperText>
                    <HelperText>
                      <HelperTextItem variant="error">{t("apiKeysCapInvalid")}</HelperTextItem>
                    </HelperText>
                  </FormHelperText>
                )}
              </FormGroup>
            );
          })}
        </ExpandableSection>
      </Form>
    </Modal>
  );
};
