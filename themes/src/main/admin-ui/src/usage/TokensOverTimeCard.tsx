import {
  Chart,
  ChartAxis,
  ChartBar,
  ChartLegend,
  ChartStack,
  ChartVoronoiContainer,
} from "@patternfly/react-charts";
import { EmptyState, EmptyStateBody } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

import { useAdminRest } from "../api/adminRest";
import { Loading } from "../api/Loading";
import { useLoad } from "../api/useLoad";
import { overTimeQuery, type TotalsRow } from "./queries";
import { bucketFor, type DayRange } from "./range";
import { tokenSeries } from "./series";
import { UsageCard } from "./UsageCard";

type Props = { range: DayRange; dimension: "model" | "project" };

/** Tokens (prompt + completion) per day or week, stacked by model or by project. */
export const TokensOverTimeCard = ({ range, dimension }: Props) => {
  const { t } = useTranslation();
  const rest = useAdminRest();
  const bucket = bucketFor(range);
  const query = overTimeQuery(range, bucket, dimension);
  const loaded = useLoad(
    () => rest.getJson<{ rows: TotalsRow[] }>(query.path, query.query).then((a) => a.rows),
    rest.realm + JSON.stringify(query),
  );
  const id = `tokens-per-${dimension}`;
  const title = t(dimension === "model" ? "inferenceTokensPerModel" : "inferenceTokensPerProject");

  return (
    <UsageCard id={id} title={title} query={query}>
      <Loading loaded={loaded}>
        {(rows) => {
          const series = tokenSeries(rows, bucket, dimension, {
            none: t("inferenceNone"),
            others: t("inferenceOthers"),
          });
          if (series.length === 0) {
            return (
              <EmptyState variant="xs">
                <EmptyStateBody>{t("inferenceNoUsage")}</EmptyStateBody>
              </EmptyState>
            );
          }
          return (
            <div style={{ height: 300 }}>
              <Chart
                ariaTitle={title}
                ariaDesc={t(bucket === "day" ? "inferencePerDay" : "inferencePerWeek")}
                containerComponent={
                  <ChartVoronoiContainer
                    labels={({ datum }) => `${datum.name} (${datum.x}): ${datum.y}`}
                    constrainToVisibleArea
                  />
                }
                legendComponent={<ChartLegend data={series.map((s) => ({ name: s.name }))} />}
                legendPosition="bottom-left"
                legendAllowWrap
                height={300}
                width={640}
                padding={{ top: 20, bottom: 90, left: 70, right: 20 }}
                domainPadding={{ x: 20 }}
              >
                <ChartAxis fixLabelOverlap />
                <ChartAxis dependentAxis showGrid />
                <ChartStack>
                  {series.map((s) => (
                    <ChartBar key={s.name} data={s.points.map((p) => ({ ...p, name: s.name }))} />
                  ))}
                </ChartStack>
              </Chart>
            </div>
          );
        }}
      </Loading>
    </UsageCard>
  );
};
