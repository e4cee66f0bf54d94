import { ViewHeader } from "@keycloak/keycloak-admin-ui";
import {
  AlertGroup,
  Alert,
  EmptyState,
  EmptyStateBody,
  Pagination,
  PageSection,
} from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useInferenceAccess } from "../access";
import { useAdminRest } from "../api/adminRest";
import { Loading } from "../api/Loading";
import { useLoad } from "../api/useLoad";
import { NO_SEARCH, PAGE_SIZES, pageQuery, type AdminKey } from "./keys";
import { KeysTable } from "./KeysTable";
import { RevokeKeyModal } from "./RevokeKeyModal";
import { SearchToolbar } from "./SearchToolbar";

/** Every API key of the realm, searchable, with revoke for holders of manage-users. */
export const ApiKeysPage = () => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const access = useInferenceAccess();
  const [search, setSearch] = useState(NO_SEARCH);
  const [first, setFirst] = useState(0);
  const [max, setMax] = useState(PAGE_SIZES[0]);
  const [reload, setReload] = useState(0);
  const [revoking, setRevoking] = useState<AdminKey>();
  const [revoked, setRevoked] = useState<string>();

  const query = pageQuery(search, first, max);
  const loaded = useLoad(
    () => rest.getJson<{ keys: AdminKey[] }>("api-keys", query).then((a) => a.keys),
    rest.realm + JSON.stringify(query) + reload,
  );

  const pagination = (shown: number, more: boolean, position: "top" | "bottom") => (
    <Pagination
      itemCount={first + shown + (more ? 1 : 0)}
      perPage={max}
      page={Math.floor(first / max) + 1}
      perPageOptions={PAGE_SIZES.map((size) => ({ title: String(size), value: size }))}
      onSetPage={(_event, page) => setFirst((page - 1) * max)}
      onPerPageSelect={(_event, perPage) => {
        setMax(perPage);
        setFirst(0);
      }}
      toggleTemplate={({ firstIndex, lastIndex }) => (
        <b>
          {firstIndex} - {lastIndex}
        </b>
      )}
      variant={position}
      isCompact={position === "top"}
      widgetId={`api-keys-pagination-${position}`}
    />
  );

  return (
    <>
      <ViewHeader titleKey="inferenceApiKeysTitle" subKey="inferenceApiKeysHelp" />
      <PageSection variant="light">
        <AlertGroup isToast>
          {revoked && (
            <Alert
              variant="success"
              title={t("inferenceRevoked", { keyId: revoked })}
              timeout
              onTimeout={() => setRevoked(undefined)}
            />
          )}
        </AlertGroup>
        <SearchToolbar
          onSearch={(next) => {
            setSearch(next);
            setFirst(0);
          }}
        />
        <Loading loaded={loaded}>
          {(keys) => {
            const shown = keys.slice(0, max);
            const more = keys.length > max;
            if (shown.length === 0) {
              return (
                <EmptyState variant="sm" data-testid="no-keys">
                  <EmptyStateBody>{t("inferenceNoKeys")}</EmptyStateBody>
                </EmptyState>
              );
            }
            return (
              <>
                {pagination(shown.length, more, "top")}
                <KeysTable keys={shown} canRevoke={access.revokeKeys} onRevoke={setRevoking} />
                {pagination(shown.length, more, "bottom")}
              </>
            );
          }}
        </Loading>
      </PageSection>
      {revoking && (
        <RevokeKeyModal
          apiKey={revoking}
          onClose={() => setRevoking(undefined)}
          onRevoked={() => {
            setRevoked(revoking.keyId);
            setRevoking(undefined);
            setReload((n) => n + 1);
          }}
        />
      )}
    </>
  );
};
