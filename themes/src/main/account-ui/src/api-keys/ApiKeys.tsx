import {
  Page,
  useAccountAlerts,
  useEnvironment,
  type AccountEnvironment,
} from "@keycloak/keycloak-account-ui";
import {
  AlertVariant,
  Bullseye,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  EmptyStateHeader,
  EmptyStateIcon,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { KeyIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import {
  createKey,
  getLimits,
  getProjects,
  listKeys,
  revokeKey,
  ReauthenticationRequired,
  type ApiKey,
  type CreatedApiKey,
  type KeyDraft,
  type ProjectsAndLimits,
} from "./api";
import { CreateKeyModal } from "./CreateKeyModal";
import { KeyCaps } from "./KeyCaps";
import type { LimitsOverview } from "./limits";
import { LimitsPanel } from "./LimitsPanel";
import { LastUsed, Usage30d } from "./KeyUsage";
import { NewKeyModal } from "./NewKeyModal";
import { rememberDraft, resumeUrl, takeDraftToResume } from "./resume";
import { RevokeKeyModal } from "./RevokeKeyModal";
import { ServerError } from "./ServerError";

/** The "API keys" page: the user's keys, and create / revoke. */
export const ApiKeys = () => {
  const { t } = useTranslation();
  const context = useEnvironment<AccountEnvironment>();
  const { addAlert } = useAccountAlerts();
  const locale = context.environment.locale;

  const [keys, setKeys] = useState<ApiKey[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [projectsAndLimits, setProjectsAndLimits] = useState<ProjectsAndLimits>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [resumeError, setResumeError] = useState<unknown>();
  const [toRevoke, setToRevoke] = useState<ApiKey>();
  const [limits, setLimits] = useState<LimitsOverview>();
  const [limitsError, setLimitsError] = useState<unknown>();
  const resumed = useRef(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoadError(undefined);
      try {
        const [list, projects] = await Promise.all([
          listKeys(context, signal),
          getProjects(context, signal),
        ]);
        setKeys(list);
        setProjectsAndLimits(projects);
        setLoadError(undefined);
      } catch (error) {
        if (!(error instanceof Error && error.name === "AbortError")) {
          setLoadError(error);
        }
      }
    },
    [context],
  );

  // The limits load on their own: keys stay usable when they cannot be read, and the other way round.
  const loadLimits = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setLimits(await getLimits(context, signal));
        setLimitsError(undefined);
      } catch (error) {
        if (!(error instanceof Error && error.name === "AbortError")) {
          setLimitsError(error);
        }
      }
    },
    [context],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    void loadLimits(controller.signal);
    return () => controller.abort();
  }, [load, loadLimits]);

  const mint = useCallback(
    async (draft: KeyDraft, mayReauthenticate: boolean) => {
      try {
        const answer = await createKey(context, draft);
        setCreating(false);
        setCreated(answer);
        await load();
      } catch (error) {
        if (error instanceof ReauthenticationRequired && mayReauthenticate) {
          // Log in again (Keycloak's own login page), then come back here and finish.
          rememberDraft(draft);
          await context.keycloak.login({ maxAge: error.maxAge ?? 0, redirectUri: resumeUrl() });
          return;
        }
        throw error;
      }
    },
    [context, load],
  );

  // Back from the re-authentication: finish the create the user started.
  useEffect(() => {
    if (resumed.current) {
      return;
    }
    resumed.current = true;
    const draft = takeDraftToResume();
    if (draft) {
      mint(draft, false).catch(setResumeError);
    }
  }, [mint]);

  const revoke = async (key: ApiKey) => {
    try {
      await revokeKey(context, key.keyId);
    } catch (error) {
      // The dialog shows the refusal; the list shows what the server now holds.
      void load();
      throw error;
    }
    setToRevoke(undefined);
    addAlert(t("apiKeysRevoked", { name: key.name }), AlertVariant.success);
    await load();
  };

  const formatTime = (iso: string | null, none: string) =>
    iso
      ? new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" })
      : none;
  const projectName = (id: string) =>
    projectsAndLimits?.projects.find((p) => p.id === id)?.name ?? id;

  const createButton = (
    <Button
      data-testid="api-keys-create"
      icon={<KeyIcon />}
      isDisabled={!projectsAndLimits}
      onClick={() => setCreating(true)}
    >
      {t("apiKeysCreate")}
    </Button>
  );

  return (
    <Page title={t("apiKeys")} description={t("apiKeysDescription")}>
      {resumeError !== undefined && (
        <ServerError title={t("apiKeysCreateFailed")} error={resumeError} />
      )}
      {loadError !== undefined ? (
        <>
          <ServerError title={t("apiKeysLoadFailed")} error={loadError} />
          <Button
            variant="secondary"
            className="pf-v5-u-mt-md"
            data-testid="api-keys-retry"
            onClick={() => {
              setKeys(undefined);
              void load();
            }}
          >
            {t("apiKeysRetry")}
          </Button>
        </>
      ) : keys === undefined ? (
        <Bullseye>
          <Spinner aria-label={t("apiKeysLoading")} data-testid="api-keys-loading" />
        </Bullseye>
      ) : keys.length === 0 ? (
        <EmptyState data-testid="api-keys-empty">
          <EmptyStateHeader
            titleText={t("apiKeysEmptyTitle")}
            icon={<EmptyStateIcon icon={KeyIcon} />}
            headingLevel="h2"
          />
          <EmptyStateBody>{t("apiKeysEmptyText")}</EmptyStateBody>
          <EmptyStateFooter>
            <EmptyStateActions>{createButton}</EmptyStateActions>
          </EmptyStateFooter>
        </EmptyState>
      ) : (
        <>
          <Toolbar>
            <ToolbarContent>
              <ToolbarItem>{createButton}</ToolbarItem>
            </ToolbarContent>
          </Toolbar>
          <Table aria-label={t("apiKeys")} variant="compact" data-testid="api-keys-table">
            <Thead>
              <Tr>
                <Th>{t("apiKeysName")}</Th>
                <Th>{t("apiKeysProject")}</Th>
                <Th>{t("apiKeysKeyId")}</Th>
                <Th>{t("apiKeysCreated")}</Th>
                <Th>{t("apiKeysExpires")}</Th>
                {/* Wrapped, not truncated: the table is wide since keys show their caps. */}
                <Th modifier="wrap">{t("apiKeysLastUsed")}</Th>
                <Th modifier="wrap" info={{ tooltip: t("apiKeysUsage30dHelp") }}>
                  {t("apiKeysUsage30d")}
                </Th>
                <Th modifier="wrap" info={{ tooltip: t("apiKeysCapsHelp") }}>
                  {t("apiKeysCaps")}
                </Th>
                <Th screenReaderText={t("apiKeysActions")} />
              </Tr>
            </Thead>
            <Tbody>
              {keys.map((key) => (
                <Tr key={key.keyId} data-testid="api-key-row" data-key-id={key.keyId}>
                  <Td dataLabel={t("apiKeysName")}>{key.name}</Td>
                  <Td dataLabel={t("apiKeysProject")}>{projectName(key.project)}</Td>
                  <Td dataLabel={t("apiKeysKeyId")}>
                    <code>{key.keyId}</code>
                  </Td>
                  <Td dataLabel={t("apiKeysCreated")}>{formatTime(key.createdAt, "")}</Td>
                  <Td dataLabel={t("apiKeysExpires")}>
                    {formatTime(key.expiresAt, t("apiKeysNeverExpires"))}
                  </Td>
                  <Td dataLabel={t("apiKeysLastUsed")} data-testid="api-key-last-used">
                    <LastUsed apiKey={key} formatTime={(iso) => formatTime(iso, "")} />
                  </Td>
                  <Td dataLabel={t("apiKeysUsage30d")} data-testid="api-key-usage">
                    <Usage30d apiKey={key} locale={locale} />
                  </Td>
                  <Td dataLabel={t("apiKeysCaps")} data-testid="api-key-caps">
                    <KeyCaps apiKey={key} locale={locale} />
                  </Td>
                  <Td isActionCell>
                    <Button
                      variant="secondary"
                      isDanger
                      data-testid={`api-key-revoke-${key.keyId}`}
                      onClick={() => setToRevoke(key)}
                    >
                      {t("apiKeysRevoke")}
                    </Button>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </>
      )}
      {limitsError !== undefined ? (
        <div className="pf-v5-u-mt-xl">
          <ServerError title={t("apiKeysLimitsLoadFailed")} error={limitsError} />
        </div>
      ) : limits === undefined ? (
        <Bullseye className="pf-v5-u-mt-xl">
          <Spinner size="lg" aria-label={t("apiKeysLimitsLoading")} />
        </Bullseye>
      ) : (
        <LimitsPanel
          overview={limits}
          locale={locale}
          formatTime={(iso) => formatTime(iso, "")}
        />
      )}
      {creating && projectsAndLimits && (
        <CreateKeyModal
          projectsAndLimits={projectsAndLimits}
          onCreate={(draft) => mint(draft, true)}
          onClose={() => setCreating(false)}
        />
      )}
      {created && (
        <NewKeyModal
          created={created}
          projectName={projectName(created.project)}
          api={projectsAndLimits?.api}
          onDone={() => setCreated(undefined)}
        />
      )}
      {toRevoke && (
        <RevokeKeyModal
          apiKey={toRevoke}
          onRevoke={revoke}
          onClose={() => setToRevoke(undefined)}
        />
      )}
    </Page>
  );
};
