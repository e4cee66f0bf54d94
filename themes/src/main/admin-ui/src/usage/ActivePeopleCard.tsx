import {
  Chart,
  ChartAxis,
  ChartBar,
  ChartLegend,
  ChartStack,
  ChartVoronoiContainer,
} from "@patternfly/react-charts";
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";

import { useAdminRest } from "../api/adminRest";
import { Loading } from "../api/Loading";
import { useLoad } from "../api/useLoad";
import { activePeopleQuery, type ActivePeriod } from "./queries";
import type { DayRange } from "./range";
import { UsageCard } from "./UsageCard";

const SERIES = ["api_only", "ui_only", "both"] as const;

/** Distinct people per ISO week, split API only / web UI only / both: a stacked bar chart and its table. */
export const ActivePeopleCard = ({ range }: { range: DayRange }) => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const query = activePeopleQuery(range);
  const loaded = useLoad(
    () => rest.getJson<{ periods: ActivePeriod[] }>(query.path, query.query).then((a) => a.periods),
    rest.realm + JSON.stringify(query),
  );
  const names = {
    api_only: t("inferenceApiOnly"),
    ui_only: t("inferenceUiOnly"),
    both: t("inferenceBoth"),
  };

  return (
    <UsageCard id="active-people" title={t("inferenceActivePeople")} query={query}>
      <Loading loaded={loaded}>
        {(periods) => (
          <>
            <div style={{ height: 260 }}>
              <Chart
                ariaTitle={t("inferenceActivePeople")}
                containerComponent={
                  <ChartVoronoiContainer
                    labels={({ datum }) => `${datum.name}: ${datum.y}`}
                    constrainToVisibleArea
                  />
                }
                legendComponent={<ChartLegend data={SERIES.map((s) => ({ name: names[s] }))} />}
                legendPosition="bottom"
                height={260}
                width={640}
                padding={{ top: 20, bottom: 70, left: 50, right: 20 }}
                domainPadding={{ x: 20 }}
              >
                <ChartAxis fixLabelOverlap />
                <ChartAxis
                  dependentAxis
                  showGrid
                  tickFormat={(v: number) => (Number.isInteger(v) ? v : "")}
                />
                <ChartStack>
                  {SERIES.map((s) => (
                    <ChartBar
                      key={s}
                      data={periods.map((p) => ({ x: p.start, y: p[s], name: names[s] }))}
                    />
                  ))}
                </ChartStack>
              </Chart>
            </div>
            <InnerScrollContainer>
              <Table
                variant="compact"
                aria-label={t("inferenceActivePeople")}
                data-testid="active-people-table"
              >
                <Thead>
                  <Tr>
                    <Th>{t("inferenceWeekOf")}</Th>
                    <Th>{names.api_only}</Th>
                    <Th>{names.ui_only}</Th>
                    <Th>{names.both}</Th>
                    <Th>{t("inferenceTotal")}</Th>
                    <Th>{t("inferenceNewPeople")}</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {periods.map((p) => (
                    <Tr key={p.start} data-week={p.start}>
                      <Td dataLabel={t("inferenceWeekOf")}>{p.start}</Td>
                      <Td dataLabel={names.api_only}>{p.api_only}</Td>
                      <Td dataLabel={names.ui_only}>{p.ui_only}</Td>
                      <Td dataLabel={names.both}>{p.both}</Td>
                      <Td dataLabel={t("inferenceTotal")} data-testid="active-total">
                        {p.total}
                      </Td>
                      <Td dataLabel={t("inferenceNewPeople")}>{p.new}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </InnerScrollContainer>
          </>
        )}
      </Loading>
    </UsageCard>
  );
};
