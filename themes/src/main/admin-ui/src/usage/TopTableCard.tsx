import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";

import { useAdminRest } from "../api/adminRest";
import { Loading } from "../api/Loading";
import { useLoad } from "../api/useLoad";
import { topQuery, TOP_N, type TotalsRow } from "./queries";
import type { DayRange } from "./range";
import { groupLabel } from "./series";
import { UsageCard } from "./UsageCard";

type Props = { range: DayRange; dimension: "project" | "user" };

/** The projects or people with the most tokens in the range. */
export const TopTableCard = ({ range, dimension }: Props) => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const query = topQuery(range, dimension);
  const loaded = useLoad(
    () => rest.getJson<{ rows: TotalsRow[] }>(query.path, query.query).then((a) => a.rows),
    rest.realm + JSON.stringify(query),
  );
  const id = `top-${dimension}s`;
  const nameHeader = t(dimension === "project" ? "inferenceProject" : "inferenceUser");
  const none = t(dimension === "project" ? "inferenceNoProject" : "inferenceDeletedUser");

  return (
    <UsageCard
      id={id}
      title={t(dimension === "project" ? "inferenceTopProjects" : "inferenceTopUsers", {
        count: TOP_N,
      })}
      query={query}
    >
      <Loading loaded={loaded}>
        {(rows) => (
          <InnerScrollContainer>
            <Table variant="compact" aria-label={nameHeader} data-testid={`${id}-table`}>
              <Thead>
                <Tr>
                  <Th>{nameHeader}</Th>
                  <Th>{t("inferenceRequests")}</Th>
                  <Th>{t("inferencePromptTokens")}</Th>
                  <Th>{t("inferenceCompletionTokens")}</Th>
                  <Th>{t("inferenceTotalTokens")}</Th>
                  {dimension === "user" && <Th>{t("inferenceLogins")}</Th>}
                </Tr>
              </Thead>
              <Tbody>
                {rows.length === 0 && (
                  <Tr>
                    <Td colSpan={6}>{t("inferenceNoUsage")}</Td>
                  </Tr>
                )}
                {rows.map((row) => {
                  const name = groupLabel(row, dimension, none);
                  return (
                    <Tr key={row.user_id ?? row.project ?? ""} data-name={name}>
                      <Td dataLabel={nameHeader}>{name}</Td>
                      <Td dataLabel={t("inferenceRequests")}>{row.requests}</Td>
                      <Td dataLabel={t("inferencePromptTokens")}>{row.prompt_tokens}</Td>
                      <Td dataLabel={t("inferenceCompletionTokens")}>{row.completion_tokens}</Td>
                      <Td dataLabel={t("inferenceTotalTokens")} data-testid="total-tokens">
                        {row.total_tokens}
                      </Td>
                      {dimension === "user" && (
                        <Td dataLabel={t("inferenceLogins")}>{row.logins}</Td>
                      )}
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
          </InnerScrollContainer>
        )}
      </Loading>
    </UsageCard>
  );
};
